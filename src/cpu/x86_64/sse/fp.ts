/**
 * Bit-exact IEEE-754 binary32/binary64 arithmetic with x86 SSE (MXCSR) semantics.
 *
 * Values travel as raw bits (uint32 lanes) so NaN payloads survive; JavaScript doubles are only
 * used for non-NaN values. JavaScript computes in round-to-nearest only, so every operation also
 * derives the sign of its rounding error with an error-free transformation (TwoSum, Dekker's
 * TwoProduct, division/sqrt remainders) and, when the rounding mode is not nearest or the result
 * leaves the normal range, re-rounds through `roundPack`, a generic exact rounder that works on
 * (significand, sticky sign, exponent) and implements x86's rules: tininess detected after rounding,
 * FTZ (only when underflow is masked), overflow results per rounding mode, sticky MXCSR flags.
 *
 * Per instruction: `fpBegin(cpu)` latches the MXCSR controls and clears the pending flags; the
 * lane functions accumulate flags; `fpEnd(cpu)` either merges them into MXCSR or raises the SIMD
 * floating-point exception (SIGFPE) when one is unmasked, before the caller commits any result.
 *
 * Nothing here allocates: scratch storage is module-level typed arrays.
 */
import { type Cpu, CpuException, SIGFPE } from '../cpu.js';

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('QVM SSE emulation requires a little-endian host');
}

// ------------------------------------------------------------------ MXCSR bits

export const IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20;
export const MX_DAZ = 0x40, MX_FTZ = 0x8000;
/** Rounding control values (MXCSR bits 13-14). */
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
/** Bits of MXCSR that exist (DAZ supported); the rest must be zero (else #GP). */
export const MXCSR_MASK = 0xffff;

/** Default (indefinite) QNaNs. */
export const QNAN32 = 0xffc00000;
export const QNAN64_HI = 0xfff80000;

// FPE si_codes (Linux)
const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

// ------------------------------------------------------------------ per-instruction state

let rc = RC_NEAREST;
let daz = false;
let ftz = false;
/** Exception mask bits (IM..PM) shifted down to the flag positions. */
let masks = 0x3f;
/** Flags raised by the current instruction. */
let flags = 0;
/** Set by roundInc when the rounding was inexact. */
let inexact = false;

export function fpBegin(cpu: Cpu): void {
  const m = cpu.mxcsr;
  rc = (m >>> 13) & 3;
  daz = (m & MX_DAZ) !== 0;
  ftz = (m & MX_FTZ) !== 0;
  masks = (m >>> 7) & 0x3f;
  flags = 0;
}

/** Raise flags directly (used by instructions with their own flag rules). */
export function fpRaise(f: number): void {
  flags |= f;
}

/**
 * Commit the accumulated flags. If any raised flag is unmasked the instruction faults (#XM →
 * SIGFPE) and the caller must not write its destination: pre-computation exceptions (IE, DE, ZE)
 * take precedence over post-computation ones (OE, UE, PE) as on hardware.
 */
export function fpEnd(cpu: Cpu): void {
  const f = flags;
  if (f === 0) return;
  if ((f & ~masks) === 0) {
    cpu.mxcsr |= f;
    return;
  }
  const pre = f & (IE | DE | ZE);
  cpu.mxcsr |= (pre & ~masks) !== 0 ? pre : f;
  const m = cpu.mxcsr;
  const err = m & ~(m >>> 7) & 0x3f;
  const code = err & IE ? FPE_FLTINV : err & ZE ? FPE_FLTDIV : err & OE ? FPE_FLTOVF :
    err & (UE | DE) ? FPE_FLTUND : err & PE ? FPE_FLTRES : 0;
  throw new CpuException(SIGFPE, 'SIMD floating-point exception', cpu.curAddr, code);
}

// ------------------------------------------------------------------ scratch (little-endian views)
//
// Boxing discipline: V8 allocates a HeapNumber whenever a double (or a uint32 >= 2^31) crosses a
// call boundary that was not inlined. So lane functions return int32 bit patterns (Smis), helpers
// return small-int signs, and doubles travel between helpers through the FD scratch array.

const F64 = new Float64Array(1);
const W64 = new Uint32Array(F64.buffer);
const F32 = new Float32Array(1);
const W32 = new Uint32Array(F32.buffer);
/** Double scratch: [FD_D] value to round, [FD_M] normalised significand, [FD_A..FD_C] EFT operands, [FD_N], [FD_FRAC] roundInc. */
const FD = new Float64Array(8);
const FD_D = 0, FD_M = 1, FD_A = 2, FD_B = 3, FD_C = 4, FD_N = 5, FD_FRAC = 6;
/** Word scratch: DAZ-processed binary64 operand, roundPack result, int64 conversion high half. */
const W = new Uint32Array(5);
const D_LO = 0, D_HI = 1, R_LO = 2, R_HI = 3, I64_HI = 4;

