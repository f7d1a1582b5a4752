/**
 * F and D operations that do not round: loads, stores, moves, sign injection, min/max,
 * comparisons, classification; and the conversions between FP and integer registers.
 */
import { NV, NX, type RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';
import { addrOf } from './int.js';
import * as soft from './softfloat.js';
import { F32, F64, RDN, RMM, RNE, RTZ, RUP, sf } from './softfloat.js';
import {
  CANON_D_HI, isSNaND, isSNaNSReg, rmOf, setBitsD, setBitsS, valS, wordS, writeS,
} from './fpregs.js';

const TWO32 = 4294967296;

// ---------------------------------------------------------------- loads, stores, moves

export function flw(cpu: RvCpu, i: RvInsn): void {
  cpu.fi[2 * i.rd] = cpu.mem.read32s(addrOf(cpu, i));
  cpu.fi[2 * i.rd + 1] = -1;
}
export function fld(cpu: RvCpu, i: RvInsn): void {
  const a = addrOf(cpu, i);
  if (a % 4096 > 4088) cpu.mem.checkReadable(a, 8);
  const lo = cpu.mem.read32s(a);
  cpu.fi[2 * i.rd + 1] = cpu.mem.read32s(a + 4);
  cpu.fi[2 * i.rd] = lo;
}
export function fsw(cpu: RvCpu, i: RvInsn): void {
  cpu.mem.write32(addrOf(cpu, i), cpu.fi[2 * i.rs2]!);
}
export function fsd(cpu: RvCpu, i: RvInsn): void {
  cpu.mem.write64(addrOf(cpu, i), cpu.fi[2 * i.rs2]!, cpu.fi[2 * i.rs2 + 1]!);
}
export function fmvXW(cpu: RvCpu, i: RvInsn): void {
  const v = cpu.fi[2 * i.rs1]!;
  cpu.xl[i.rd] = v;
  cpu.xh[i.rd] = v >> 31;
}
export function fmvWX(cpu: RvCpu, i: RvInsn): void {
  cpu.fi[2 * i.rd] = cpu.xl[i.rs1]!;
  cpu.fi[2 * i.rd + 1] = -1;
}
export function fmvXD(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.fi[2 * i.rs1]!;
  cpu.xh[i.rd] = cpu.fi[2 * i.rs1 + 1]!;
}
export function fmvDX(cpu: RvCpu, i: RvInsn): void {
  cpu.fi[2 * i.rd] = cpu.xl[i.rs1]!;
  cpu.fi[2 * i.rd + 1] = cpu.xh[i.rs1]!;
}

// ---------------------------------------------------------------- sign injection (rm: 0 j, 1 jn, 2 jx)

function inject(kind: number, a: number, b: number): number {
  const s = kind === 0 ? b : kind === 1 ? ~b : a ^ b;
  return (a & 0x7fffffff) | (s & 0x80000000);
}
export function fsgnjS(cpu: RvCpu, i: RvInsn): void {
  cpu.fi[2 * i.rd] = inject(i.rm, wordS(cpu, i.rs1), wordS(cpu, i.rs2));
  cpu.fi[2 * i.rd + 1] = -1;
}
export function fsgnjD(cpu: RvCpu, i: RvInsn): void {
  const lo = cpu.fi[2 * i.rs1]!;
  cpu.fi[2 * i.rd + 1] = inject(i.rm, cpu.fi[2 * i.rs1 + 1]!, cpu.fi[2 * i.rs2 + 1]!);
  cpu.fi[2 * i.rd] = lo;
}

// ---------------------------------------------------------------- min / max (rm: 0 min, 1 max)

/** IEEE 754-2019 minimumNumber/maximumNumber: a NaN loses to a number, -0 < +0. NaN → null. */
function pick(max: boolean, a: number, b: number): number | null {
  if (a !== a) return b !== b ? null : b;
  if (b !== b) return a;
  if (a === b) {
    // equal: only zeros of different sign differ
    const aNeg = Object.is(a, -0);
    return max ? (aNeg ? b : a) : aNeg ? a : b;
  }
  return max ? (a > b ? a : b) : a < b ? a : b;
}
export function fminmaxS(cpu: RvCpu, i: RvInsn): void {
  if (isSNaNSReg(cpu, i.rs1) || isSNaNSReg(cpu, i.rs2)) cpu.fflags |= NV;
  const r = pick(i.rm === 1, valS(cpu, i.rs1), valS(cpu, i.rs2));
  writeS(cpu, i.rd, r === null ? NaN : r);
}
export function fminmaxD(cpu: RvCpu, i: RvInsn): void {
  if (isSNaND(cpu, i.rs1) || isSNaND(cpu, i.rs2)) cpu.fflags |= NV;
  const r = pick(i.rm === 1, cpu.fd[i.rs1]!, cpu.fd[i.rs2]!);
  if (r === null) {
    cpu.fi[2 * i.rd] = 0;
    cpu.fi[2 * i.rd + 1] = CANON_D_HI;
  } else cpu.fd[i.rd] = r;
}

// ---------------------------------------------------------------- comparisons (rm: 2 eq, 1 lt, 0 le)

function compare(cpu: RvCpu, i: RvInsn, a: number, b: number, snan: boolean): void {
  let r: boolean;
  if (a !== a || b !== b) {
    if (snan || i.rm !== 2) cpu.fflags |= NV;
    r = false;
  } else r = i.rm === 2 ? a === b : i.rm === 1 ? a < b : a <= b;
  cpu.xl[i.rd] = r ? 1 : 0;
  cpu.xh[i.rd] = 0;
}
export function fcmpS(cpu: RvCpu, i: RvInsn): void {
  compare(cpu, i, valS(cpu, i.rs1), valS(cpu, i.rs2), isSNaNSReg(cpu, i.rs1) || isSNaNSReg(cpu, i.rs2));
}
export function fcmpD(cpu: RvCpu, i: RvInsn): void {
  compare(cpu, i, cpu.fd[i.rs1]!, cpu.fd[i.rs2]!, isSNaND(cpu, i.rs1) || isSNaND(cpu, i.rs2));
}

// ---------------------------------------------------------------- classification

function classify(neg: boolean, expAllOnes: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expAllOnes) {
    if (fracZero) return neg ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (expZero) {
    if (fracZero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}
export function fclassS(cpu: RvCpu, i: RvInsn): void {
  const w = wordS(cpu, i.rs1);
  const e = (w >>> 23) & 0xff;
  cpu.xl[i.rd] = classify(w < 0, e === 0xff, e === 0, (w & 0x7fffff) === 0, (w & 0x400000) !== 0);
  cpu.xh[i.rd] = 0;
}
export function fclassD(cpu: RvCpu, i: RvInsn): void {
  const hi = cpu.fi[2 * i.rs1 + 1]!, lo = cpu.fi[2 * i.rs1]!;
  const e = (hi >>> 20) & 0x7ff;
  cpu.xl[i.rd] = classify(hi < 0, e === 0x7ff, e === 0, ((hi & 0xfffff) | lo) === 0, (hi & 0x80000) !== 0);
  cpu.xh[i.rd] = 0;
}

// ---------------------------------------------------------------- FP → integer (rs2 field: 0 w, 1 wu, 2 l, 3 lu)

/** x rounded to an integer in mode rm (x finite). */
function roundInt(x: number, rm: number): number {
  const t = Math.trunc(x);
  const d = x - t; // exact
  if (d === 0) return t;
  const away = x < 0 ? -1 : 1;
  switch (rm) {
    case RTZ: return t;
    case RDN: return Math.floor(x);
    case RUP: return Math.ceil(x);
    case RMM: return Math.abs(d) >= 0.5 ? t + away : t;
    default: {
      const ad = Math.abs(d);
      return ad > 0.5 || (ad === 0.5 && t % 2 !== 0) ? t + away : t;
    }
  }
}

const MIN = [-(2 ** 31), 0, -(2 ** 63), 0];
const MAX = [2 ** 31 - 1, 2 ** 32 - 1, 2 ** 63, 2 ** 64]; // l/lu: exclusive bounds (not doubles below)

function toInt(cpu: RvCpu, i: RvInsn, x: number): void {
  const rm = rmOf(cpu, i);
  const kind = i.rs2;
  let lo: number, hi: number;
  const wide = kind >= 2;
  let r = x === x && x - x === 0 ? roundInt(x, rm) : x;
  const tooBig = x !== x || (wide ? r >= MAX[kind]! : r > MAX[kind]!);
  const tooSmall = !tooBig && r < MIN[kind]!;
  if (tooBig || tooSmall) {
    cpu.fflags |= NV;
    const neg = x === x && x < 0;
    switch (kind) {
      case 0: lo = neg ? -(2 ** 31) : 2 ** 31 - 1; hi = lo >> 31; break;
      case 1: lo = neg ? 0 : -1; hi = lo >> 31; break;
      case 2: lo = neg ? 0 : -1; hi = neg ? -(2 ** 31) : 0x7fffffff; break;
      default: lo = neg ? 0 : -1; hi = neg ? 0 : -1;
    }
    cpu.xl[i.rd] = lo;
    cpu.xh[i.rd] = hi;
    return;
  }
  if (r !== x) cpu.fflags |= NX;
  if (r === 0) r = 0; // -0
  if (!wide) {
    lo = r | 0; // wu: the 32-bit result is sign-extended too
    hi = lo >> 31;
  } else {
    const h = Math.floor(r / TWO32);
    lo = (r - h * TWO32) | 0;
    hi = h | 0;
  }
  cpu.xl[i.rd] = lo;
  cpu.xh[i.rd] = hi;
}
export function fcvtIntS(cpu: RvCpu, i: RvInsn): void {
  toInt(cpu, i, valS(cpu, i.rs1));
}
export function fcvtIntD(cpu: RvCpu, i: RvInsn): void {
  toInt(cpu, i, cpu.fd[i.rs1]!);
}

// ---------------------------------------------------------------- integer → FP (rs2 field as above)

/** The source integer as a number when exact (|v| < 2^53), else null (then sourceBig). */
function sourceNumber(cpu: RvCpu, i: RvInsn): number | null {
  const lo = cpu.xl[i.rs1]!, hi = cpu.xh[i.rs1]!;
  switch (i.rs2) {
    case 0: return lo;
    case 1: return lo >>> 0;
    case 2: return hi >= -0x200000 && hi < 0x200000 ? hi * TWO32 + (lo >>> 0) : null;
    default: return hi >>> 0 < 0x200000 ? (hi >>> 0) * TWO32 + (lo >>> 0) : null;
  }
}
function sourceBig(cpu: RvCpu, i: RvInsn): bigint {
  const v = cpu.getBig(i.rs1);
  return i.rs2 === 3 ? BigInt.asUintN(64, v) : v;
}
export function fcvtSInt(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const v = sourceNumber(cpu, i);
  if (v !== null) {
    const r = Math.fround(v);
    if (r === v || rm === RNE) {
      if (r !== v) cpu.fflags |= NX;
      writeS(cpu, i.rd, r);
      return;
    }
  }
  setBitsS(cpu, i.rd, soft.fromInt(F32, v !== null ? BigInt(v) : sourceBig(cpu, i), rm));
  cpu.fflags |= sf.flags;
}
export function fcvtDInt(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const v = sourceNumber(cpu, i);
  if (v !== null) {
    cpu.fd[i.rd] = v;
    return;
  }
  setBitsD(cpu, i.rd, soft.fromInt(F64, sourceBig(cpu, i), rm));
  cpu.fflags |= sf.flags;
}
