/**
 * F and D arithmetic. Each operation has a fast path for round-to-nearest-even in the common
 * range, where the host's IEEE double arithmetic gives the correctly rounded result and an
 * error-free transformation (TwoSum, Dekker's product) tells exactly whether it was inexact;
 * everything else (other rounding modes, results near overflow or underflow, special operands,
 * fused multiply-add) goes to the exact BigInt reference in softfloat.ts. float32 results come
 * from double results rounded once more, which is exact for + - * / sqrt (53 >= 2*24 + 2).
 */
import { NX, type RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';
import * as soft from './softfloat.js';
import { F32, F64, RNE, sf } from './softfloat.js';
import { bitsD, bitsS, rmOf, setBitsD, setBitsS, valS, writeS } from './fpregs.js';

const LO = 2 ** -900, HI = 2 ** 900;
const MIN_NORMAL_S = 2 ** -126;
const SPLIT = 134217729; // 2^27 + 1

/** Rounding error of a * b (exact when both and the product lie in [LO, HI]). */
function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

function inRange(x: number): boolean {
  const m = Math.abs(x);
  return m >= LO && m <= HI;
}

function softD(cpu: RvCpu, rd: number, bits: bigint): void {
  setBitsD(cpu, rd, bits);
  cpu.fflags |= sf.flags;
}

function softS(cpu: RvCpu, rd: number, bits: bigint): void {
  setBitsS(cpu, rd, bits);
  cpu.fflags |= sf.flags;
}

// ---------------------------------------------------------------- double

function addD(cpu: RvCpu, i: RvInsn, neg: boolean): void {
  const rm = rmOf(cpu, i);
  const a = cpu.fd[i.rs1]!, b = neg ? -cpu.fd[i.rs2]! : cpu.fd[i.rs2]!;
  if (rm === RNE && a - a === 0 && b - b === 0) {
    const s = a + b;
    if (s - s === 0) {
      const bb = s - a;
      if ((a - (s - bb)) + (b - bb) !== 0) cpu.fflags |= NX;
      cpu.fd[i.rd] = s;
      return;
    }
  }
  softD(cpu, i.rd, soft.add(F64, bitsD(cpu, i.rs1), bitsD(cpu, i.rs2), rm, neg));
}
export const faddD = (cpu: RvCpu, i: RvInsn): void => addD(cpu, i, false);
export const fsubD = (cpu: RvCpu, i: RvInsn): void => addD(cpu, i, true);

export function fmulD(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const a = cpu.fd[i.rs1]!, b = cpu.fd[i.rs2]!;
  if (rm === RNE) {
    const p = a * b;
    if (inRange(a) && inRange(b) && inRange(p)) {
      if (productError(a, b, p) !== 0) cpu.fflags |= NX;
      cpu.fd[i.rd] = p;
      return;
    }
  }
  softD(cpu, i.rd, soft.mul(F64, bitsD(cpu, i.rs1), bitsD(cpu, i.rs2), rm));
}

export function fdivD(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const a = cpu.fd[i.rs1]!, b = cpu.fd[i.rs2]!;
  if (rm === RNE) {
    const q = a / b;
    if (inRange(a) && inRange(b) && inRange(q)) {
      const p = q * b;
      if (p !== a || productError(q, b, p) !== 0) cpu.fflags |= NX;
      cpu.fd[i.rd] = q;
      return;
    }
  }
  softD(cpu, i.rd, soft.div(F64, bitsD(cpu, i.rs1), bitsD(cpu, i.rs2), rm));
}

export function fsqrtD(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const a = cpu.fd[i.rs1]!;
  if (rm === RNE && a > 0 && inRange(a)) {
    const r = Math.sqrt(a);
    const p = r * r;
    if (p !== a || productError(r, r, p) !== 0) cpu.fflags |= NX;
    cpu.fd[i.rd] = r;
    return;
  }
  softD(cpu, i.rd, soft.sqrt(F64, bitsD(cpu, i.rs1), rm));
}

const oddF = new Float64Array(1);
const oddI = new Int32Array(oddF.buffer);
/** Whether the last roundToOdd step (or its sum) was inexact. */
let oddInexact = false;

/**
 * x + y rounded to odd (Boldo and Melquiond): the RN sum if exact or if its last significand bit
 * is odd, else its neighbour towards the exact sum. Rounding a round-to-odd result once more to
 * nearest (to a precision at least 2 bits shorter) is correctly rounded.
 */
function roundToOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const err = (x - (s - bb)) + (y - bb);
  if (err === 0) return s;
  oddInexact = true;
  oddF[0] = s;
  if ((oddI[0]! & 1) !== 0) return s;
  // (s is not 0: an exact cancellation has no error) one step of the bit pattern towards err
  if ((err > 0) === (s > 0)) {
    oddI[0] = (oddI[0]! + 1) | 0;
  } else {
    if (oddI[0] === 0) oddI[1] = (oddI[1]! - 1) | 0;
    oddI[0] = (oddI[0]! - 1) | 0;
  }
  return oddF[0]!;
}

/**
 * a * b + c correctly rounded to nearest even for operands in the safe range, else null: the
 * exact product as p + e (Dekker), p + c as th + tl (TwoSum), then RN(th + RO(tl + e)).
 */
function fmaFastD(a: number, b: number, c: number): number | null {
  const p = a * b;
  if (!inRange(a) || !inRange(b) || !inRange(p) || !(c === 0 || inRange(c))) return null;
  const e = productError(a, b, p);
  const th = c + p;
  const bb = th - c;
  const tl = (c - (th - bb)) + (p - bb);
  oddInexact = false;
  const v = roundToOdd(tl, e);
  const r = th + v;
  const rb = r - th;
  if ((th - (r - rb)) + (v - rb) !== 0) oddInexact = true;
  return r === 0 || inRange(r) ? r : null;
}

