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

// ------------------------------------------------------------------ bit views (little-endian)

const F64 = new Float64Array(1);
const W64 = new Uint32Array(F64.buffer);
const F32 = new Float32Array(1);
const W32 = new Uint32Array(F32.buffer);

const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO64 = 18446744073709551616;
const MIN_NORMAL32 = 1.1754943508222875e-38; // 2^-126
const MAX32 = 3.4028234663852886e38;
const MIN_NORMAL64 = 2.2250738585072014e-308; // 2^-1022

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

/** Float32 bits as a double (must not be a NaN). */
export function f32(bits: number): number {
  W32[0] = bits;
  return F32[0]!;
}

/** Bits of a double that is exactly representable as float32 (or rounded to nearest). */
export function bits32(d: number): number {
  F32[0] = d;
  return W32[0]!;
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
    if (daz) return (x & 0x80000000) >>> 0;
    denSeen = true;
  }
  return x;
}
/** For binary64 the high word is adjusted in place through `dHi`/`dLo`. */
let dLo = 0, dHi = 0;
function daz64(lo: number, hi: number): void {
  dLo = lo;
  dHi = hi;
  if (isDenorm64(lo, hi)) {
    if (daz) {
      dLo = 0;
      dHi = (hi & 0x80000000) >>> 0;
    } else {
      denSeen = true;
    }
  }
}

// ------------------------------------------------------------------ error-free transformations

/** Error of s = RN(a + b): (a + b) - s exactly (no overflow). */
function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

const SPLIT = 134217729; // 2^27 + 1

/** Error of p = RN(a * b): (a * b) - p exactly, Dekker (|a|,|b| < 2^995, no underflow). */
function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
}

/** Sign (-1, 0, 1) of the exact value minus its rounded value r, as a magnitude sticky (relative to |r|). */
function stickyOf(err: number, r: number): number {
  if (err === 0) return 0;
  return (err > 0) === (r > 0) ? 1 : -1;
}

/** Normalise a finite non-zero |x| to m in [1,2); exponent in normExp. */
let normExp = 0;
function normalise(x: number): number {
  F64[0] = x;
  let hi = W64[1]!;
  let be = (hi >>> 20) & 0x7ff;
  let e = 0;
  if (be === 0) {
    F64[0] = x * TWO64;
    hi = W64[1]!;
    be = (hi >>> 20) & 0x7ff;
    e = -64;
  }
  normExp = e + be - 1023;
  W64[1] = (hi & 0x000fffff) | 0x3ff00000;
  return F64[0]!;
}

// ------------------------------------------------------------------ generic rounding

/**
 * Round n + frac + s·ε (n integer, 0 <= frac < 1, ε infinitesimal) to an integer per rc, for a
 * result of sign `neg`. Sets `inexact`.
 */
function roundInc(n: number, frac: number, s: number, neg: boolean): number {
  if (frac === 0) {
    if (s === 0) {
      inexact = false;
      return n;
    }
    inexact = true;
    if (s > 0) {
      // just above n
      if (rc === RC_UP) return neg ? n : n + 1;
      if (rc === RC_DOWN) return neg ? n + 1 : n;
      return n;
    }
    // just below n
    if (rc === RC_NEAREST) return n;
    if (rc === RC_UP) return neg ? n - 1 : n;
    if (rc === RC_DOWN) return neg ? n : n - 1;
    return n - 1;
  }
  inexact = true;
  switch (rc) {
    case RC_NEAREST:
      if (frac > 0.5) return n + 1;
      if (frac < 0.5) return n;
      if (s > 0) return n + 1;
      if (s < 0) return n;
      return n % 2 === 0 ? n : n + 1;
    case RC_UP: return neg ? n : n + 1;
    case RC_DOWN: return neg ? n + 1 : n;
    default: return n;
  }
}

/** Result of roundPack / lane helpers for binary64 (binary32 uses rLo only). */
let rLo = 0, rHi = 0;

/**
 * Round the exact magnitude (d + s·ε)·2^E (d > 0 finite double, s the sign of the residual) to
 * binary64 (dbl) or binary32, with sign neg. Result bits in rLo (and rHi); flags raised.
 */