const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO64 = 18446744073709551616;
const MIN_NORMAL32 = 1.1754943508222875e-38; // 2^-126
const MAX32 = 3.4028234663852886e38;
const MIN_NORMAL64 = 2.2250738585072014e-308; // 2^-1022
const P2_M968 = 4.0083367200179456e-292; // 2^-968
// 2^994, a power of two below the 2^995 the fast paths need (the literal here was 2^994.64, not 2^995)
const P2_995 = 2 ** 994;
const P2_1020 = 1.1235582092889474e307; // 2^1020
const P2_1023 = 8.98846567431158e307; // 2^1023

/** Double from raw bits (must not be a NaN). */
export function f64(lo: number, hi: number): number {
  W64[0] = lo;
  W64[1] = hi;
  return F64[0]!;
}

/** Store a (non-NaN) double into dst[i], dst[i+1]. */
export function putF64(d: number, dst: Uint32Array, i: number): void {
  F64[0] = d;
  dst[i] = W64[0]!;
  dst[i + 1] = W64[1]!;
}

/** Store the words of F64[0] into dst[i], dst[i+1]. */
function storeF64(dst: Uint32Array, i: number): void {
  dst[i] = W64[0]!;
  dst[i + 1] = W64[1]!;
}

// ------------------------------------------------------------------ classification

export function isNaN32(x: number): boolean {
  return (x & 0x7fffffff) > 0x7f800000;
}
export function isSNaN32(x: number): boolean {
  return (x & 0x7fffffff) > 0x7f800000 && (x & 0x00400000) === 0;
}
function isDenorm32(x: number): boolean {
  return (x & 0x7f800000) === 0 && (x & 0x007fffff) !== 0;
}
export function isNaN64(lo: number, hi: number): boolean {
  const h = hi & 0x7fffffff;
  return h > 0x7ff00000 || (h === 0x7ff00000 && lo !== 0);
}
export function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && (hi & 0x00080000) === 0;
}
function isDenorm64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0 && ((hi & 0x000fffff) !== 0 || lo !== 0);
}

/**
 * Denormal source handling: returns the (possibly DAZ-zeroed) bits and records a pending DE in
 * `denSeen` (reported only if no higher-priority condition occurs for the lane).
 */
let denSeen = false;
function daz32(x: number): number {
  if (isDenorm32(x)) {
    if (daz) return x & 0x80000000;
    denSeen = true;
  }
  return x;
}
/** binary64 variant: result in W[D_LO], W[D_HI]. */
function daz64(lo: number, hi: number): void {
  W[D_LO] = lo;
  W[D_HI] = hi;
  if (isDenorm64(lo, hi)) {
    if (daz) {
      W[D_LO] = 0;
      W[D_HI] = hi & 0x80000000;
    } else {
      denSeen = true;
    }
  }
}

// ------------------------------------------------------------------ error-free transformations

const SPLIT = 134217729; // 2^27 + 1

/**
 * Sign (-1, 0, 1) of c − a·b for a = FD[FD_A], b = FD[FD_B], c = FD[FD_C], where c − RN(a·b) is
 * exact (c = RN(a·b) itself, or a dividend / radicand close to the product). Dekker's TwoProduct:
 * requires |a|, |b| < 2^995 and an error term above the underflow threshold.
 */
function mulSubSign(): number {
  const a = FD[FD_A]!, b = FD[FD_B]!, c = FD[FD_C]!;
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  const e = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
  const rem = (c - p) - e;
  return rem > 0 ? 1 : rem < 0 ? -1 : 0;
}

/** Normalise the positive finite FD[i] to m in [1,2) (stored back in FD[i]); exponent in normExp. */
let normExp = 0;
function normalise(i: number): void {
  F64[0] = FD[i]!;
  let hi = W64[1]!;
  let be = (hi >>> 20) & 0x7ff;
  let e = 0;
  if (be === 0) {
    F64[0] = FD[i]! * TWO64;
    hi = W64[1]!;
    be = (hi >>> 20) & 0x7ff;
    e = -64;
  }
  normExp = e + be - 1023;
  W64[1] = (hi & 0x000fffff) | 0x3ff00000;
  FD[i] = F64[0]!;
}

// ------------------------------------------------------------------ generic rounding

/**
 * Round n + frac + s·ε (n = FD[FD_N] integer, 0 <= frac = FD[FD_FRAC] < 1, ε infinitesimal) to an
 * integer per rc, for a result of sign `neg`; result back in FD[FD_N]. Sets `inexact`.
 */
function roundInc(s: number, neg: boolean): void {
  const n = FD[FD_N]!, frac = FD[FD_FRAC]!;
  let up: boolean;
  if (frac === 0) {
    if (s === 0) {
      inexact = false;
      return;
    }
    inexact = true;
    if (s > 0) {
      // just above n
      up = rc === RC_UP ? !neg : rc === RC_DOWN ? neg : false;
      if (up) FD[FD_N] = n + 1;
      return;
    }
    // just below n: stay at n or step down to n - 1
    const down = rc === RC_NEAREST ? false : rc === RC_UP ? neg : rc === RC_DOWN ? !neg : true;
    if (down) FD[FD_N] = n - 1;
    return;
  }
  inexact = true;
  switch (rc) {
    case RC_NEAREST:
      up = frac > 0.5 || (frac === 0.5 && (s > 0 || (s === 0 && n % 2 !== 0)));
      break;
    case RC_UP: up = !neg; break;
    case RC_DOWN: up = neg; break;
    default: up = false;
  }
  if (up) FD[FD_N] = n + 1;
}