function fmaD(negProd: boolean, negC: boolean) {
  return (cpu: RvCpu, i: RvInsn): void => {
    const rm = rmOf(cpu, i);
    if (rm === RNE) {
      const a = cpu.fd[i.rs1]!, c = cpu.fd[i.rs3]!;
      const r = fmaFastD(negProd ? -a : a, cpu.fd[i.rs2]!, negC ? -c : c);
      if (r !== null) {
        if (oddInexact) cpu.fflags |= NX;
        cpu.fd[i.rd] = r;
        return;
      }
    }
    softD(cpu, i.rd, soft.fma(F64, bitsD(cpu, i.rs1), bitsD(cpu, i.rs2), bitsD(cpu, i.rs3), negProd, negC, rm));
  };
}
export const fmaddD = fmaD(false, false);
export const fmsubD = fmaD(false, true);
export const fnmsubD = fmaD(true, false);
export const fnmaddD = fmaD(true, true);

// ---------------------------------------------------------------- single

/** Store a float32 result computed from the exact-or-double value d; false: the slow path must decide. */
function fastS(cpu: RvCpu, rd: number, d: number, exactD: boolean): boolean {
  const r = Math.fround(d);
  if (r - r !== 0) return false;
  const inexact = !exactD || r !== d;
  if (inexact) {
    if (Math.abs(r) <= MIN_NORMAL_S) return false;
    cpu.fflags |= NX;
  }
  writeS(cpu, rd, r);
  return true;
}

function addS(cpu: RvCpu, i: RvInsn, neg: boolean): void {
  const rm = rmOf(cpu, i);
  const a = valS(cpu, i.rs1), b0 = valS(cpu, i.rs2);
  const b = neg ? -b0 : b0;
  if (rm === RNE && a - a === 0 && b - b === 0) {
    const s = a + b;
    const bb = s - a;
    if (fastS(cpu, i.rd, s, (a - (s - bb)) + (b - bb) === 0)) return;
  }
  softS(cpu, i.rd, soft.add(F32, bitsS(cpu, i.rs1), bitsS(cpu, i.rs2), rm, neg));
}
export const faddS = (cpu: RvCpu, i: RvInsn): void => addS(cpu, i, false);
export const fsubS = (cpu: RvCpu, i: RvInsn): void => addS(cpu, i, true);

export function fmulS(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const a = valS(cpu, i.rs1), b = valS(cpu, i.rs2);
  // the product of two floats is exact in a double
  if (rm === RNE && a - a === 0 && b - b === 0 && fastS(cpu, i.rd, a * b, true)) return;
  softS(cpu, i.rd, soft.mul(F32, bitsS(cpu, i.rs1), bitsS(cpu, i.rs2), rm));
}

export function fdivS(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const a = valS(cpu, i.rs1), b = valS(cpu, i.rs2);
  if (rm === RNE && a - a === 0 && b - b === 0 && b !== 0) {
    const r = Math.fround(a / b);
    // r * b is exact in a double: the quotient was exact iff it gives a back
    if (r - r === 0 && (r * b === a || Math.abs(r) > MIN_NORMAL_S)) {
      if (r * b !== a) cpu.fflags |= NX;
      writeS(cpu, i.rd, r);
      return;
    }
  }
  softS(cpu, i.rd, soft.div(F32, bitsS(cpu, i.rs1), bitsS(cpu, i.rs2), rm));
}

export function fsqrtS(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const a = valS(cpu, i.rs1);
  if (rm === RNE && a > 0 && a - a === 0) {
    const r = Math.fround(Math.sqrt(a));
    if (r * r !== a) cpu.fflags |= NX;
    writeS(cpu, i.rd, r);
    return;
  }
  softS(cpu, i.rd, soft.sqrt(F32, bitsS(cpu, i.rs1), rm));
}

function fmaS(negProd: boolean, negC: boolean) {
  return (cpu: RvCpu, i: RvInsn): void => {
    const rm = rmOf(cpu, i);
    if (rm === RNE) {
      const a = valS(cpu, i.rs1), b = valS(cpu, i.rs2), c = valS(cpu, i.rs3);
      if (a - a === 0 && b - b === 0 && c - c === 0) {
        // the float product is exact in a double; the sum rounded to odd, then to float
        oddInexact = false;
        const d = roundToOdd(negProd ? -(a * b) : a * b, negC ? -c : c);
        if (fastS(cpu, i.rd, d, !oddInexact)) return;
      }
    }
    softS(cpu, i.rd, soft.fma(F32, bitsS(cpu, i.rs1), bitsS(cpu, i.rs2), bitsS(cpu, i.rs3), negProd, negC, rm));
  };
}
export const fmaddS = fmaS(false, false);
export const fmsubS = fmaS(false, true);
export const fnmsubS = fmaS(true, false);
export const fnmaddS = fmaS(true, true);

// ---------------------------------------------------------------- format conversion

export function fcvtSD(cpu: RvCpu, i: RvInsn): void {
  const rm = rmOf(cpu, i);
  const x = cpu.fd[i.rs1]!;
  if (rm === RNE && x - x === 0 && fastS(cpu, i.rd, x, true)) return;
  softS(cpu, i.rd, soft.convert(F32, F64, bitsD(cpu, i.rs1), rm));
}

export function fcvtDS(cpu: RvCpu, i: RvInsn): void {
  rmOf(cpu, i);
  const x = valS(cpu, i.rs1);
  if (x === x) {
    cpu.fd[i.rd] = x;
    return;
  }
  softD(cpu, i.rd, soft.convert(F64, F32, bitsS(cpu, i.rs1), RNE));
}
