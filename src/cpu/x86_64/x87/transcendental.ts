/**
 * x87 transcendental instructions and constants, computed by fixed software algorithms so that
 * results never depend on the host's libm.
 *
 * Method: the operand is converted exactly to a BigInt fixed-point number with at least ~200
 * significant bits (the number of fraction bits grows for tiny operands so the relative precision
 * stays), the function is evaluated with exact argument reduction (pi to 640 bits) and Taylor /
 * atanh series, and the result is rounded once to 64 bits with the current rounding control.
 * The results are therefore the correctly rounded values (except, in theory, when the exact value
 * lies within ~2^-130 relative of a rounding boundary). Real CPUs are not correctly rounded
 * (they claim < 1 ulp) and reduce trigonometric arguments with a 66-bit (Intel) or wider pi, so
 * the last bit can differ from a given CPU; see docs/x87.md.
 */
import {
  classify, DE, F80, f80FromBigScaled, FClass, type FpCtx, IE, isNaNClass, PE, RC_NEAREST, RC_UP, setIndefinite, UE, ZE,
} from './float80.js';

// ---------------------------------------------------------------------------------------------
// fixed-point constants

const CB = 640;

/** atan(1/n) * 2^fb */
function atanInv(n: bigint, fb: number): bigint {
  const one = 1n << BigInt(fb);
  let term = one / n;
  const n2 = n * n;
  let sum = 0n;
  for (let k = 0n; term !== 0n; k++) {
    const t = term / (2n * k + 1n);
    sum += k % 2n === 0n ? t : -t;
    term /= n2;
  }
  return sum;
}

/** atanh(1/n) * 2^fb */
function atanhInv(n: bigint, fb: number): bigint {
  const one = 1n << BigInt(fb);
  let term = one / n;
  const n2 = n * n;
  let sum = 0n;
  for (let k = 0n; term !== 0n; k++) {
    sum += term / (2n * k + 1n);
    term /= n2;
  }
  return sum;
}

/** pi * 2^CB (Machin), ln2 * 2^CB, ln10 * 2^CB. */
const PI_C = 16n * atanInv(5n, CB + 16) - 4n * atanInv(239n, CB + 16) >> 16n;
const LN2_C = (2n * atanhInv(3n, CB + 16)) >> 16n;
const LN10_C = (3n * 2n * atanhInv(3n, CB + 16) + 2n * atanhInv(9n, CB + 16)) >> 16n;

/** Constant at `fb` fraction bits (fb <= CB), truncated. */
function piFixed(fb: number): bigint {
  return PI_C >> BigInt(CB - fb);
}
function ln2Fixed(fb: number): bigint {
  return fb <= CB ? LN2_C >> BigInt(CB - fb) : LN2_C << BigInt(fb - CB);
}

// ---------------------------------------------------------------------------------------------
// FLD constants

export const CONST_ONE = 0, CONST_L2T = 1, CONST_L2E = 2, CONST_PI = 3, CONST_LG2 = 4, CONST_LN2 = 5, CONST_ZERO = 6;

interface ConstVal { se: number; hi: number; lo: number; /** exact value lies above the truncated 64 bits */ up: boolean; half: boolean }

function makeConst(v: bigint, fb: number): ConstVal {
  // v * 2^-fb, positive, irrational: truncate to 64 bits, remember rounding info
  const bits = v.toString(2).length;
  const shift = bits - 64;
  const m = v >> BigInt(shift);
  const rest = v - (m << BigInt(shift));
  const halfBit = 1n << BigInt(shift - 1);
  const exp = bits - 1 - fb;
  return {
    se: 16383 + exp,
    hi: Number(m >> 32n),
    lo: Number(m & 0xffffffffn),
    up: rest !== 0n,
    half: rest >= halfBit,
  };
}

const CONSTS: (ConstVal | null)[] = [
  null,
  makeConst((LN10_C << BigInt(CB)) / LN2_C, CB), // log2(10)
  makeConst((1n << BigInt(2 * CB)) / LN2_C, CB), // log2(e)
  makeConst(PI_C, CB),
  makeConst((LN2_C << BigInt(CB)) / LN10_C, CB), // log10(2)
  makeConst(LN2_C, CB),
  null,
];

/**
 * FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ. The irrational constants are rounded from the
 * exact value per RC (precision control does not apply) and do not raise PE, as on hardware.
 */
