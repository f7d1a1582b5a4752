/**
 * Helpers for system call arguments and guest memory: decoding raw 64-bit argument registers,
 * reading paths, checking buffers, and building/reading C structs little-endian.
 *
 * Guest memory faults (MemoryFault) are not caught here: the dispatcher turns them into EFAULT.
 */
import { type Memory, PROT_READ, PROT_WRITE, USER_LIMIT } from '../mem/memory.js';
import { EFAULT, ENAMETOOLONG, SysError } from './errno.js';
import { PATH_MAX } from './vfs/vfs.js';

/** Low 32 bits as a signed int (fds, flags, int arguments). */
export function int(a: bigint): number {
  return Number(BigInt.asIntN(32, a));
}

/** Low 32 bits as an unsigned int. */
export function uint(a: bigint): number {
  return Number(BigInt.asUintN(32, a));
}

/** A signed 64-bit value (off_t, long). */
export function i64(a: bigint): bigint {
  return BigInt.asIntN(64, a);
}

/**
 * A guest address as a number. Values at or above 2^47 are not user addresses; they come back as
 * USER_LIMIT (exact), which faults on any access.
 */
export function ptr(a: bigint): number {
  const v = BigInt.asUintN(64, a);
  return v >= BigInt(USER_LIMIT) ? USER_LIMIT : Number(v);
}

/** A size_t as a number, saturated at 2^53 - 1. */
export function size(a: bigint): number {
  const v = BigInt.asUintN(64, a);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Bytes → string with one char per byte (file names keep their exact bytes). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return s;
}

/** String with one char per byte → bytes. */
export function bytesOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A NUL-terminated path from guest memory; EFAULT, or ENAMETOOLONG past PATH_MAX. */
export function readPath(mem: Memory, addr: number): string {
  if (addr === 0) throw new SysError(EFAULT);
  const b = mem.readCString(addr, PATH_MAX);
  if (b === null) throw new SysError(ENAMETOOLONG);
  return latin1(b);
}

/** True if every byte of [addr, addr+len) is mapped with all of `prot`. */
export function accessible(mem: Memory, addr: number, len: number, prot: number): boolean {
  if (len <= 0) return true;
  if (addr < 0 || addr + len > USER_LIMIT) return false;
  const end = addr + len;
  let a = addr;
  while (a < end) {
    const m = mem.findMapping(a);
    if (!m || (m.prot & prot) !== prot) return false;
    a = m.end;
  }
  return true;
}

/** EFAULT unless [addr, addr+len) is writable. */
export function checkWritable(mem: Memory, addr: number, len: number): void {
  if (!accessible(mem, addr, len, PROT_WRITE)) throw new SysError(EFAULT);
}

/** EFAULT unless [addr, addr+len) is readable. */
export function checkReadable(mem: Memory, addr: number, len: number): void {
  if (!accessible(mem, addr, len, PROT_READ)) throw new SysError(EFAULT);
}

/** A little-endian C struct being built, written to the guest in one piece. */
export class StructWriter {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u8(off: number, v: number): this {
    this.dv.setUint8(off, v);
    return this;
  }
  u16(off: number, v: number): this {
    this.dv.setUint16(off, v, true);
    return this;
  }
  u32(off: number, v: number): this {
    this.dv.setUint32(off, v >>> 0, true);
    return this;
  }
  i32(off: number, v: number): this {
    this.dv.setInt32(off, v, true);
    return this;
  }
  u64(off: number, v: number | bigint): this {
    this.dv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true);
    return this;
  }
  i64(off: number, v: number | bigint): this {
    this.dv.setBigInt64(off, BigInt.asIntN(64, BigInt(v)), true);
    return this;
  }
  str(off: number, s: string, max: number): this {
    const b = bytesOf(s);
    this.bytes.set(b.subarray(0, max), off);
    return this;
  }
  /** Write the struct to guest memory (all or nothing: a fault writes no byte). */
  to(mem: Memory, addr: number): void {
    mem.write(addr, this.bytes);
  }
}

/** A C struct read from the guest. */
export class StructReader {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  static from(mem: Memory, addr: number, size: number): StructReader {
    return new StructReader(mem.read(addr, size));
  }
  u8(off: number): number {
    return this.dv.getUint8(off);
  }
  u16(off: number): number {
    return this.dv.getUint16(off, true);
  }
  u32(off: number): number {
    return this.dv.getUint32(off, true);
  }
  i32(off: number): number {
    return this.dv.getInt32(off, true);
  }
  u64(off: number): bigint {
    return this.dv.getBigUint64(off, true);
  }
  i64(off: number): bigint {
    return this.dv.getBigInt64(off, true);
  }
}

/** Write a 64-bit value to the guest. */
export function put64(mem: Memory, addr: number, v: number | bigint): void {
  new StructWriter(8).u64(0, v).to(mem, addr);
}

/** Write a 32-bit value to the guest. */
export function put32(mem: Memory, addr: number, v: number): void {
  new StructWriter(4).u32(0, v).to(mem, addr);
}