function roundPack(dbl: boolean, neg: boolean, d: number, s: number, E: number): void {
  const m = normalise(d);
  E += normExp;
  const E0 = E;
  const p1 = dbl ? TWO52 : 8388608; // 2^(p-1)
  const t = m * p1;
  let n = Math.floor(t);
  const frac = t - n;
  if (frac === 0 && s < 0 && n === p1) {
    // just below a power of two: the neighbour below lies on the finer grid of the binade below
    n = 2 * p1;
    E -= 1;
  }
  let r = roundInc(n, frac, s, neg);
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
    tiny(dbl, neg, m, E0, s, emin);
    return;
  }
  if (inexact) flags |= PE;
  packBits(dbl, neg ? 0x80000000 : 0, r, E);
}

/** Pack a normal value: significand r (2^(p-1) <= r < 2^p) with unbiased exponent E. */
function packBits(dbl: boolean, sign: number, r: number, E: number): void {
  if (dbl) {
    const mant = r - TWO52;
    const mhi = Math.floor(mant / TWO32);
    rLo = (mant - mhi * TWO32) >>> 0;
    rHi = (sign | ((E + 1023) << 20) | mhi) >>> 0;
  } else {
    rLo = (sign | ((E + 127) << 23) | (r - 8388608)) >>> 0;
  }
}

function overflow(dbl: boolean, neg: boolean): void {
  flags |= OE | PE;
  const toInf = rc === RC_NEAREST || (rc === RC_UP && !neg) || (rc === RC_DOWN && neg);
  const sign = neg ? 0x80000000 : 0;
  if (dbl) {
    rLo = toInf ? 0 : 0xffffffff;
    rHi = (sign | (toInf ? 0x7ff00000 : 0x7fefffff)) >>> 0;
  } else {
    rLo = (sign | (toInf ? 0x7f800000 : 0x7f7fffff)) >>> 0;
  }
}

/** Tiny after rounding: denormalise (m·2^E0 with sticky s), or flush to zero under FTZ. */
function tiny(dbl: boolean, neg: boolean, m: number, E0: number, s: number, emin: number): void {
  const sign = neg ? 0x80000000 : 0;
  if ((masks & UE) === 0) {
    // unmasked underflow: the instruction faults, the result is not written
    flags |= UE;
    rLo = dbl ? 0 : sign >>> 0;
    rHi = sign >>> 0;
    return;
  }
  if (ftz) {
    flags |= UE | PE;
    rLo = dbl ? 0 : sign >>> 0;
    rHi = sign >>> 0;
    return;
  }
  const p = dbl ? 53 : 24;
  const k = emin - E0; // >= 1
  let n: number, frac: number;
  if (p - 1 - k >= -2) {
    const t = m * Math.pow(2, p - 1 - k);
    n = Math.floor(t);
    frac = t - n;
  } else {
    n = 0;
    frac = 0.25;
  }
  const r = roundInc(n, frac, s, neg);
  if (inexact) flags |= UE | PE;
  // subnormal (or the smallest normal when r = 2^(p-1)): the bits are the integer r
  if (dbl) {
    const hi = Math.floor(r / TWO32);
    rLo = (r - hi * TWO32) >>> 0;
    rHi = (sign | hi) >>> 0;
  } else {
    rLo = (sign | r) >>> 0;
  }
}

// ------------------------------------------------------------------ finishing helpers

/** Round (d + s·ε) (d finite, non-zero double, s residual sign vs |d|) to binary32; returns bits. */
function finish32(d: number, s: number): number {
  const f = Math.fround(d);
  const af = f < 0 ? -f : f;
  if (af > MIN_NORMAL32 && af <= MAX32) {
    if (f === d && s === 0) return bits32(f);
    if (rc === RC_NEAREST) {
      flags |= PE;
      return bits32(f);
    }
  }
  roundPack(false, d < 0, d < 0 ? -d : d, s, 0);
  return rLo;
}

/** Round (d + s·ε) to binary64 (d is already RN(exact), finite, non-zero); result to dst[i..i+1]. */
function finish64(d: number, s: number, dst: Uint32Array, i: number): void {
  const ad = d < 0 ? -d : d;
  if (ad > MIN_NORMAL64 && (s === 0 || rc === RC_NEAREST)) {
    if (s !== 0) flags |= PE;
    putF64(d, dst, i);
    return;
  }
  roundPack(true, d < 0, ad, s, 0);
  dst[i] = rLo;
  dst[i + 1] = rHi;
}