/**
 * Round the exact magnitude (d + s·ε)·2^E (d = FD[FD_D] > 0 finite, s the sign of the residual)
 * to binary64 (dbl) or binary32, with sign neg. Result bits in W[R_LO] (and W[R_HI]); flags raised.
 */
function roundPack(dbl: boolean, neg: boolean, s: number, E: number): void {
  FD[FD_M] = FD[FD_D]!;
  normalise(FD_M);
  E += normExp;
  const E0 = E;
  const p1 = dbl ? TWO52 : 8388608; // 2^(p-1)
  const t = FD[FD_M]! * p1;
  let n = Math.floor(t);
  const frac = t - n;
  if (frac === 0 && s < 0 && n === p1) {
    // just below a power of two: the neighbour below lies on the finer grid of the binade below
    n = 2 * p1;
    E -= 1;
  }
  FD[FD_N] = n;
  FD[FD_FRAC] = frac;
  roundInc(s, neg);
  let r = FD[FD_N]!;
  if (r >= 2 * p1) {
    r /= 2;
    E += 1;
  }
  if (E > (dbl ? 1023 : 127)) {
    overflow(dbl, neg);
    return;
  }
  const emin = dbl ? -1022 : -126;
  if (E < emin) {
    tiny(dbl, neg, E0, s, emin);
    return;
  }
  if (inexact) flags |= PE;
  const sign = neg ? 0x80000000 : 0;
  if (dbl) {
    const mant = r - TWO52;
    const mhi = Math.floor(mant / TWO32);
    W[R_LO] = mant - mhi * TWO32;
    W[R_HI] = sign | ((E + 1023) << 20) | mhi;
  } else {
    W[R_LO] = sign | ((E + 127) << 23) | (r - 8388608);
  }
}

function overflow(dbl: boolean, neg: boolean): void {
  flags |= OE | PE;
  const toInf = rc === RC_NEAREST || (rc === RC_UP && !neg) || (rc === RC_DOWN && neg);
  const sign = neg ? 0x80000000 : 0;
  if (dbl) {
    W[R_LO] = toInf ? 0 : 0xffffffff;
    W[R_HI] = sign | (toInf ? 0x7ff00000 : 0x7fefffff);
  } else {
    W[R_LO] = sign | (toInf ? 0x7f800000 : 0x7f7fffff);
  }
}

/** Tiny after rounding: denormalise (m = FD[FD_M], ·2^E0, sticky s), or flush to zero under FTZ. */
function tiny(dbl: boolean, neg: boolean, E0: number, s: number, emin: number): void {
  const sign = neg ? 0x80000000 : 0;
  if ((masks & UE) === 0) {
    // unmasked underflow: the instruction faults, the result is not written
    flags |= UE;
    W[R_LO] = dbl ? 0 : sign;
    W[R_HI] = sign;
    return;
  }
  if (ftz) {
    flags |= UE | PE;
    W[R_LO] = dbl ? 0 : sign;
    W[R_HI] = sign;
    return;
  }
  const p = dbl ? 53 : 24;
  const k = emin - E0; // >= 1
  if (p - 1 - k >= -2) {
    const t = FD[FD_M]! * Math.pow(2, p - 1 - k);
    const n = Math.floor(t);
    FD[FD_N] = n;
    FD[FD_FRAC] = t - n;
  } else {
    // below a quarter of the smallest denormal: only the direction matters
    FD[FD_N] = 0;
    FD[FD_FRAC] = 0.25;
  }
  roundInc(s, neg);
  const r = FD[FD_N]!;
  if (inexact) flags |= UE | PE;
  // subnormal (or the smallest normal when r = 2^(p-1)): the bits are the integer r
  if (dbl) {
    const hi = Math.floor(r / TWO32);
    W[R_LO] = r - hi * TWO32;
    W[R_HI] = sign | hi;
  } else {
    W[R_LO] = sign | r;
  }
}

// ------------------------------------------------------------------ finishing helpers

/**
 * Round (d + s·ε) to binary32, d = FD[FD_D] a finite non-zero double, s the residual's sign
 * relative to |d|. Returns the bits (int32).
 */
function finish32(s: number): number {
  const d = FD[FD_D]!;
  const f = Math.fround(d);
  const af = f < 0 ? -f : f;
  if (af > MIN_NORMAL32 && af <= MAX32) {
    F32[0] = f;
    if (f === d && s === 0) return W32[0]! | 0;
    // RN: d already is the nearest double; only an exact binary32 midpoint with a residual needs
    // the residual to break the tie (double rounding, e.g. int64 → float32)
    if (rc === RC_NEAREST) {
      F64[0] = d;
      if (s === 0 || (W64[0]! & 0x1fffffff) !== 0x10000000) {
        flags |= PE;
        return W32[0]! | 0;
      }
    }
  }
  const neg = d < 0;
  FD[FD_D] = neg ? -d : d;
  roundPack(false, neg, s, 0);
  return W[R_LO]! | 0;
}

