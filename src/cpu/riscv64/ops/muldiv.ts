/**
 * RV64M. Products are built from 16-bit partial products (exact in doubles, no BigInt); division
 * runs in doubles when both operands are below 2^52 in magnitude (exact, with a correction step)
 * and falls back to BigInt only for wider operands.
 */
import type { RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';

const TWO32 = 4294967296;
const TWO52 = 4503599627370496;

/** High 32 bits of the unsigned product of two 32-bit values. */
export function mulhu32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lh = al * bh, hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

export function mul(cpu: RvCpu, i: RvInsn): void {
  const al = cpu.xl[i.rs1]!, ah = cpu.xh[i.rs1]!, bl = cpu.xl[i.rs2]!, bh = cpu.xh[i.rs2]!;
  cpu.xh[i.rd] = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  cpu.xl[i.rd] = Math.imul(al, bl);
}

/** Scratch result of mulhu64: high 64 bits as (lo, hi) int32 halves. */
let resLo = 0, resHi = 0;

function mulhu64(al: number, ah: number, bl: number, bh: number): void {
  const t = (mulhu32(al, bl) >>> 0) + (Math.imul(al, bh) >>> 0) + (Math.imul(ah, bl) >>> 0);
  const u = (mulhu32(al, bh) >>> 0) + (mulhu32(ah, bl) >>> 0) + (Math.imul(ah, bh) >>> 0) + Math.floor(t / TWO32);
  const c = Math.floor(u / TWO32);
  resLo = u | 0; // (u < 2^35: |0 keeps the low 32 bits exactly)
  resHi = (mulhu32(ah, bh) + c) | 0;
}

/** (resLo, resHi) -= (l, h) modulo 2^64. */
function subRes(l: number, h: number): void {
  const lo = (resLo - l) | 0;
  resHi = (resHi - h - (resLo >>> 0 < l >>> 0 ? 1 : 0)) | 0;
  resLo = lo;
}

export function mulhu(cpu: RvCpu, i: RvInsn): void {
  mulhu64(cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, cpu.xl[i.rs2]!, cpu.xh[i.rs2]!);
  cpu.xl[i.rd] = resLo;
  cpu.xh[i.rd] = resHi;
}

export function mulh(cpu: RvCpu, i: RvInsn): void {
  const al = cpu.xl[i.rs1]!, ah = cpu.xh[i.rs1]!, bl = cpu.xl[i.rs2]!, bh = cpu.xh[i.rs2]!;
  mulhu64(al, ah, bl, bh);
  if (ah < 0) subRes(bl, bh);
  if (bh < 0) subRes(al, ah);
  cpu.xl[i.rd] = resLo;
  cpu.xh[i.rd] = resHi;
}

export function mulhsu(cpu: RvCpu, i: RvInsn): void {
  const ah = cpu.xh[i.rs1]!, bl = cpu.xl[i.rs2]!, bh = cpu.xh[i.rs2]!;
  mulhu64(cpu.xl[i.rs1]!, ah, bl, bh);
  if (ah < 0) subRes(bl, bh);
  cpu.xl[i.rd] = resLo;
  cpu.xh[i.rd] = resHi;
}

export function mulw(cpu: RvCpu, i: RvInsn): void {
  const v = Math.imul(cpu.xl[i.rs1]!, cpu.xl[i.rs2]!);
  cpu.xl[i.rd] = v;
  cpu.xh[i.rd] = v >> 31;
}

function setNum(cpu: RvCpu, rd: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  cpu.xl[rd] = (v - hi * TWO32) | 0;
  cpu.xh[rd] = hi | 0;
}

/** Quotient or remainder (rem) of signed 64-bit values; RISC-V's results for /0 and overflow. */
function divSigned(cpu: RvCpu, i: RvInsn, rem: boolean): void {
  const al = cpu.xl[i.rs1]!, ah = cpu.xh[i.rs1]!, bl = cpu.xl[i.rs2]!, bh = cpu.xh[i.rs2]!;
  if (bl === 0 && bh === 0) {
    if (rem) {
      cpu.xl[i.rd] = al;
      cpu.xh[i.rd] = ah;
    } else {
      cpu.xl[i.rd] = -1;
      cpu.xh[i.rd] = -1;
    }
    return;
  }
  const a = ah * TWO32 + (al >>> 0), b = bh * TWO32 + (bl >>> 0);
  if (a > -TWO52 && a < TWO52 && b > -TWO52 && b < TWO52) {
    let q = Math.trunc(a / b);
    let r = a - q * b;
    // the rounded quotient may be one off: bring r back into (-|b|, |b|) with a's sign
    if (r !== 0 && (r < 0) !== (a < 0)) {
      q += (b < 0) === (a < 0) ? -1 : 1;
      r = a - q * b;
    } else if (Math.abs(r) >= Math.abs(b)) {
      q += (b < 0) === (a < 0) ? 1 : -1;
      r = a - q * b;
    }
    setNum(cpu, i.rd, rem ? r : q);
    return;
  }
  const x = (BigInt(ah) << 32n) | BigInt(al >>> 0), y = (BigInt(bh) << 32n) | BigInt(bl >>> 0);
  cpu.setBig(i.rd, BigInt.asIntN(64, rem ? x % y : x / y));
}

function divUnsigned(cpu: RvCpu, i: RvInsn, rem: boolean): void {
  const al = cpu.xl[i.rs1]!, ah = cpu.xh[i.rs1]!, bl = cpu.xl[i.rs2]!, bh = cpu.xh[i.rs2]!;
  if (bl === 0 && bh === 0) {
    if (rem) {
      cpu.xl[i.rd] = al;
      cpu.xh[i.rd] = ah;
    } else {
      cpu.xl[i.rd] = -1;
      cpu.xh[i.rd] = -1;
    }
    return;
  }
  const a = (ah >>> 0) * TWO32 + (al >>> 0), b = (bh >>> 0) * TWO32 + (bl >>> 0);
  if (a < TWO52 && b < TWO52) {
    let q = Math.floor(a / b);
    let r = a - q * b;
    if (r < 0) {
      q -= 1;
      r += b;
    } else if (r >= b) {
      q += 1;
      r -= b;
    }
    setNum(cpu, i.rd, rem ? r : q);
    return;
  }
  const x = (BigInt(ah >>> 0) << 32n) | BigInt(al >>> 0), y = (BigInt(bh >>> 0) << 32n) | BigInt(bl >>> 0);
  cpu.setBig(i.rd, BigInt.asIntN(64, rem ? x % y : x / y));
}

export function div(cpu: RvCpu, i: RvInsn): void {
  divSigned(cpu, i, false);
}
export function rem(cpu: RvCpu, i: RvInsn): void {
  divSigned(cpu, i, true);
}
export function divu(cpu: RvCpu, i: RvInsn): void {
  divUnsigned(cpu, i, false);
}
export function remu(cpu: RvCpu, i: RvInsn): void {
  divUnsigned(cpu, i, true);
}

function setW(cpu: RvCpu, rd: number, v: number): void {
  cpu.xl[rd] = v;
  cpu.xh[rd] = v >> 31;
}
export function divw(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]!, b = cpu.xl[i.rs2]!;
  setW(cpu, i.rd, b === 0 ? -1 : Math.trunc(a / b) | 0);
}
export function remw(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]!, b = cpu.xl[i.rs2]!;
  setW(cpu, i.rd, b === 0 ? a : a % b | 0);
}
export function divuw(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]! >>> 0, b = cpu.xl[i.rs2]! >>> 0;
  setW(cpu, i.rd, b === 0 ? -1 : Math.floor(a / b) | 0);
}
export function remuw(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]! >>> 0, b = cpu.xl[i.rs2]! >>> 0;
  setW(cpu, i.rd, b === 0 ? a | 0 : a % b | 0);
}