// ------------------------------------------------------------------ arithmetic

export const OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MIN = 4, OP_MAX = 5;

/** x86 binary32 arithmetic on raw bits; returns the result bits. */
export function arith32(op: number, a: number, b: number): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (op >= OP_MIN) {
      // the second operand is returned, after DAZ
      flags |= IE;
      return (daz && isDenorm32(b) ? b & 0x80000000 : b) >>> 0;
    }
    if (isSNaN32(a) || isSNaN32(b)) flags |= IE;
    return ((isNaN32(a) ? a : b) | 0x00400000) >>> 0;
  }
  denSeen = false;
  a = daz32(a);
  b = daz32(b);
  const x = f32(a), y = f32(b);
  if (op >= OP_MIN) {
    if (denSeen) flags |= DE;
    if (op === OP_MIN) return (x < y ? a : b) >>> 0;
    return (x > y ? a : b) >>> 0;
  }
  let r: number, s = 0;
  switch (op) {
    case OP_ADD:
    case OP_SUB: {
      const yy = op === OP_SUB ? -y : y;
      r = x + yy;
      if (r !== r) { flags |= IE; return QNAN32; }
      if (denSeen) flags |= DE;
      if (r === 0) return zeroSum32(x, yy);
      if (r === Infinity || r === -Infinity) return bits32(r);
      s = stickyOf(twoSumErr(x, yy, r), r);
      break;
    }
    case OP_MUL:
      r = x * y;
      if (r !== r) { flags |= IE; return QNAN32; }
      if (denSeen) flags |= DE;
      if (r === 0 || r === Infinity || r === -Infinity) return bits32(r);
      break;
    default: // DIV
      r = x / y;
      if (r !== r) { flags |= IE; return QNAN32; }
      if (y === 0) {
        if (x === x && x !== Infinity && x !== -Infinity) flags |= ZE;
        return bits32(r);
      }
      if (denSeen) flags |= DE;
      if (r === 0 || r === Infinity || r === -Infinity) return bits32(r);
      s = stickyOf(divResidual(x, y, r), r);
      break;
  }
  return finish32(r, s);
}

/** Exact zero result of x + y: +0 except in round-down mode, or both operands -0. */
function zeroSum32(x: number, y: number): number {
  if (x === 0 && y === 0) {
    const nx = 1 / x < 0, ny = 1 / y < 0;
    if (nx === ny) return nx ? 0x80000000 : 0;
  }
  return rc === RC_DOWN ? 0x80000000 : 0;
}