/**
 * Round (d + s·ε) to binary64 (d = FD[FD_D] is already RN(exact), finite, non-zero); result to
 * dst[i..i+1].
 */
function finish64(s: number, dst: Uint32Array, i: number): void {
  const d = FD[FD_D]!;
  const ad = d < 0 ? -d : d;
  if (ad > MIN_NORMAL64 && (s === 0 || rc === RC_NEAREST)) {
    if (s !== 0) flags |= PE;
    F64[0] = d;
    storeF64(dst, i);
    return;
  }
  FD[FD_D] = ad;
  roundPack(true, d < 0, s, 0);
  dst[i] = W[R_LO]!;
  dst[i + 1] = W[R_HI]!;
}

/** Sign of an exact zero sum x + y (x, y given by their sign bits and zero-ness): bits of the high word. */
function zeroSumSign(bothZero: boolean, nx: boolean, ny: boolean): number {
  if (bothZero && nx === ny) return nx ? SIGN32 : 0;
  return rc === RC_DOWN ? SIGN32 : 0;
}

/** 0x80000000 as an int32 (a Smi). */
const SIGN32 = 0x80000000 | 0;

// ------------------------------------------------------------------ arithmetic

export const OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MIN = 4, OP_MAX = 5;

/** x86 binary32 arithmetic on raw bits; returns the result bits (int32). */
export function arith32(op: number, a: number, b: number): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (op >= OP_MIN) {
      // the second operand is returned, after DAZ
      flags |= IE;
      return daz && isDenorm32(b) ? b & 0x80000000 : b | 0;
    }
    if (isSNaN32(a) || isSNaN32(b)) flags |= IE;
    return (isNaN32(a) ? a : b) | 0x00400000;
  }
  denSeen = false;
  a = daz32(a);
  b = daz32(b);
  W32[0] = a;
  const x = F32[0]!;
  W32[0] = b;
  const y = F32[0]!;
  if (op >= OP_MIN) {
    if (denSeen) flags |= DE;
    if (op === OP_MIN) return x < y ? a | 0 : b | 0;
    return x > y ? a | 0 : b | 0;
  }
  let r: number, s = 0;
  switch (op) {
    case OP_ADD:
    case OP_SUB: {
      const yy = op === OP_SUB ? -y : y;
      r = x + yy;
      if (r !== r) { flags |= IE; return QNAN32 | 0; }
      if (denSeen) flags |= DE;
      if (r === 0) return zeroSumSign(x === 0 && yy === 0, (a & 0x80000000) !== 0, (op === OP_SUB) !== ((b & 0x80000000) !== 0));
      if (r === Infinity || r === -Infinity) {
        F32[0] = r;
        return W32[0]! | 0;
      }
      // TwoSum (exact: no overflow in double for binary32 operands)
      const bb = r - x;
      const err = (x - (r - bb)) + (yy - bb);
      s = err === 0 ? 0 : (err > 0) === (r > 0) ? 1 : -1;
      break;
    }
    case OP_MUL:
      r = x * y; // exact in double for binary32 operands
      if (r !== r) { flags |= IE; return QNAN32 | 0; }
      if (denSeen) flags |= DE;
      if (r === 0 || r === Infinity || r === -Infinity) {
        F32[0] = r;
        return W32[0]! | 0;
      }
      break;
    default: // DIV
      r = x / y;
      if (r !== r) { flags |= IE; return QNAN32 | 0; }
      if (y === 0) {
        if (x !== Infinity && x !== -Infinity) flags |= ZE;
        F32[0] = r;
        return W32[0]! | 0;
      }
      if (denSeen) flags |= DE;
      if (r === 0 || r === Infinity || r === -Infinity) {
        F32[0] = r;
        return W32[0]! | 0;
      }
      FD[FD_A] = r; FD[FD_B] = y; FD[FD_C] = x;
      // sign(x/y − r) = sign(x − r·y)·sign(y); relative to |r|
      s = mulSubSign();
      if ((y < 0) !== (r < 0)) s = -s;
      break;
  }
  FD[FD_D] = r;
  return finish32(s);
}

