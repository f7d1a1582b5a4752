/**
 * strace-like trace lines: `write(1, 0x4010a0, 13) = 13`, `openat(AT_FDCWD, "/tmp/x", 0x42, 0644) = 3`,
 * `read(9, 0x7ffffffde000, 64) = -9 (EBADF)`.
 *
 * Arguments are decoded by a small signature per system call, one letter per argument:
 *   d  int (decimal)          u  unsigned long (decimal)   l  long (decimal)
 *   x  flags (hex)            o  mode (octal)              p  pointer (hex, NULL for 0)
 *   s  path (quoted string: only if the call itself read it, else the pointer in hex — tracing
 *      never touches guest memory, so turning it on cannot change a run's gas or result)
 *   f  dirfd (AT_FDCWD or decimal)
 * Each signature stands beside its call's implementation (syscalls/*.ts); calls the kernel does not
 * implement have none and show their six raw arguments in hex. A result is decimal, a negative
 * one is followed by its errno name, and calls that return addresses (mmap, brk, mremap) show hex.
 */
import { AT_FDCWD } from './constants.js';
import { errnoName } from './errno.js';
import { SYSCALL_SIGNATURES } from './syscalls/index.js';

/** The letters a signature is made of (above). */
export const SIGNATURE_LETTERS = 'dulxopsf';

function hex(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

function quote(bytes: Uint8Array, truncated: boolean): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\x' + b.toString(16).padStart(2, '0');
  }
  return s + '"' + (truncated ? '...' : '');
}

function pathArg(paths: ReadonlyMap<number, string>, v: bigint): string {
  if (v === 0n) return 'NULL';
  const p = paths.get(Number(BigInt.asUintN(64, v)));
  if (p === undefined) return hex(v);
  const bytes = Uint8Array.from(p, (c) => c.charCodeAt(0));
  return bytes.length > 256 ? quote(bytes.subarray(0, 256), true) : quote(bytes, false);
}

function one(kind: string, v: bigint, paths: ReadonlyMap<number, string>): string {
  switch (kind) {
    case 'd':
      return String(BigInt.asIntN(32, v));
    case 'u':
      return String(BigInt.asUintN(64, v));
    case 'l':
      return String(BigInt.asIntN(64, v));
    case 'x':
      return hex(v);
    case 'o':
      return '0' + BigInt.asUintN(32, v).toString(8);
    case 'p':
      return v === 0n ? 'NULL' : hex(v);
    case 's':
      return pathArg(paths, v);
    case 'f': {
      const fd = Number(BigInt.asIntN(32, v));
      return fd === AT_FDCWD ? 'AT_FDCWD' : String(fd);
    }
    default:
      return hex(v);
  }
}

/**
 * The argument list of a call. Paths are shown only if the call itself read them (`paths`:
 * address → string); tracing never touches guest memory, so it cannot change a run.
 */
export function describeArgs(name: string, args: readonly bigint[], paths: ReadonlyMap<number, string>): string {
  const sig = SYSCALL_SIGNATURES[name];
  if (sig === undefined) return args.slice(0, 6).map(hex).join(', ');
  return [...sig].map((k, i) => one(k, args[i] ?? 0n, paths)).join(', ');
}

const ADDRESS_RESULTS = new Set(['mmap', 'brk', 'mremap']);

export function describeResult(name: string, ret: bigint): string {
  if (ret < 0n && ret >= -4095n) return `${ret} (${errnoName(Number(-ret))})`;
  return ADDRESS_RESULTS.has(name) ? hex(ret) : String(ret);
}

/** Names that have a trace signature (for documentation tooling). */
export function tracedNames(): string[] {
  return Object.keys(SYSCALL_SIGNATURES);
}