/** Remainder sign info for q = RN(x / y): returns a value whose sign is that of (x/y - q). */
function divResidual(x: number, y: number, q: number): number {
  const p = q * y;
  const e = twoProdErr(q, y, p);
  const rem = (x - p) - e;
  return y > 0 ? rem : -rem;
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
      dst[di + 1] = z ? (bHi & 0x80000000) >>> 0 : bHi;
      return;
    }
    if (isSNaN64(aLo, aHi) || isSNaN64(bLo, bHi)) flags |= IE;
    if (an) {
      dst[di] = aLo;
      dst[di + 1] = (aHi | 0x00080000) >>> 0;
    } else {
      dst[di] = bLo;
      dst[di + 1] = (bHi | 0x00080000) >>> 0;
    }
    return;
  }
  denSeen = false;
  daz64(aLo, aHi); aLo = dLo; aHi = dHi;
  daz64(bLo, bHi); bLo = dLo; bHi = dHi;
  const x = f64(aLo, aHi), y = f64(bLo, bHi);
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
        dst[di + 1] = zeroSum32(x, yy);
        return;
      }
      if (r === Infinity || r === -Infinity) {
        if (x === Infinity || x === -Infinity || yy === Infinity || yy === -Infinity) {
          putF64(r, dst, di);
          return;
        }
        // overflow: halve (exact for operands this large) and round with E = 1
        const xh = x * 0.5, yh = yy * 0.5, rh = xh + yh;
        const s = stickyOf(twoSumErr(xh, yh, rh), rh);
        roundPack(true, rh < 0, rh < 0 ? -rh : rh, s, 1);
        dst[di] = rLo;
        dst[di + 1] = rHi;
        return;
      }
      finish64(r, stickyOf(twoSumErr(x, yy, r), r), dst, di);
      return;
    }
    case OP_MUL: {
      r = x * y;
      if (r !== r) { invalid64(dst, di); return; }
      if (denSeen) flags |= DE;
      if (x === 0 || y === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
        putF64(r, dst, di);
        return;
      }
      const ar = r < 0 ? -r : r, ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
      if (ar >= 4.0083367200179456e-292 /* 2^-968 */ && ar <= 1.1235582092889474e307 /* 2^1020 */ &&
          ax < 2.6153245263757307e299 /* 2^995 */ && ay < 2.6153245263757307e299) {
        finish64(r, stickyOf(twoProdErr(x, y, r), r), dst, di);
        return;
      }
      const mx = normalise(ax), ex = normExp;
      const my = normalise(ay), ey = normExp;
      const p = mx * my;
      const s = stickyOf(twoProdErr(mx, my, p), p);
      roundPack(true, (x < 0) !== (y < 0), p, s, ex + ey);
      dst[di] = rLo;
      dst[di + 1] = rHi;
      return;
    }
    default: { // DIV
      r = x / y;
      if (r !== r) { invalid64(dst, di); return; }
      if (y === 0) {
        if (x !== Infinity && x !== -Infinity) flags |= ZE;
        putF64(r, dst, di);
        return;
      }
      if (denSeen) flags |= DE;
      if (x === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
        putF64(r, dst, di);
        return;
      }
      const ar = r < 0 ? -r : r, ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
      if (ax >= 4.0083367200179456e-292 && ax < 8.98846567431158e307 /* 2^1023 */ &&
          ay >= MIN_NORMAL64 && ay < 2.6153245263757307e299 &&
          ar > MIN_NORMAL64 && ar < 2.6153245263757307e299) {
        finish64(r, stickyOf(divResidual(x, y, r), r), dst, di);
        return;
      }
      const mx = normalise(ax), ex = normExp;
      const my = normalise(ay), ey = normExp;
      const q = mx / my;
      const s = stickyOf(divResidual(mx, my, q), q);
      roundPack(true, (x < 0) !== (y < 0), q, s, ex - ey);
      dst[di] = rLo;
      dst[di + 1] = rHi;
      return;
    }
  }
}

function invalid64(dst: Uint32Array, di: number): void {
  flags |= IE;
  dst[di] = 0;
  dst[di + 1] = QNAN64_HI;
}

/** sqrtss lane. */
export function sqrt32(a: number): number {
  if (isNaN32(a)) {
    if (isSNaN32(a)) flags |= IE;
    return (a | 0x00400000) >>> 0;
  }
  denSeen = false;
  a = daz32(a);
  const x = f32(a);
  if (x === 0) return a >>> 0;
  if (x < 0) { flags |= IE; return QNAN32; }
  if (denSeen) flags |= DE;
  if (x === Infinity) return a >>> 0;
  const r = Math.sqrt(x);
  return finish32(r, sqrtSticky(x, r));
}

/** Sign of sqrt(x) - r for r = RN(sqrt(x)) (x in a safe range). */
function sqrtSticky(x: number, r: number): number {
  const p = r * r;
  const e = twoProdErr(r, r, p);
  const rem = (x - p) - e;
  return rem > 0 ? 1 : rem < 0 ? -1 : 0;
}

/** sqrtsd lane. */
export function sqrt64(src: Uint32Array, si: number, dst: Uint32Array, di: number): void {
  let lo = src[si]!, hi = src[si + 1]!;
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) flags |= IE;
    dst[di] = lo;
    dst[di + 1] = (hi | 0x00080000) >>> 0;
    return;
  }
  denSeen = false;
  daz64(lo, hi); lo = dLo; hi = dHi;
  const x = f64(lo, hi);
  if (x === 0 || x === Infinity) {
    dst[di] = lo;
    dst[di + 1] = hi;
    return;
  }
  if (x < 0) { invalid64(dst, di); return; }
  if (denSeen) flags |= DE;
  if (x >= 4.0083367200179456e-292 && x < 1.1235582092889474e307) {
    const r = Math.sqrt(x);
    finish64(r, sqrtSticky(x, r), dst, di);
    return;
  }
  let m = normalise(x), e = normExp;
  if (e & 1) {
    m *= 2;
    e -= 1;
  }
  const r = Math.sqrt(m);
  roundPack(true, false, r, sqrtSticky(m, r), e / 2);
  dst[di] = rLo;
  dst[di + 1] = rHi;
}