export function loadConstant(ctx: FpCtx, which: number, out: F80): void {
  if (which === CONST_ONE) { out.setBits(0x3fff, 0x80000000, 0); return; }
  if (which === CONST_ZERO) { out.setBits(0, 0, 0); return; }
  const c = CONSTS[which]!;
  const rc = ctx.rc;
  const inc = rc === RC_NEAREST ? c.half : rc === RC_UP ? c.up : false;
  let hi = c.hi, lo = c.lo, se = c.se;
  if (inc) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) {
      hi = (hi + 1) >>> 0;
      if (hi === 0) { hi = 0x80000000; se++; }
    }
  }
  out.setBits(se, hi, lo);
}

// ---------------------------------------------------------------------------------------------
// helpers

/** Exact operand as sign, m (BigInt) and e, value = m * 2^e; E = exponent of the leading bit. */
interface Exact { sign: number; m: bigint; e: number; E: number }

function exact(a: F80): Exact {
  let m = (BigInt(a.hi) << 32n) | BigInt(a.lo);
  const e = (a.se & 0x7fff || 1) - 16383 - 63;
  const bits = m === 0n ? 0 : m.toString(2).length;
  if (m === 0n) m = 0n;
  return { sign: a.se >>> 15, m, e, E: e + bits - 1 };
}

/** |x| as fixed point with fb fraction bits (truncated). */
function toFixed(x: Exact, fb: number): bigint {
  const s = x.e + fb;
  return s >= 0 ? x.m << BigInt(s) : x.m >> BigInt(-s);
}

/** a * b * 2^-fb, truncated toward zero (so that series terms of either sign reach 0). */
function mulFix(a: bigint, b: bigint, fb: number): bigint {
  const p = a * b;
  return p >= 0n ? p >> BigInt(fb) : -((-p) >> BigInt(fb));
}

/** Round the fixed-point value v * 2^-fb (signed) into out; inexact (PE) always. */
function roundFixed(ctx: FpCtx, v: bigint, fb: number, out: F80): void {
  const sign = v < 0n ? 1 : 0;
  const mag = v < 0n ? -v : v;
  f80FromBigScaled(ctx, sign, mag, -fb, true, out);
  ctx.exc |= PE;
}

/** Report an (exact) result as inexact, as the hardware does: PE, and UE when it is tiny. */
function forceInexact(ctx: FpCtx, out: F80): void {
  ctx.exc |= PE;
  if ((out.se & 0x7fff) === 0 && (out.hi | out.lo) !== 0) ctx.exc |= UE;
}

function setNaNFrom(ctx: FpCtx, a: F80, out: F80): void {
  if (classify(a.se, a.hi | 0, a.lo | 0) === FClass.SNaN) ctx.exc |= IE;
  out.setBits(a.se, a.hi | 0x40000000, a.lo);
}

/** Two-operand NaN selection (same rules as float80's arithmetic). Returns true if handled. */
function nan2(ctx: FpCtx, a: F80, b: F80, out: F80): boolean {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (ca === FClass.Unsupported || cb === FClass.Unsupported) { ctx.exc |= IE; setIndefinite(out); return true; }
  const an = isNaNClass(ca), bn = isNaNClass(cb);
  if (!an && !bn) return false;
  if (ca === FClass.SNaN || cb === FClass.SNaN) ctx.exc |= IE;
  let p: F80;
  if (an && bn) {
    if (ca !== cb) p = ca === FClass.QNaN ? a : b;
    else if (a.hi !== b.hi) p = a.hi > b.hi ? a : b;
    else if (a.lo !== b.lo) p = a.lo > b.lo ? a : b;
    else p = a.se <= b.se ? a : b;
  } else p = an ? a : b;
  out.setBits(p.se, p.hi | 0x40000000, p.lo);
  return true;
}

// ---------------------------------------------------------------------------------------------
// series (fixed point, fb fraction bits)

function sinSeries(r: bigint, fb: number): bigint {
  const r2 = mulFix(r, r, fb);
  let term = r, sum = r;
  for (let k = 1n; term !== 0n; k++) {
    term = -mulFix(term, r2, fb) / ((2n * k) * (2n * k + 1n));
    sum += term;
  }
  return sum;
}

