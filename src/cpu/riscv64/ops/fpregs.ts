/**
 * FP register access shared by the F/D handlers: NaN boxing of single values, raw bit patterns,
 * canonical NaN results, the rounding mode of an instruction, and illegal-instruction faults.
 */
import { CpuException, SIGILL } from '../../x86_64/cpu.js';
import type { RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';

export const CANON_S = 0x7fc00000;
export const CANON_D_HI = 0x7ff80000;

/** si_code ILL_ILLOPC. */
const ILL_ILLOPC = 1;

export function illegal(i: RvInsn, why: string): CpuException {
  const enc = i.len === 2 ? i.raw.toString(16).padStart(4, '0') : (i.raw >>> 0).toString(16).padStart(8, '0');
  return new CpuException(SIGILL, `illegal instruction 0x${enc} at pc 0x${i.addr.toString(16)}: ${why}`, i.addr, ILL_ILLOPC);
}

/** The instruction's rounding mode (7 = the dynamic frm, which must be valid). */
export function rmOf(cpu: RvCpu, i: RvInsn): number {
  if (i.rm !== 7) return i.rm;
  if (cpu.frm > 4) throw illegal(i, `dynamic rounding mode with an invalid frm (${cpu.frm})`);
  return cpu.frm;
}

/** A single operand: the low word if properly NaN-boxed, else the canonical NaN. */
export function wordS(cpu: RvCpu, r: number): number {
  return cpu.fi[2 * r + 1] === -1 ? cpu.fi[2 * r]! : CANON_S;
}

export function valS(cpu: RvCpu, r: number): number {
  return cpu.fi[2 * r + 1] === -1 ? cpu.fs[2 * r]! : NaN;
}

export function bitsS(cpu: RvCpu, r: number): bigint {
  return BigInt(wordS(cpu, r) >>> 0);
}

export function bitsD(cpu: RvCpu, r: number): bigint {
  return (BigInt(cpu.fi[2 * r + 1]! >>> 0) << 32n) | BigInt(cpu.fi[2 * r]! >>> 0);
}

export function setBitsS(cpu: RvCpu, r: number, b: bigint): void {
  cpu.fi[2 * r] = Number(b) | 0;
  cpu.fi[2 * r + 1] = -1;
}

export function setBitsD(cpu: RvCpu, r: number, b: bigint): void {
  cpu.fi[2 * r] = Number(b & 0xffffffffn) | 0;
  cpu.fi[2 * r + 1] = Number(b >> 32n) | 0;
}

/** Write a single result computed as a number (already rounded to float32). */
export function writeS(cpu: RvCpu, r: number, v: number): void {
  if (v !== v) cpu.fi[2 * r] = CANON_S;
  else cpu.fs[2 * r] = v;
  cpu.fi[2 * r + 1] = -1;
}

export function writeD(cpu: RvCpu, r: number, v: number): void {
  if (v !== v) {
    cpu.fi[2 * r] = 0;
    cpu.fi[2 * r + 1] = CANON_D_HI;
  } else cpu.fd[r] = v;
}

export function isSNaNS(w: number): boolean {
  return (w & 0x7fc00000) === 0x7f800000 && (w & 0x3fffff) !== 0;
}

export function isSNaND(cpu: RvCpu, r: number): boolean {
  const hi = cpu.fi[2 * r + 1]!;
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | cpu.fi[2 * r]!) !== 0;
}

export function isSNaNSReg(cpu: RvCpu, r: number): boolean {
  return isSNaNS(wordS(cpu, r));
}