/** x86 binary64 arithmetic: a = src1[ai..], b = src2[bi..], result to dst[di..]. */
export function arith64(op: number, s1: Uint32Array, ai: number, s2: Uint32Array, bi: number, dst: Uint32Array, di: number): void {
  let aLo = s1[ai]!, aHi = s1[ai + 1]!;
  let bLo = s2[bi]!, bHi = s2[bi + 1]!;
  const an = isNaN64(aLo, aHi), bn = isNaN64(bLo, bHi);
  if (an || bn) {
    if (op >= OP_MIN) {
      flags |= IE;
      const z = daz && isDenorm64(bLo, bHi);
      dst[di] = z ? 0 : bLo;
      dst[di + 1] = z ? bHi & 0x80000000 : bHi;
      return;
    }
    if (isSNaN64(aLo, aHi) || isSNaN64(bLo, bHi)) flags |= IE;
    if (an) {
      dst[di] = aLo;
      dst[di + 1] = aHi | 0x00080000;
    } else {
      dst[di] = bLo;
      dst[di + 1] = bHi | 0x00080000;
    }
    return;
  }
  denSeen = false;
  daz64(aLo, aHi); aLo = W[D_LO]!; aHi = W[D_HI]!;
  daz64(bLo, bHi); bLo = W[D_LO]!; bHi = W[D_HI]!;
  W64[0] = aLo; W64[1] = aHi;
  const x = F64[0]!;
  W64[0] = bLo; W64[1] = bHi;
  const y = F64[0]!;
  if (op >= OP_MIN) {
    if (denSeen) flags |= DE;
    const pickA = op === OP_MIN ? x < y : x > y;
    dst[di] = pickA ? aLo : bLo;
    dst[di + 1] = pickA ? aHi : bHi;
    return;
  }
  let r: number;
  switch (op) {
    case OP_ADD:
    case OP_SUB: {
      const yy = op === OP_SUB ? -y : y;
      r = x + yy;
      if (r !== r) { invalid64(dst, di); return; }
      if (denSeen) flags |= DE;
      if (r === 0) {
        dst[di] = 0;
        dst[di + 1] = zeroSumSign(x === 0 && yy === 0, (aHi & 0x80000000) !== 0, (op === OP_SUB) !== ((bHi & 0x80000000) !== 0));
        return;
      }
      if (r === Infinity || r === -Infinity) {
        if (x === Infinity || x === -Infinity || yy === Infinity || yy === -Infinity) {
          F64[0] = r;
          storeF64(dst, di);
          return;
        }
        // overflow: halve (exact for operands this large) and round with E = 1
        const xh = x * 0.5, yh = yy * 0.5, rh = xh + yh;
        const bb = rh - xh;
        const err = (xh - (rh - bb)) + (yh - bb);
        FD[FD_D] = rh < 0 ? -rh : rh;
        roundPack(true, rh < 0, err === 0 ? 0 : (err > 0) === (rh > 0) ? 1 : -1, 1);
        dst[di] = W[R_LO]!;
        dst[di + 1] = W[R_HI]!;
        return;
      }
      const bb = r - x;
      const err = (x - (r - bb)) + (yy - bb);
      FD[FD_D] = r;
      finish64(err === 0 ? 0 : (err > 0) === (r > 0) ? 1 : -1, dst, di);
      return;
    }
    case OP_MUL: {
      r = x * y;
      if (r !== r) { invalid64(dst, di); return; }
      if (denSeen) flags |= DE;
      if (x === 0 || y === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
        F64[0] = r;
        storeF64(dst, di);
        return;
      }
      const neg = (x < 0) !== (y < 0);
      const ar = r < 0 ? -r : r, ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
      if (ar >= P2_M968 && ar <= P2_1020 && ax < P2_995 && ay < P2_995) {
        // sticky relative to |r| = sign(|x·y| − |r|) = −sign(|r| − |x|·|y|)
        FD[FD_A] = ax; FD[FD_B] = ay; FD[FD_C] = ar;
        FD[FD_D] = r;
        finish64(-mulSubSign(), dst, di);
        return;
      }
      FD[FD_A] = ax;
      normalise(FD_A);
      const ex = normExp;
      FD[FD_B] = ay;
      normalise(FD_B);
      const ey = normExp;
      const p = FD[FD_A]! * FD[FD_B]!;
      FD[FD_C] = p;
      const s = -mulSubSign();
      FD[FD_D] = p;
      roundPack(true, neg, s, ex + ey);
      dst[di] = W[R_LO]!;
      dst[di + 1] = W[R_HI]!;
      return;
    }
    default: { // DIV
      r = x / y;
      if (r !== r) { invalid64(dst, di); return; }
      if (y === 0) {
        if (x !== Infinity && x !== -Infinity) flags |= ZE;
        F64[0] = r;
        storeF64(dst, di);
        return;
      }
      if (denSeen) flags |= DE;
      if (x === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
        F64[0] = r;
        storeF64(dst, di);
        return;
      }
      const neg = (x < 0) !== (y < 0);
      const ar = r < 0 ? -r : r, ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
      if (ax >= P2_M968 && ax < P2_1023 && ay >= MIN_NORMAL64 && ay < P2_995 && ar > MIN_NORMAL64 && ar < P2_995) {
        // sticky relative to |r| = sign(|x| − |r|·|y|)
        FD[FD_A] = ar; FD[FD_B] = ay; FD[FD_C] = ax;
        const s = mulSubSign();
        FD[FD_D] = r;
        finish64(s, dst, di);
        return;
      }
      FD[FD_C] = ax;
      normalise(FD_C);
      const ex = normExp;
      FD[FD_B] = ay;
      normalise(FD_B);
      const ey = normExp;
      const q = FD[FD_C]! / FD[FD_B]!;
      FD[FD_A] = q;
      const s = mulSubSign();
      FD[FD_D] = q;
      roundPack(true, neg, s, ex - ey);
      dst[di] = W[R_LO]!;
      dst[di + 1] = W[R_HI]!;
      return;
    }
  }
}