function cosSeries(r: bigint, fb: number): bigint {
  const one = 1n << BigInt(fb);
  const r2 = mulFix(r, r, fb);
  let term = one, sum = one;
  for (let k = 1n; term !== 0n; k++) {
    term = -mulFix(term, r2, fb) / ((2n * k - 1n) * (2n * k));
    sum += term;
  }
  return sum;
}

/** atan(t) for 0 <= t <= 1. */
function atanFixed(t: bigint, fb: number): bigint {
  const one = 1n << BigInt(fb);
  // two halvings: atan(t) = 2 atan(t / (1 + sqrt(1 + t^2)))
  let halvings = 0n;
  for (let i = 0; i < 3; i++) {
    const s = isqrt(one * one + t * t);
    t = (t << BigInt(fb)) / (one + s);
    halvings++;
  }
  const t2 = mulFix(t, t, fb);
  let term = t, sum = t;
  for (let k = 1n; term !== 0n; k++) {
    term = -mulFix(term, t2, fb);
    sum += term / (2n * k + 1n);
  }
  return sum << halvings;
}

/** atanh(z) for |z| <= 1/2. */
function atanhFixed(z: bigint, fb: number): bigint {
  const z2 = mulFix(z, z, fb);
  let term = z, sum = z;
  for (let k = 1n; term !== 0n; k++) {
    term = mulFix(term, z2, fb);
    sum += term / (2n * k + 1n);
  }
  return sum;
}