// ------------------------------------------------------------------ compare

/**
 * CMPccPS/SS predicate (imm8 & 7) on binary32 bits: returns true/false.
 * Predicates 1, 2, 5, 6 signal on QNaN; all signal on SNaN.
 */
export function cmp32(pred: number, a: number, b: number): boolean {
  const an = isNaN32(a), bn = isNaN32(b);
  if (an || bn) {
    if ((pred & 3) === 1 || (pred & 3) === 2 || isSNaN32(a) || isSNaN32(b)) flags |= IE;
    return pred === 3 || pred === 4 || pred === 5 || pred === 6;
  }
  denSeen = false;
  const x = f32(daz32(a)), y = f32(daz32(b));
  if (denSeen) flags |= DE;
  return cmpOrdered(pred, x, y);
}

export function cmp64(pred: number, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  const an = isNaN64(aLo, aHi), bn = isNaN64(bLo, bHi);
  if (an || bn) {
    if ((pred & 3) === 1 || (pred & 3) === 2 || isSNaN64(aLo, aHi) || isSNaN64(bLo, bHi)) flags |= IE;
    return pred === 3 || pred === 4 || pred === 5 || pred === 6;
  }
  denSeen = false;
  daz64(aLo, aHi);
  const x = f64(dLo, dHi);
  daz64(bLo, bHi);
  const y = f64(dLo, dHi);
  if (denSeen) flags |= DE;
  return cmpOrdered(pred, x, y);
}

function cmpOrdered(pred: number, x: number, y: number): boolean {
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
 * COMISS/UCOMISS: returns -1 (less), 0 (equal), 1 (greater) or 2 (unordered).
 * `signalQNaN`: COMIS raises IE on any NaN, UCOMIS only on SNaN.
 */
export function compare32(a: number, b: number, signalQNaN: boolean): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (signalQNaN || isSNaN32(a) || isSNaN32(b)) flags |= IE;
    return 2;
  }
  denSeen = false;
  const x = f32(daz32(a)), y = f32(daz32(b));
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
  const x = f64(dLo, dHi);
  daz64(bLo, bHi);
  const y = f64(dLo, dHi);
  if (denSeen) flags |= DE;
  return x < y ? -1 : x > y ? 1 : 0;
}

// ------------------------------------------------------------------ conversions

/** binary32 → binary64 (CVTSS2SD lane). */
export function cvt32to64(a: number, dst: Uint32Array, di: number): void {
  if (isNaN32(a)) {
    if (isSNaN32(a)) flags |= IE;
    const mant = a & 0x007fffff;
    dst[di] = (mant << 29) >>> 0;
    dst[di + 1] = ((a & 0x80000000) | 0x7ff80000 | (mant >>> 3)) >>> 0;
    return;
  }
  denSeen = false;
  a = daz32(a);
  if (denSeen) flags |= DE;
  putF64(f32(a), dst, di);
}

/** binary64 → binary32 (CVTSD2SS lane): returns bits. */
export function cvt64to32(lo: number, hi: number): number {
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) flags |= IE;
    return ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0x000fffff) << 3) | (lo >>> 29)) >>> 0;
  }
  denSeen = false;
  daz64(lo, hi);
  const x = f64(dLo, dHi);
  if (denSeen) flags |= DE;
  if (x === 0 || x === Infinity || x === -Infinity) return bits32(x);
  return finish32(x, 0);
}

/** Signed int32 → binary32 (CVTSI2SS / CVTDQ2PS lane). */
export function i32to32(v: number): number {
  v |= 0;
  if (v === 0) return 0;
  return finish32(v, 0);
}

/** Signed int64 (lo, hi) → binary32 or binary64 (result in dst[di..] for dbl, else returned). */
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
  const s = stickyOf(twoSumErr(big, mlo, r), r);
  const d = neg ? -r : r;
  if (dbl) {
    finish64(d, s, dst, di);
    return 0;
  }
  return finish32(d, s);
}

