/**
 * Shifts: psrlw/d/q, psraw/d, psllw/d/q by xmm/m128 count and by imm8 (0F 71/72/73 groups),
 * pslldq/psrldq byte shifts. 66 prefix only (the MMX forms are not supported).
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { D, D16, D8, Di16, R, R8, S, loadSrc128, sigill } from './common.js';

const SRL = 0, SRA = 1, SLL = 2;

/**
 * Shift xmm register `reg` in lanes of `width` bytes by `count` (count >= 2^32 passed as
 * Infinity-like large value).
 */
function shiftReg(cpu: Cpu, reg: number, width: number, kind: number, count: number): void {
  const x = cpu.xmm, b = reg << 2;
  switch (width) {
    case 2: {
      D[0] = x[b]!; D[1] = x[b + 1]!; D[2] = x[b + 2]!; D[3] = x[b + 3]!;
      if (kind === SRA) {
        const n = count > 15 ? 15 : count;
        for (let i = 0; i < 8; i++) D16[i] = Di16[i]! >> n;
      } else if (count > 15) {
        D[0] = 0; D[1] = 0; D[2] = 0; D[3] = 0;
      } else if (kind === SRL) {
        for (let i = 0; i < 8; i++) D16[i] = D16[i]! >>> count;
      } else {
        for (let i = 0; i < 8; i++) D16[i] = D16[i]! << count;
      }
      x[b] = D[0]!; x[b + 1] = D[1]!; x[b + 2] = D[2]!; x[b + 3] = D[3]!;
      return;
    }
    case 4:
      for (let i = b; i < b + 4; i++) {
        const v = x[i]!;
        if (kind === SRA) x[i] = (v | 0) >> (count > 31 ? 31 : count);
        else if (count > 31) x[i] = 0;
        else x[i] = kind === SRL ? v >>> count : v << count;
      }
      return;
    default:
      for (let i = b; i < b + 4; i += 2) {
        const lo = x[i]!, hi = x[i + 1]!;
        if (count > 63) {
          x[i] = 0; x[i + 1] = 0;
        } else if (count === 0) {
          // unchanged
        } else if (kind === SRL) {
          if (count >= 32) { x[i] = hi >>> (count - 32); x[i + 1] = 0; }
          else { x[i] = (lo >>> count) | (hi << (32 - count)); x[i + 1] = hi >>> count; }
        } else {
          if (count >= 32) { x[i + 1] = lo << (count - 32); x[i] = 0; }
          else { x[i + 1] = (hi << count) | (lo >>> (32 - count)); x[i] = lo << count; }
        }
      }
  }
}

/** Shift by the low 64 bits of xmm/m128 (66 prefix). */
function byXmm(cpu: Cpu, insn: Insn, width: number, kind: number): void {
  if (insn.prefix !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  const count = S[1] !== 0 ? 0xffffffff : S[0]!;
  shiftReg(cpu, insn.reg, width, kind, count);
}

/** 66 0F D1/D2/D3: psrlw/psrld/psrlq xmm, xmm/m128. */
export function op0FD1(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 2, SRL); }
export function op0FD2(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 4, SRL); }
export function op0FD3(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 8, SRL); }
/** 66 0F E1/E2: psraw/psrad. */
export function op0FE1(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 2, SRA); }
export function op0FE2(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 4, SRA); }
/** 66 0F F1/F2/F3: psllw/pslld/psllq. */
export function op0FF1(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 2, SLL); }
export function op0FF2(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 4, SLL); }
export function op0FF3(cpu: Cpu, insn: Insn): void { byXmm(cpu, insn, 8, SLL); }

function immGroup(insn: Insn): void {
  if (insn.prefix !== 0x66 || insn.mod !== 3) sigill(insn);
}

/** 66 0F 71 /2 /4 /6 ib: psrlw / psraw / psllw xmm, imm8. */
export function op0F71(cpu: Cpu, insn: Insn): void {
  immGroup(insn);
  const k = insn.regOp;
  if (k !== 2 && k !== 4 && k !== 6) sigill(insn);
  shiftReg(cpu, insn.rm, 2, k === 2 ? SRL : k === 4 ? SRA : SLL, insn.imm & 0xff);
}

/** 66 0F 72 /2 /4 /6 ib: psrld / psrad / pslld xmm, imm8. */
export function op0F72(cpu: Cpu, insn: Insn): void {
  immGroup(insn);
  const k = insn.regOp;
  if (k !== 2 && k !== 4 && k !== 6) sigill(insn);
  shiftReg(cpu, insn.rm, 4, k === 2 ? SRL : k === 4 ? SRA : SLL, insn.imm & 0xff);
}

/** 66 0F 73 /2 /3 /6 /7 ib: psrlq / psrldq / psllq / pslldq xmm, imm8. */
export function op0F73(cpu: Cpu, insn: Insn): void {
  immGroup(insn);
  const k = insn.regOp, n = insn.imm & 0xff;
  if (k === 2 || k === 6) {
    shiftReg(cpu, insn.rm, 8, k === 2 ? SRL : SLL, n);
    return;
  }
  if (k !== 3 && k !== 7) sigill(insn);
  const x = cpu.xmm, b = insn.rm << 2;
  D[0] = x[b]!; D[1] = x[b + 1]!; D[2] = x[b + 2]!; D[3] = x[b + 3]!;
  if (k === 3) {
    for (let i = 0; i < 16; i++) R8[i] = i + n < 16 ? D8[i + n]! : 0;
  } else {
    for (let i = 0; i < 16; i++) R8[i] = i - n >= 0 ? D8[i - n]! : 0;
  }
  x[b] = R[0]!; x[b + 1] = R[1]!; x[b + 2] = R[2]!; x[b + 3] = R[3]!;
}