function invalid64(dst: Uint32Array, di: number): void {
  flags |= IE;
  dst[di] = 0;
  dst[di + 1] = QNAN64_HI;
}

/** sqrtss lane; returns bits (int32). */
export function sqrt32(a: number): number {
  if (isNaN32(a)) {
    if (isSNaN32(a)) flags |= IE;
    return a | 0x00400000;
  }
  denSeen = false;
  a = daz32(a);
  W32[0] = a;
  const x = F32[0]!;
  if (x === 0) return a | 0;
  if (x < 0) { flags |= IE; return QNAN32 | 0; }
  if (denSeen) flags |= DE;
  if (x === Infinity) return a | 0;
  const r = Math.sqrt(x);
  FD[FD_A] = r; FD[FD_B] = r; FD[FD_C] = x;
  const s = mulSubSign();
  FD[FD_D] = r;
  return finish32(s);
}

/** sqrtsd lane. */
export function sqrt64(src: Uint32Array, si: number, dst: Uint32Array, di: number): void {
  let lo = src[si]!, hi = src[si + 1]!;
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) flags |= IE;
    dst[di] = lo;
    dst[di + 1] = hi | 0x00080000;
    return;
  }
  denSeen = false;
  daz64(lo, hi); lo = W[D_LO]!; hi = W[D_HI]!;
  W64[0] = lo; W64[1] = hi;
  const x = F64[0]!;
  if (x === 0 || x === Infinity) {
    dst[di] = lo;
    dst[di + 1] = hi;
    return;
  }
  if (x < 0) { invalid64(dst, di); return; }
  if (denSeen) flags |= DE;
  if (x >= P2_M968 && x < P2_1020) {
    const r = Math.sqrt(x);
    FD[FD_A] = r; FD[FD_B] = r; FD[FD_C] = x;
    const s = mulSubSign();
    FD[FD_D] = r;
    finish64(s, dst, di);
    return;
  }
  FD[FD_C] = x;
  normalise(FD_C);
  let e = normExp;
  let m = FD[FD_C]!;
  if (e & 1) {
    m *= 2;
    e -= 1;
  }
  const r = Math.sqrt(m);
  FD[FD_A] = r; FD[FD_B] = r; FD[FD_C] = m;
  const s = mulSubSign();
  FD[FD_D] = r;
  roundPack(true, false, s, e / 2);
  dst[di] = W[R_LO]!;
  dst[di + 1] = W[R_HI]!;
}

// ------------------------------------------------------------------ compare

/** CMPPS/CMPSD predicates 0-7 (EQ LT LE UNORD NEQ NLT NLE ORD) on two ordered (non-NaN) values. */
function comparePredicate(pred: number, x: number, y: number): boolean {
  switch (pred) {
    case 0: return x === y;
    case 1: return x < y;
    case 2: return x <= y;
    case 3: return false;
    case 4: return x !== y;
    case 5: return !(x < y);
    case 6: return !(x <= y);
    default: return true;
  }
}

/**
 * CMPccPS/SS predicate (imm8 & 7) on binary32 bits.
 * Predicates 1, 2, 5, 6 signal on QNaN; all signal on SNaN.
 */
export function cmp32(pred: number, a: number, b: number): boolean {
  const an = isNaN32(a), bn = isNaN32(b);
  if (an || bn) {
    if ((pred & 3) === 1 || (pred & 3) === 2 || isSNaN32(a) || isSNaN32(b)) flags |= IE;
    return pred === 3 || pred === 4 || pred === 5 || pred === 6;
  }
  denSeen = false;
  W32[0] = daz32(a);
  const x = F32[0]!;
  W32[0] = daz32(b);
  const y = F32[0]!;
  if (denSeen) flags |= DE;
  return comparePredicate(pred, x, y);
}

export function cmp64(pred: number, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  const an = isNaN64(aLo, aHi), bn = isNaN64(bLo, bHi);
  if (an || bn) {
    if ((pred & 3) === 1 || (pred & 3) === 2 || isSNaN64(aLo, aHi) || isSNaN64(bLo, bHi)) flags |= IE;
    return pred === 3 || pred === 4 || pred === 5 || pred === 6;
  }
  denSeen = false;
  daz64(aLo, aHi);
  W64[0] = W[D_LO]!; W64[1] = W[D_HI]!;
  const x = F64[0]!;
  daz64(bLo, bHi);
  W64[0] = W[D_LO]!; W64[1] = W[D_HI]!;
  const y = F64[0]!;
  if (denSeen) flags |= DE;
  return comparePredicate(pred, x, y);
}

/**
 * COMISS/UCOMISS: returns -1 (less), 0 (equal), 1 (greater) or 2 (unordered).
 * `signalQNaN`: COMIS raises IE on any NaN, UCOMIS only on SNaN.
 */