/**
 * binary (double value x, already DAZ-processed and non-NaN) → integer with rounding mode
 * (truncate if trunc). Returns the rounded value or NaN if it does not fit in [min, maxExcl).
 * Raises PE when inexact; the caller raises IE / writes the indefinite integer on NaN.
 */
function toInt(x: number, trunc: boolean, min: number, maxExcl: number): number {
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
  if (!(r >= min && r < maxExcl)) return NaN;
  if (r !== x) flags |= PE;
  return r;
}

/** binary32 bits → int32 (CVT(T)SS2SI, CVT(T)PS2DQ lane); indefinite 0x80000000 on invalid. */
export function f32toI32(a: number, trunc: boolean): number {
  if (isNaN32(a)) { flags |= IE; return 0x80000000; }
  if (isDenorm32(a)) a = daz ? a & 0x80000000 : a;
  const r = toInt(f32(a), trunc, -2147483648, 2147483648);
  if (r !== r) { flags |= IE; return 0x80000000; }
  return r >>> 0;
}

export function f64toI32(lo: number, hi: number, trunc: boolean): number {
  if (isNaN64(lo, hi)) { flags |= IE; return 0x80000000; }
  if (daz && isDenorm64(lo, hi)) { lo = 0; hi &= 0x80000000; }
  const r = toInt(f64(lo, hi), trunc, -2147483648, 2147483648);
  if (r !== r) { flags |= IE; return 0x80000000; }
  return r >>> 0;
}

/** Result high half of f*toI64. */
export let i64Hi = 0;

function int64Of(r: number): number {
  // r is an integer with |r| <= 2^63
  const neg = r < 0;
  const m = neg ? -r : r;
  let hi = Math.floor(m / TWO32);
  let lo = m - hi * TWO32;
  if (neg) {
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  i64Hi = hi >>> 0;
  return lo >>> 0;
}

const MIN_I64 = -9223372036854775808;
const MAX_I64_EXCL = 9223372036854775808;

/** binary32 bits → int64; low half returned, high half in i64Hi. Indefinite 0x8000000000000000. */
export function f32toI64(a: number, trunc: boolean): number {
  if (isNaN32(a)) { flags |= IE; i64Hi = 0x80000000; return 0; }
  if (isDenorm32(a)) a = daz ? a & 0x80000000 : a;
  const r = toInt(f32(a), trunc, MIN_I64, MAX_I64_EXCL);
  if (r !== r) { flags |= IE; i64Hi = 0x80000000; return 0; }
  return int64Of(r);
}

export function f64toI64(lo: number, hi: number, trunc: boolean): number {
  if (isNaN64(lo, hi)) { flags |= IE; i64Hi = 0x80000000; return 0; }
  if (daz && isDenorm64(lo, hi)) { lo = 0; hi &= 0x80000000; }
  const r = toInt(f64(lo, hi), trunc, MIN_I64, MAX_I64_EXCL);
  if (r !== r) { flags |= IE; i64Hi = 0x80000000; return 0; }
  return int64Of(r);
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
    if ((a & 0x007fffff) !== 0) return (a | 0x00400000) >>> 0; // NaN
    return sign >>> 0; // 1/±inf = ±0
  }
  if (e === 0) return (sign | 0x7f800000) >>> 0; // zero or denormal → ±inf
  const re = 253 - e;
  if (re <= 0) return sign >>> 0;
  return (sign | (re << 23) | (RCP_TABLE[(a >>> 12) & 0x7ff]! << 11)) >>> 0;
}

export function rsqrt32(a: number): number {
  const sign = a & 0x80000000;
  const e = (a >>> 23) & 0xff;
  if (e === 0xff) {
    if ((a & 0x007fffff) !== 0) return (a | 0x00400000) >>> 0;
    return sign ? QNAN32 : 0;
  }
  if (e === 0) return (sign | 0x7f800000) >>> 0;
  if (sign) return QNAN32;
  const idx = ((a >>> 13) & 0x3ff) + ((e & 1) ? 0 : 1024);
  const re = 0x7e - ((e - 0x7f) >> 1);
  return ((re << 23) | (RSQRT_TABLE[idx]! << 11)) >>> 0;
}
