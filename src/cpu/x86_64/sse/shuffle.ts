/**
 * Shuffles, unpacks and packs: unpcklps/unpckhps/unpcklpd/unpckhpd, shufps/shufpd,
 * pshufd/pshufhw/pshuflw, punpckl/h bw/wd/dq/qdq, packsswb/packuswb/packssdw, pinsrw/pextrw.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import {
  D, D16, D8, Di16, Di32, R, R16, R8, Ri16, Ri8, S, S16, S8, Si16, Si32, commitR, loadDst,
  loadSrc128, sigill,
} from './common.js';

/** 0F 14: unpcklps (none) / unpcklpd (66). */
export function op0F14(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p !== 0 && p !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  loadDst(cpu, insn);
  if (p === 0) {
    R[0] = D[0]!; R[1] = S[0]!; R[2] = D[1]!; R[3] = S[1]!;
  } else {
    R[0] = D[0]!; R[1] = D[1]!; R[2] = S[0]!; R[3] = S[1]!;
  }
  commitR(cpu, insn);
}

/** 0F 15: unpckhps (none) / unpckhpd (66). */
export function op0F15(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p !== 0 && p !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  loadDst(cpu, insn);
  if (p === 0) {
    R[0] = D[2]!; R[1] = S[2]!; R[2] = D[3]!; R[3] = S[3]!;
  } else {
    R[0] = D[2]!; R[1] = D[3]!; R[2] = S[2]!; R[3] = S[3]!;
  }
  commitR(cpu, insn);
}

/** 0F C6 ib: shufps (none) / shufpd (66). */
export function op0FC6(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix, imm = insn.imm;
  if (p !== 0 && p !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  loadDst(cpu, insn);
  if (p === 0) {
    R[0] = D[imm & 3]!;
    R[1] = D[(imm >> 2) & 3]!;
    R[2] = S[(imm >> 4) & 3]!;
    R[3] = S[(imm >> 6) & 3]!;
  } else {
    const a = (imm & 1) * 2, b = ((imm >> 1) & 1) * 2;
    R[0] = D[a]!; R[1] = D[a + 1]!; R[2] = S[b]!; R[3] = S[b + 1]!;
  }
  commitR(cpu, insn);
}

/** 0F 70 ib: pshufd (66), pshufhw (F3), pshuflw (F2). The MMX pshufw is not supported. */
export function op0F70(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix, imm = insn.imm;
  if (p === 0) sigill(insn);
  loadSrc128(cpu, insn, true);
  if (p === 0x66) {
    for (let i = 0; i < 4; i++) R[i] = S[(imm >> (2 * i)) & 3]!;
  } else if (p === 0xf3) {
    R[0] = S[0]!; R[1] = S[1]!;
    for (let i = 0; i < 4; i++) R16[4 + i] = S16[4 + ((imm >> (2 * i)) & 3)]!;
  } else {
    for (let i = 0; i < 4; i++) R16[i] = S16[(imm >> (2 * i)) & 3]!;
    R[2] = S[2]!; R[3] = S[3]!;
  }
  commitR(cpu, insn);
}

/** Prologue for the 66-only integer unpack/pack forms. */
function operands(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  loadDst(cpu, insn);
}

/** 66 0F 60: punpcklbw. */
export function op0F60(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) { R8[2 * i] = D8[i]!; R8[2 * i + 1] = S8[i]!; }
  commitR(cpu, insn);
}
/** 66 0F 61: punpcklwd. */
export function op0F61(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i++) { R16[2 * i] = D16[i]!; R16[2 * i + 1] = S16[i]!; }
  commitR(cpu, insn);
}
/** 66 0F 62: punpckldq. */
export function op0F62(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  R[0] = D[0]!; R[1] = S[0]!; R[2] = D[1]!; R[3] = S[1]!;
  commitR(cpu, insn);
}
/** 66 0F 68: punpckhbw. */
export function op0F68(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) { R8[2 * i] = D8[8 + i]!; R8[2 * i + 1] = S8[8 + i]!; }
  commitR(cpu, insn);
}
/** 66 0F 69: punpckhwd. */
export function op0F69(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i++) { R16[2 * i] = D16[4 + i]!; R16[2 * i + 1] = S16[4 + i]!; }
  commitR(cpu, insn);
}
/** 66 0F 6A: punpckhdq. */
export function op0F6A(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  R[0] = D[2]!; R[1] = S[2]!; R[2] = D[3]!; R[3] = S[3]!;
  commitR(cpu, insn);
}
/** 66 0F 6C: punpcklqdq. */
export function op0F6C(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  R[0] = D[0]!; R[1] = D[1]!; R[2] = S[0]!; R[3] = S[1]!;
  commitR(cpu, insn);
}
/** 66 0F 6D: punpckhqdq. */
export function op0F6D(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  R[0] = D[2]!; R[1] = D[3]!; R[2] = S[2]!; R[3] = S[3]!;
  commitR(cpu, insn);
}

/** 66 0F 63: packsswb. */
export function op0F63(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) {
    const a = Di16[i]!, b = Si16[i]!;
    Ri8[i] = a > 127 ? 127 : a < -128 ? -128 : a;
    Ri8[8 + i] = b > 127 ? 127 : b < -128 ? -128 : b;
  }
  commitR(cpu, insn);
}
/** 66 0F 67: packuswb. */
export function op0F67(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) {
    const a = Di16[i]!, b = Si16[i]!;
    R8[i] = a > 255 ? 255 : a < 0 ? 0 : a;
    R8[8 + i] = b > 255 ? 255 : b < 0 ? 0 : b;
  }
  commitR(cpu, insn);
}
/** 66 0F 6B: packssdw. */
export function op0F6B(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i++) {
    const a = Di32[i]!, b = Si32[i]!;
    Ri16[i] = a > 32767 ? 32767 : a < -32768 ? -32768 : a;
    Ri16[4 + i] = b > 32767 ? 32767 : b < -32768 ? -32768 : b;
  }
  commitR(cpu, insn);
}

/** 66 0F C4 ib: pinsrw xmm, r32/m16, imm8. */
export function op0FC4(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
  const v = insn.mod === 3 ? cpu.lo[insn.rm]! & 0xffff : cpu.mem.read16(cpu.ea(insn));
  loadDst(cpu, insn);
  D16[insn.imm & 7] = v;
  const x = cpu.xmm, d = insn.reg << 2;
  x[d] = D[0]!; x[d + 1] = D[1]!; x[d + 2] = D[2]!; x[d + 3] = D[3]!;
}

/** 66 0F C5 ib: pextrw r32, xmm, imm8 (zero-extended). */
export function op0FC5(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66 || insn.mod !== 3) sigill(insn);
  const x = cpu.xmm, s = insn.rm << 2;
  const n = insn.imm & 7;
  const w = (x[s + (n >> 1)]! >>> ((n & 1) * 16)) & 0xffff;
  cpu.setReg(4, insn.reg, w, 0);
}