export function compare32(a: number, b: number, signalQNaN: boolean): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (signalQNaN || isSNaN32(a) || isSNaN32(b)) flags |= IE;
    return 2;
  }
  denSeen = false;
  W32[0] = daz32(a);
  const x = F32[0]!;
  W32[0] = daz32(b);
  const y = F32[0]!;
  if (denSeen) flags |= DE;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compare64(aLo: number, aHi: number, bLo: number, bHi: number, signalQNaN: boolean): number {
  if (isNaN64(aLo, aHi) || isNaN64(bLo, bHi)) {
    if (signalQNaN || isSNaN64(aLo, aHi) || isSNaN64(bLo, bHi)) flags |= IE;
    return 2;
  }
  denSeen = false;
  daz64(aLo, aHi);
  W64[0] = W[D_LO]!; W64[1] = W[D_HI]!;
  const x = F64[0]!;
  daz64(bLo, bHi);
  W64[0] = W[D_LO]!; W64[1] = W[D_HI]!;
  const y = F64[0]!;
  if (denSeen) flags |= DE;
  return x < y ? -1 : x > y ? 1 : 0;
}

// ------------------------------------------------------------------ conversions

/** binary32 → binary64 (CVTSS2SD lane). */
export function cvt32to64(a: number, dst: Uint32Array, di: number): void {
  if (isNaN32(a)) {
    if (isSNaN32(a)) flags |= IE;
    const mant = a & 0x007fffff;
    dst[di] = mant << 29;
    dst[di + 1] = (a & 0x80000000) | 0x7ff80000 | (mant >>> 3);
    return;
  }
  denSeen = false;
  a = daz32(a);
  if (denSeen) flags |= DE;
  W32[0] = a;
  F64[0] = F32[0]!;
  storeF64(dst, di);
}

/** binary64 → binary32 (CVTSD2SS lane): returns bits (int32). */
export function cvt64to32(lo: number, hi: number): number {
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) flags |= IE;
    return (hi & 0x80000000) | 0x7fc00000 | ((hi & 0x000fffff) << 3) | (lo >>> 29);
  }
  denSeen = false;
  daz64(lo, hi);
  W64[0] = W[D_LO]!; W64[1] = W[D_HI]!;
  const x = F64[0]!;
  if (denSeen) flags |= DE;
  if (x === 0 || x === Infinity || x === -Infinity) {
    F32[0] = x;
    return W32[0]! | 0;
  }
  FD[FD_D] = x;
  return finish32(0);
}

/** Signed int32 → binary32 (CVTSI2SS / CVTDQ2PS lane): returns bits (int32). */
export function i32to32(v: number): number {
  v |= 0;
  if (v === 0) return 0;
  FD[FD_D] = v;
  return finish32(0);
}

/** Signed int64 (lo, hi) → binary64 in dst[di..] (dbl) or binary32 (returned, int32). */
export function i64toF(lo: number, hi: number, dbl: boolean, dst: Uint32Array, di: number): number {
  const neg = (hi & 0x80000000) !== 0;
  let mlo = lo >>> 0, mhi = hi >>> 0;
  if (neg) {
    mlo = (~lo + 1) >>> 0;
    mhi = (~hi + (mlo === 0 ? 1 : 0)) >>> 0;
  }
  if (mlo === 0 && mhi === 0) {
    if (dbl) { dst[di] = 0; dst[di + 1] = 0; }
    return 0;
  }
  const big = mhi * TWO32;
  const r = big + mlo; // RN of the magnitude
  const bb = r - big;
  const err = (big - (r - bb)) + (mlo - bb);
  const s = err > 0 ? 1 : err < 0 ? -1 : 0;
  FD[FD_D] = neg ? -r : r;
  if (dbl) {
    finish64(s, dst, di);
    return 0;
  }
  return finish32(s);
}

/**
 * Round the double FD[FD_D] (non-NaN, DAZ applied) to an integer with the rounding mode (or
 * truncation); the result replaces FD[FD_D]. Returns false if it does not fit in [min, maxExcl)
 * (the caller raises IE and writes the integer indefinite); raises PE when inexact.
 */
function toInt(trunc: boolean, min: number, maxExcl: number): boolean {
  const x = FD[FD_D]!;
  let r: number;
  if (trunc) {
    r = Math.trunc(x);
  } else {
    switch (rc) {
      case RC_NEAREST: {
        r = Math.round(x);
        if (r - x === 0.5 && r % 2 !== 0) r -= 1;
        break;
      }
      case RC_DOWN: r = Math.floor(x); break;
      case RC_UP: r = Math.ceil(x); break;
      default: r = Math.trunc(x);
    }
  }
  if (!(r >= min && r < maxExcl)) return false;
  if (r !== x) flags |= PE;
  FD[FD_D] = r;
  return true;
}

const INDEFINITE32 = 0x80000000 | 0;

/** binary32 bits → int32 (CVT(T)SS2SI, CVT(T)PS2DQ lane); indefinite 0x80000000 on invalid. */
export function f32toI32(a: number, trunc: boolean): number {
  if (isNaN32(a)) { flags |= IE; return INDEFINITE32; }
  if (daz && isDenorm32(a)) a &= 0x80000000;
  W32[0] = a;
  FD[FD_D] = F32[0]!;
  if (!toInt(trunc, -2147483648, 2147483648)) { flags |= IE; return INDEFINITE32; }
  return FD[FD_D]! | 0;
}