/** expm1(u) for |u| <= 1. */
function expm1Fixed(u: bigint, fb: number): bigint {
  let term = u, sum = u;
  for (let k = 2n; term !== 0n; k++) {
    term = mulFix(term, u, fb) / k;
    sum += term;
  }
  return sum;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// ---------------------------------------------------------------------------------------------
// FSIN / FCOS / FSINCOS / FPTAN

/**
 * The x87's internal pi for argument reduction: 66 significant bits (0xC90FDAA22168C234C * 2^-66,
 * pi rounded to nearest at 66 bits). Reducing with it (exactly) reproduces the hardware's
 * behaviour near multiples of pi, e.g. fsin(FLDPI) = -2^-64.
 */
const PI66 = 0xc90fdaa22168c234cn;

/**
 * Reduce x by PI66/2 exactly (no reduction below 1/2) and convert the reduced argument r to fixed
 * point. The number of fraction bits grows with -log2|r| three times over, so that the r^2 and r^3
 * terms of the series are always represented: sin r, tan r and cos r of a tiny r then land on the
 * correct side of the rounding boundary (r itself, resp. 1).
 */
function reduceTrig(x: Exact): { r: bigint; fb: number; q: number } {
  let R: bigint, scale: number, q = 0;
  if (x.E < -1) {
    R = x.m;
    scale = -x.e;
  } else {
    // units of 2^-u, so that both x and PI66/2 are integers
    const u = Math.max(67, -x.e);
    const X = x.m << BigInt(x.e + u);
    const halfPi = PI66 << BigInt(u - 67);
    const k = (X + (halfPi >> 1n)) / halfPi;
    R = X - k * halfPi;
    scale = u;
    q = Number(k & 3n);
  }
  const mag = R < 0n ? -R : R;
  const Er = mag.toString(2).length - 1 - scale;
  const fb = 200 + 3 * Math.max(0, -Er);
  const sh = fb - scale;
  const r = sh >= 0 ? R << BigInt(sh) : R < 0n ? -((-R) >> BigInt(-sh)) : R >> BigInt(-sh);
  return { r, fb, q };
}

/** Common special cases of FSIN/FCOS/FSINCOS/FPTAN; returns true when handled (out set). */
function trigSpecial(ctx: FpCtx, a: F80, c: FClass, out: F80): boolean {
  if (c === FClass.Unsupported || c === FClass.Inf) { ctx.exc |= IE; setIndefinite(out); return true; }
  if (isNaNClass(c)) { setNaNFrom(ctx, a, out); return true; }
  return false;
}

/**
 * sin (and cos into `cosOut` when given) of `a`; returns false when |a| >= 2^63 (C2 = 1, no
 * result). Handles NaN/inf/denormal operands.
 */
export function f80SinCos(ctx: FpCtx, a: F80, sinOut: F80, cosOut: F80 | null): boolean {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  if (trigSpecial(ctx, a, c, sinOut)) {
    if (cosOut) cosOut.set(sinOut);
    return true;
  }
  if (c === FClass.Zero) {
    sinOut.set(a);
    if (cosOut) cosOut.setBits(0x3fff, 0x80000000, 0);
    return true;
  }
  const x = exact(a);
  if (x.E >= 63) return false;
  if (c === FClass.Denormal) ctx.exc |= DE;
  const { r, fb, q } = reduceTrig(x);
  const s = sinSeries(r, fb), co = cosSeries(r, fb);
  const sv = [s, co, -s, -co][q]!;
  roundFixed(ctx, x.sign ? -sv : sv, fb, sinOut);
  if (cosOut) {
    const cv = [co, -s, -co, s][q]!;
    roundFixed(ctx, cv, fb, cosOut);
  }
  return true;
}

export function f80Cos(ctx: FpCtx, a: F80, out: F80): boolean {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  if (trigSpecial(ctx, a, c, out)) return true;
  if (c === FClass.Zero) { out.setBits(0x3fff, 0x80000000, 0); return true; }
  const x = exact(a);
  if (x.E >= 63) return false;
  if (c === FClass.Denormal) ctx.exc |= DE;
  const { r, fb, q } = reduceTrig(x);
  const v = (q & 1) === 0 ? cosSeries(r, fb) : sinSeries(r, fb);
  roundFixed(ctx, q === 0 || q === 3 ? v : -v, fb, out);
  return true;
}

/** FPTAN's tangent (the caller pushes 1.0). Returns false when |a| >= 2^63. */
export function f80Tan(ctx: FpCtx, a: F80, out: F80): boolean {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  if (trigSpecial(ctx, a, c, out)) return true;
  if (c === FClass.Zero) { out.set(a); return true; }
  const x = exact(a);
  if (x.E >= 63) return false;
  if (c === FClass.Denormal) ctx.exc |= DE;
  const { r, fb, q } = reduceTrig(x);
  const s = sinSeries(r, fb), co = cosSeries(r, fb);
  // tan = s/c (q even) or -c/s (q odd)
  const t = (q & 1) === 0 ? (s << BigInt(fb)) / co : -((co << BigInt(fb)) / s);
  roundFixed(ctx, x.sign ? -t : t, fb, out);
  return true;
}

// ---------------------------------------------------------------------------------------------
// FPATAN

/** atan2(y, x) with the FPATAN special cases; y = ST(1), x = ST(0). */
export function f80Atan2(ctx: FpCtx, y: F80, x: F80, out: F80): void {
  if (nan2(ctx, y, x, out)) return;
  const cy = classify(y.se, y.hi | 0, y.lo | 0), cx = classify(x.se, x.hi | 0, x.lo | 0);
  if (cy === FClass.Denormal || cx === FClass.Denormal) ctx.exc |= DE;
  const sy = y.se >>> 15, sx = x.se >>> 15;
  const fbC = 200;
  const piF = piFixed(fbC);
  // special cases giving 0, pi/2, pi, pi/4, 3pi/4
  if (cy === FClass.Zero) {
    if (sx === 0) { out.setBits(sy << 15, 0, 0); return; }
    roundFixed(ctx, sy ? -piF : piF, fbC, out);
    return;
  }
  if (cy === FClass.Inf) {
    let v: bigint;
    if (cx === FClass.Inf) v = sx === 0 ? piF >> 2n : (3n * piF) >> 2n;
    else v = piF >> 1n;
    roundFixed(ctx, sy ? -v : v, fbC, out);
    return;
  }
  if (cx === FClass.Inf) {
    if (sx === 0) { out.setBits(sy << 15, 0, 0); return; }
    roundFixed(ctx, sy ? -piF : piF, fbC, out);
    return;
  }
  if (cx === FClass.Zero) {
    const v = piF >> 1n;
    roundFixed(ctx, sy ? -v : v, fbC, out);
    return;
  }
  const ey = exact(y), ex = exact(x);
  // t = |y| / |x|
  const swap = ey.E > ex.E || (ey.E === ex.E && ey.m * (1n << BigInt(Math.max(0, ey.e - ex.e))) > ex.m * (1n << BigInt(Math.max(0, ex.e - ey.e))));
  const num = swap ? ex : ey, den = swap ? ey : ex; // num/den <= 1 (or just above: handled by atan domain)
  const Et = num.E - den.E;
  const fb = 200 + 3 * Math.max(0, -Et); // atan t = t - t^3/3...: keep the cubic term for tiny t
  // t = num.m*2^num.e / (den.m*2^den.e) in fixed fb
  const sh = num.e - den.e + fb;
  let t = sh >= 0 ? (num.m << BigInt(sh)) / den.m : num.m / (den.m << BigInt(-sh));
  const one = 1n << BigInt(fb);
  if (t > one) t = one;
  let v = atanFixed(t, fb);
  const pi = piFixed(fb);
  if (swap) v = (pi >> 1n) - v;
  if (sx) v = pi - v;
  roundFixed(ctx, sy ? -v : v, fb, out);
}

// ---------------------------------------------------------------------------------------------
// F2XM1

/** 2^x - 1 (defined for |x| <= 1). */
export function f80F2xm1(ctx: FpCtx, a: F80, out: F80): void {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  if (c === FClass.Unsupported) { ctx.exc |= IE; setIndefinite(out); return; }
  if (isNaNClass(c)) { setNaNFrom(ctx, a, out); return; }
  const sign = a.se >>> 15;
  if (c === FClass.Zero) { out.set(a); return; }
  if (c === FClass.Inf) {
    if (sign) out.setBits(0xbfff, 0x80000000, 0);
    else out.set(a);
    return;
  }
  if (c === FClass.Denormal) ctx.exc |= DE;
  const x = exact(a);
  if (x.E >= 0) {
    // Hardware (checked on AMD): f2xm1(1) is computed as 1 - tiny, f2xm1(-1) = -0.5 (both with PE);
    // outside [-1, 1] the operand is returned unchanged with PE.
    ctx.exc |= PE;
    if (x.E === 0 && x.m === 1n << 63n) {
      if (sign) out.setBits(0xbffe, 0x80000000, 0);
      else f80FromBigScaled(ctx, 0, (1n << 200n) - 1n, -200, true, out);
    } else out.set(a);
    return;
  }
  const fb = 200 + Math.max(0, -x.E);
  const X = toFixed(x, fb);
  const u = mulFix(sign ? -X : X, ln2Fixed(fb), fb);
  roundFixed(ctx, expm1Fixed(u, fb), fb, out);
}

// ---------------------------------------------------------------------------------------------
// FYL2X / FYL2XP1

/** log2 of a finite positive x as fixed point with fb bits; also tells whether it is exact. */
function log2Fixed(x: Exact, fb: number): { v: bigint; exact: boolean } {
  // x = m * 2^e; write x = 2^k * z with z in [sqrt(1/2), sqrt(2))
  const bits = x.m.toString(2).length;
  let k = x.e + bits - 1;
  // z = m / 2^(bits-1) as fixed gb
  const gb = fb + 8;
  let z = (x.m << BigInt(gb)) >> BigInt(bits - 1);
  const one = 1n << BigInt(gb);
  // sqrt(2) threshold: z >= sqrt(2)  <=>  z^2 >= 2
  if (z * z >= 2n * one * one) { z >>= 1n; k += 1; }
  if (z === one) return { v: BigInt(k) << BigInt(fb), exact: true };
  const w = ((z - one) << BigInt(gb)) / (z + one);
  const ln = 2n * atanhFixed(w, gb);
  const l2 = (ln << BigInt(gb)) / ln2Fixed(gb);
  return { v: ((BigInt(k) << BigInt(gb)) + l2) >> 8n, exact: false };
}

/** y * log2(x): x = ST(0), y = ST(1). */
export function f80Yl2x(ctx: FpCtx, x: F80, y: F80, out: F80): void {
  if (nan2(ctx, x, y, out)) return;
  const cx = classify(x.se, x.hi | 0, x.lo | 0), cy = classify(y.se, y.hi | 0, y.lo | 0);
  const sx = x.se >>> 15, sy = y.se >>> 15;
  if (sx && cx !== FClass.Zero) { ctx.exc |= IE; setIndefinite(out); return; }
  if (cx === FClass.Zero) {
    // log2(0) = -inf: ZE (a denormal y is not reported)
    if (cy === FClass.Zero) { ctx.exc |= IE; setIndefinite(out); return; }
    if (cy !== FClass.Inf) ctx.exc |= ZE;
    out.setBits(((sy ^ 1) << 15) | 0x7fff, 0x80000000, 0);
    return;
  }
  if (cx === FClass.Denormal || cy === FClass.Denormal) ctx.exc |= DE;
  if (cx === FClass.Inf) {
    if (cy === FClass.Zero) { ctx.exc |= IE; setIndefinite(out); return; }
    out.setBits((sy << 15) | 0x7fff, 0x80000000, 0);
    return;
  }
  const ex = exact(x);
  const isOne = ex.E === 0 && ex.m === 1n << 63n;
  if (cy === FClass.Inf) {
    if (isOne) { ctx.exc |= IE; setIndefinite(out); return; }
    const neg = ex.E < 0 ? 1 : 0; // log2 negative
    out.setBits(((sy ^ neg) << 15) | 0x7fff, 0x80000000, 0);
    return;
  }
  if (cy === FClass.Zero || isOne) {
    const neg = ex.E < 0 ? 1 : 0;
    out.setBits((sy ^ neg) << 15, 0, 0);
    return;
  }
  const ey = exact(y);
  const fb = 300;
  const l = log2Fixed(ex, fb);
  const neg = l.v < 0n ? 1 : 0;
  const mag = neg ? -l.v : l.v;
  f80FromBigScaled(ctx, sy ^ neg, ey.m * mag, ey.e - fb, !l.exact, out);
  forceInexact(ctx, out); // the hardware reports PE even for exact results (x a power of two)
}

/** y * log2(x + 1): x = ST(0), y = ST(1). */
export function f80Yl2xp1(ctx: FpCtx, x: F80, y: F80, out: F80): void {
  if (nan2(ctx, x, y, out)) return;
  const cx = classify(x.se, x.hi | 0, x.lo | 0), cy = classify(y.se, y.hi | 0, y.lo | 0);
  const sx = x.se >>> 15, sy = y.se >>> 15;
  if (cx === FClass.Denormal || cy === FClass.Denormal) ctx.exc |= DE;
  // invalid operations report IE alone (no DE)
  const invalidOp = (): void => { ctx.exc = (ctx.exc & ~DE) | IE; setIndefinite(out); };
  if (cx === FClass.Zero) {
    if (cy === FClass.Inf) { invalidOp(); return; }
    out.setBits((sx ^ sy) << 15, 0, 0);
    return;
  }
  const ex = exact(x);
  if (cx === FClass.Inf) {
    if (sx) { invalidOp(); return; }
    if (cy === FClass.Zero) { invalidOp(); return; }
    out.setBits((sy << 15) | 0x7fff, 0x80000000, 0);
    return;
  }
  // x <= -1 (outside the domain): the hardware (AMD) returns x with PE (-y for a zero or infinite y)
  if (sx && ex.E >= 0) {
    if (cy === FClass.Inf) { out.setBits(((sy ^ 1) << 15) | 0x7fff, 0x80000000, 0); return; }
    if (cy === FClass.Zero) { out.setBits((sy ^ 1) << 15, 0, 0); return; }
    ctx.exc |= PE;
    out.set(x);
    return;
  }
  if (cy === FClass.Inf) {
    out.setBits(((sy ^ sx) << 15) | 0x7fff, 0x80000000, 0);
    return;
  }
  if (cy === FClass.Zero) { out.setBits((sy ^ sx) << 15, 0, 0); return; }
  const ey = exact(y);
  const fb = 200 + Math.max(0, -ex.E);
  const gb = fb + 8;
  const X = toFixed(ex, gb);
  const one = 1n << BigInt(gb);
  const xs = sx ? -X : X;
  if (ex.E >= -2) {
    // |x| >= 1/4: log2(1 + x) with 1 + x formed exactly (x has at most 63 - E <= gb fraction bits)
    const sum = one + xs;
    const l = log2Fixed({ sign: 0, m: sum, e: -gb, E: 0 }, fb);
    const mag = l.v < 0n ? -l.v : l.v;
    f80FromBigScaled(ctx, sy ^ (l.v < 0n ? 1 : 0), ey.m * mag, ey.e - fb, !l.exact, out);
    forceInexact(ctx, out);
    return;
  }
  // |x| small: ln(1+x) = 2 atanh(x / (x + 2))
  const w = (xs << BigInt(gb)) / (xs + 2n * one);
  const ln = 2n * atanhFixed(w, gb);
  const l2 = ((ln << BigInt(gb)) / ln2Fixed(gb)) >> 8n;
  const mag = l2 < 0n ? -l2 : l2;
  f80FromBigScaled(ctx, sy ^ (l2 < 0n ? 1 : 0), ey.m * mag, ey.e - fb, true, out);
  ctx.exc |= PE;
}
