/**
 * Operand access shared by the SSE/SSE2 handlers.
 *
 * XMM registers live in `cpu.xmm` (Uint32Array, 4 lanes per register, lane 0 = bits 31:0).
 * Source operands are copied into the module-level scratch `S` (so dest == src aliasing never
 * matters); results are usually computed into `R` and committed once nothing can fault anymore.
 * Memory operands of 16 bytes are read completely before anything is written and checked for
 * writability before the first byte is stored, so a fault leaves the state unchanged.
 */
import { type Cpu, CpuException, SIGILL, SIGSEGV } from '../cpu.js';
import type { Insn } from '../insn.js';

/** Source operand scratch (4 lanes) with byte/word views. */
export const S = new Uint32Array(4);
export const S8 = new Uint8Array(S.buffer);
export const S16 = new Uint16Array(S.buffer);
export const Si8 = new Int8Array(S.buffer);
export const Si16 = new Int16Array(S.buffer);
export const Si32 = new Int32Array(S.buffer);

/** Destination (first source) copy with views. */
export const D = new Uint32Array(4);
export const D8 = new Uint8Array(D.buffer);
export const D16 = new Uint16Array(D.buffer);
export const Di8 = new Int8Array(D.buffer);
export const Di16 = new Int16Array(D.buffer);
export const Di32 = new Int32Array(D.buffer);

/** Result scratch with views. */
export const R = new Uint32Array(4);
export const R8 = new Uint8Array(R.buffer);
export const R16 = new Uint16Array(R.buffer);
export const Ri8 = new Int8Array(R.buffer);
export const Ri16 = new Int16Array(R.buffer);

const SI_KERNEL = 0x80;
const ILL_ILLOPN = 2;

function hex(n: number, w: number): string {
  return n.toString(16).padStart(w, '0');
}

function describe(insn: Insn): string {
  let b = '';
  for (let i = 0; i < insn.bytes.length; i++) b += hex(insn.bytes[i]!, 2) + ' ';
  const pfx = insn.prefix ? hex(insn.prefix, 2) + ' ' : '';
  return `${pfx}${hex(insn.op, 4)} /${insn.regOp} mod=${insn.mod}${b ? ' [' + b.trim() + ']' : ''}`;
}

/** #UD: an opcode/prefix combination that is not part of the advertised SSE/SSE2 baseline. */
export function sigill(insn: Insn): never {
  throw new CpuException(SIGILL, `unimplemented SSE instruction ${describe(insn)}`, 0, ILL_ILLOPN);
}

/** #GP in user mode (Linux: SIGSEGV, si_code SI_KERNEL, address 0). */
export function gpFault(why: string): never {
  throw new CpuException(SIGSEGV, `general protection fault: ${why}`, 0, SI_KERNEL);
}

/** Effective address of a memory operand that must be 16-byte aligned. */
export function ea16(cpu: Cpu, insn: Insn, aligned: boolean): number {
  const a = cpu.ea(insn);
  if (aligned && a % 16 !== 0) gpFault('misaligned 16-byte SSE memory operand');
  return a;
}

/** Load the 128-bit source (xmm rm or m128) into S. */
export function loadSrc128(cpu: Cpu, insn: Insn, aligned: boolean): void {
  if (insn.mod === 3) {
    const x = cpu.xmm, b = insn.rm << 2;
    S[0] = x[b]!; S[1] = x[b + 1]!; S[2] = x[b + 2]!; S[3] = x[b + 3]!;
  } else {
    const a = ea16(cpu, insn, aligned);
    const m = cpu.mem;
    const v0 = m.read32(a), v1 = m.read32(a + 4), v2 = m.read32(a + 8), v3 = m.read32(a + 12);
    S[0] = v0; S[1] = v1; S[2] = v2; S[3] = v3;
  }
}

/** Load the low 64 bits of xmm rm or m64 into S[0..1] (S[2..3] untouched). */
export function loadSrc64(cpu: Cpu, insn: Insn): void {
  if (insn.mod === 3) {
    const x = cpu.xmm, b = insn.rm << 2;
    S[0] = x[b]!; S[1] = x[b + 1]!;
  } else {
    const a = cpu.ea(insn);
    const lo = cpu.mem.read32(a), hi = cpu.mem.read32(a + 4);
    S[0] = lo; S[1] = hi;
  }
}

/** Load the low 32 bits of xmm rm or m32 into S[0]. */
export function loadSrc32(cpu: Cpu, insn: Insn): void {
  if (insn.mod === 3) S[0] = cpu.xmm[insn.rm << 2]!;
  else S[0] = cpu.mem.read32(cpu.ea(insn));
}

/** Copy xmm reg (ModRM.reg) into D. */
export function loadDst(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, b = insn.reg << 2;
  D[0] = x[b]!; D[1] = x[b + 1]!; D[2] = x[b + 2]!; D[3] = x[b + 3]!;
}

/** Write R into xmm reg (ModRM.reg). */
export function commitR(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, b = insn.reg << 2;
  x[b] = R[0]!; x[b + 1] = R[1]!; x[b + 2] = R[2]!; x[b + 3] = R[3]!;
}

/** Write S into xmm reg (ModRM.reg). */
export function commitS(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, b = insn.reg << 2;
  x[b] = S[0]!; x[b + 1] = S[1]!; x[b + 2] = S[2]!; x[b + 3] = S[3]!;
}

/** Store 4 lanes from xmm register `reg` to memory (checked writable first). */
export function store128(cpu: Cpu, addr: number, reg: number): void {
  const m = cpu.mem, x = cpu.xmm, b = reg << 2;
  m.checkWritable(addr, 16);
  m.write32(addr, x[b]!);
  m.write32(addr + 4, x[b + 1]!);
  m.write32(addr + 8, x[b + 2]!);
  m.write32(addr + 12, x[b + 3]!);
}

/** Store two lanes of xmm `reg` starting at lane `lane` (0 or 2) as 64 bits. */
export function store64(cpu: Cpu, addr: number, reg: number, lane: number): void {
  const x = cpu.xmm, b = (reg << 2) + lane;
  cpu.mem.write64(addr, x[b]!, x[b + 1]!);
}

/** The handler accepts only these SIMD prefixes; anything else is #UD. */
export function needPrefix66(insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
}