export function f64toI32(lo: number, hi: number, trunc: boolean): number {
  if (isNaN64(lo, hi)) { flags |= IE; return INDEFINITE32; }
  if (daz && isDenorm64(lo, hi)) { lo = 0; hi &= 0x80000000; }
  W64[0] = lo; W64[1] = hi;
  FD[FD_D] = F64[0]!;
  if (!toInt(trunc, -2147483648, 2147483648)) { flags |= IE; return INDEFINITE32; }
  return FD[FD_D]! | 0;
}

/** High half of the last f32toI64 / f64toI64 result. */
export function int64Hi(): number {
  return W[I64_HI]! | 0;
}

/** Split the integer FD[FD_D] (|v| <= 2^63) into two's complement halves: returns lo, hi in W[I64_HI]. */
function int64Of(): number {
  const v = FD[FD_D]!;
  const neg = v < 0;
  const m = neg ? -v : v;
  let hi = Math.floor(m / TWO32);
  let lo = m - hi * TWO32;
  if (neg) {
    lo = (~lo + 1) >>> 0;
    hi = ~hi + (lo === 0 ? 1 : 0);
  }
  W[I64_HI] = hi;
  return lo | 0;
}

const MIN_I64 = -9223372036854775808;
const MAX_I64_EXCL = 9223372036854775808;

/** binary32 bits → int64; low half returned, high half via int64Hi(). Indefinite 0x8000000000000000. */
export function f32toI64(a: number, trunc: boolean): number {
  if (isNaN32(a)) { flags |= IE; W[I64_HI] = 0x80000000; return 0; }
  if (daz && isDenorm32(a)) a &= 0x80000000;
  W32[0] = a;
  FD[FD_D] = F32[0]!;
  if (!toInt(trunc, MIN_I64, MAX_I64_EXCL)) { flags |= IE; W[I64_HI] = 0x80000000; return 0; }
  return int64Of();
}

export function f64toI64(lo: number, hi: number, trunc: boolean): number {
  if (isNaN64(lo, hi)) { flags |= IE; W[I64_HI] = 0x80000000; return 0; }
  if (daz && isDenorm64(lo, hi)) { lo = 0; hi &= 0x80000000; }
  W64[0] = lo; W64[1] = hi;
  FD[FD_D] = F64[0]!;
  if (!toInt(trunc, MIN_I64, MAX_I64_EXCL)) { flags |= IE; W[I64_HI] = 0x80000000; return 0; }
  return int64Of();
}

// ------------------------------------------------------------------ approximations

/**
 * RCPSS/RCPPS lane: the reciprocal of 1.f rounded to 12 fraction bits, indexed by the top 11
 * fraction bits (evaluated at the index's interval midpoint). Not affected by MXCSR, no flags;
 * denormal inputs act as zero, tiny results flush to zero.
 */
const RCP_TABLE = new Uint16Array(2048);
const RSQRT_TABLE = new Uint16Array(2048); // [0,1024): even unbiased exponent (odd biased), [1024,2048): odd
for (let i = 0; i < 2048; i++) {
  const x = 1 + (2 * i + 1) / 4096;
  RCP_TABLE[i] = Math.round(4096 * (2 / x - 1));
}
for (let i = 0; i < 1024; i++) {
  const x = 1 + (2 * i + 1) / 2048;
  // biased exponent odd → value 1.f·2^(2k): 2/sqrt(x) in (1.41, 2)
  RSQRT_TABLE[i] = Math.round(4096 * (2 / Math.sqrt(x) - 1));
  // biased exponent even → value 2·1.f·2^(2k): 2/sqrt(2x) in (1, 1.41)
  RSQRT_TABLE[1024 + i] = Math.round(4096 * (2 / Math.sqrt(2 * x) - 1));
}

export function rcp32(a: number): number {
  const sign = a & 0x80000000;
  const e = (a >>> 23) & 0xff;
  if (e === 0xff) {
    if ((a & 0x007fffff) !== 0) return a | 0x00400000; // NaN
    return sign; // 1/±inf = ±0
  }
  if (e === 0) return sign | 0x7f800000; // zero or denormal → ±inf
  const re = 253 - e;
  if (re <= 0) return sign;
  return sign | (re << 23) | (RCP_TABLE[(a >>> 12) & 0x7ff]! << 11);
}

export function rsqrt32(a: number): number {
  const sign = a & 0x80000000;
  const e = (a >>> 23) & 0xff;
  if (e === 0xff) {
    if ((a & 0x007fffff) !== 0) return a | 0x00400000;
    return sign ? QNAN32 | 0 : 0;
  }
  if (e === 0) return sign | 0x7f800000;
  if (sign) return QNAN32 | 0;
  const idx = ((a >>> 13) & 0x3ff) + ((e & 1) ? 0 : 1024);
  const re = 0x7e - ((e - 0x7f) >> 1);
  return (re << 23) | (RSQRT_TABLE[idx]! << 11);
}
