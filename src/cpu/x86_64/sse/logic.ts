/**
 * Bitwise logic: andps/andnps/orps/xorps (and the pd forms, identical bitwise) and
 * pand/pandn/por/pxor.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { S, loadSrc128, sigill } from './common.js';

const AND = 0, ANDN = 1, OR = 2, XOR = 3;

function logic(cpu: Cpu, insn: Insn, kind: number): void {
  loadSrc128(cpu, insn, true);
  const x = cpu.xmm, d = insn.reg << 2;
  for (let i = 0; i < 4; i++) {
    const a = x[d + i]!, b = S[i]!;
    x[d + i] = kind === AND ? a & b : kind === ANDN ? ~a & b : kind === OR ? a | b : a ^ b;
  }
}

function fpForm(insn: Insn): void {
  if (insn.prefix !== 0 && insn.prefix !== 0x66) sigill(insn);
}
function intForm(insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
}

/** 0F 54: andps / andpd. */
export function op0F54(cpu: Cpu, insn: Insn): void { fpForm(insn); logic(cpu, insn, AND); }
/** 0F 55: andnps / andnpd. */
export function op0F55(cpu: Cpu, insn: Insn): void { fpForm(insn); logic(cpu, insn, ANDN); }
/** 0F 56: orps / orpd. */
export function op0F56(cpu: Cpu, insn: Insn): void { fpForm(insn); logic(cpu, insn, OR); }
/** 0F 57: xorps / xorpd. */
export function op0F57(cpu: Cpu, insn: Insn): void { fpForm(insn); logic(cpu, insn, XOR); }
/** 66 0F DB: pand. */
export function op0FDB(cpu: Cpu, insn: Insn): void { intForm(insn); logic(cpu, insn, AND); }
/** 66 0F DF: pandn. */
export function op0FDF(cpu: Cpu, insn: Insn): void { intForm(insn); logic(cpu, insn, ANDN); }
/** 66 0F EB: por. */
export function op0FEB(cpu: Cpu, insn: Insn): void { intForm(insn); logic(cpu, insn, OR); }
/** 66 0F EF: pxor. */
export function op0FEF(cpu: Cpu, insn: Insn): void { intForm(insn); logic(cpu, insn, XOR); }
