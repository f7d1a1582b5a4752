/**
 * Soft-float for the x87 80-bit extended format, bit-exact with the hardware FPU.
 *
 * A value is an `F80`: `se` = sign (bit 15) and biased exponent (bits 0-14), `hi`/`lo` = the
 * 64-bit significand (explicit integer bit = bit 31 of `hi`) as two uint32 halves. Nothing here
 * goes through a JS floating-point number, so NaN payloads, signed zeros and rounding are exact.
 *
 * Every operation takes an `FpCtx` holding the control word (precision and rounding control) and
 * accumulating the exception flags it raises (`exc`, FSW bit layout: IE DE ZE OE UE PE) and the
 * "rounded up" bit that becomes C1. Exceptions are always given their masked response; whether a
 * flag is masked is the caller's (X87's) business.
 *
 * Hardware facts this follows (checked against a real x87 with test/native/x87ref.c):
 *  - tininess is detected after rounding (at the precision-control width), underflow is flagged
 *    only when the tiny result is also inexact;
 *  - a denormal result is rounded at the same bit position as a normal one of that precision
 *    (the significand is shifted right, not re-rounded to fewer bits from its leading one);
 *  - precision control keeps the 15-bit exponent range;
 *  - NaN operands: unsupported encodings (unnormals, pseudo-NaN/infinity) give the default NaN
 *    with IE; otherwise a QNaN beats an SNaN, two NaNs of the same kind give the one with the
 *    larger significand (equal significands: the positive one), an SNaN is quieted with IE;
 *  - masked overflow gives infinity or the largest finite number of the precision depending on
 *    the rounding direction; C1 is set when the magnitude was rounded up (infinity included).
 *
 * Hot paths (add, sub, mul, div, compare, conversions) use uint32 arithmetic only; BigInt is used
 * for sqrt, the partial remainder and BCD (see transcendental.ts for the rest).
 */

/** Exception flags (FSW bits 0-5). */
export const IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;

/** Rounding control values (FCW bits 10-11). */
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

/** Value classes returned by `classify`. */
export const enum FClass {
  Zero = 0,
  Normal = 1,
  /** Denormal or pseudo-denormal (exponent field 0, significand non-zero). */
  Denormal = 2,
  Inf = 3,
  QNaN = 4,
  SNaN = 5,
  /** Unnormal, pseudo-NaN, pseudo-infinity: operands the FPU rejects with IE. */
  Unsupported = 6,
}

/** Comparison results. */
export const CMP_LT = 0, CMP_EQ = 1, CMP_GT = 2, CMP_UN = 3;

const TWO32 = 4294967296;

/** An 80-bit extended value (mutable, to avoid allocation on hot paths). */
export class F80 {
  // Initialised fields, not parameter properties: with ES2022 class fields a parameter property
  // is first defined as `undefined`, which makes V8 give the field the tagged representation, and
  // then every store of a uint32 >= 2^31 allocates a heap number. Starting from a number keeps
  // the field a (mutable, in-place) double.
  se = 0;
  hi = 0;
  lo = 0;

  constructor(se = 0, hi = 0, lo = 0) {
    this.se = se;
    this.hi = hi;
    this.lo = lo;
  }

  set(o: F80): this {
    this.se = o.se;
    this.hi = o.hi;
    this.lo = o.lo;
    return this;
  }

  setBits(se: number, hi: number, lo: number): this {
    this.se = se & 0xffff;
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** 20 hex digits: sign/exponent (4) then significand (16). */
  toHex(): string {
    return this.se.toString(16).padStart(4, '0') + this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }

  static fromHex(s: string): F80 {
    const t = s.padStart(20, '0');
    return new F80(parseInt(t.slice(0, 4), 16), parseInt(t.slice(4, 12), 16), parseInt(t.slice(12, 20), 16));
  }

  equals(o: F80): boolean {
    return this.se === o.se && this.hi === o.hi && this.lo === o.lo;
  }
}

/** Control word in, exception flags and C1 out. */
export class FpCtx {
  /** FCW: bits 8-9 precision control, 10-11 rounding control. */
  cw = 0x037f;
  /** Exception flags raised (IE..PE), OR-accumulated. */
  exc = 0;
  /** 1 when the last rounding increased the magnitude (becomes C1). */
  c1 = 0;
  /** High half of a 64-bit integer/double result. */
  outHi = 0;

  get rc(): number {
    return (this.cw >>> 10) & 3;
  }

  /** Significand bits for arithmetic results: 24, 53 or 64 (PC=1 is reserved; hardware rounds to 64 bits). */
  get precision(): number {
    const pc = (this.cw >>> 8) & 3;
    return pc === 0 ? 24 : pc === 2 ? 53 : 64;
  }
}

// ---------------------------------------------------------------------------------------------
// classification

/** `hi`/`lo` may be uint32 or int32 views; callers pass `x | 0` so no heap number crosses the call. */
export function classify(se: number, hi: number, lo: number): FClass {
  const exp = se & 0x7fff;
  if (exp === 0) return (hi | lo) === 0 ? FClass.Zero : FClass.Denormal;
  if ((hi & 0x80000000) === 0) return FClass.Unsupported;
  if (exp === 0x7fff) {
    if ((hi & 0x7fffffff) === 0 && lo === 0) return FClass.Inf;
    return (hi & 0x40000000) !== 0 ? FClass.QNaN : FClass.SNaN;
  }
  return FClass.Normal;
}

export function classOf(a: F80): FClass {
  return classify(a.se, a.hi | 0, a.lo | 0);
}

export function isNaNClass(c: FClass): boolean {
  return c === FClass.QNaN || c === FClass.SNaN;
}

/** The x87 default NaN ("real indefinite"). */
export const INDEF_SE = 0xffff, INDEF_HI = 0xc0000000, INDEF_LO = 0;

export function setIndefinite(out: F80): void {
  out.se = INDEF_SE;
  out.hi = INDEF_HI;
  out.lo = INDEF_LO;
}

function setInf(out: F80, sign: number): void {
  out.se = (sign << 15) | 0x7fff;
  out.hi = 0x80000000;
  out.lo = 0;
}

function setZero(out: F80, sign: number): void {
  out.se = sign << 15;
  out.hi = 0;
  out.lo = 0;
}

// ---------------------------------------------------------------------------------------------
// 96-bit working significand wH:wL:wX (bit 95 = integer bit after normalisation); the lowest
// bit of wX doubles as the sticky bit.

// Fields of one object, not `let`s: a module-level binding holding a uint32 >= 2^31 is a heap
// number allocated per store, while a double field of an object is overwritten in place.
const cells = { wH: 0, wL: 0, wX: 0, aH: 0, aL: 0, bH: 0, bL: 0, m32hi: 0, p3: 0, p2: 0, p1: 0, p0: 0 };

/** Shift wH:wL:wX right by n, OR-ing every bit shifted out into bit 0. */
function shiftRightJam(n: number): void {
  if (n <= 0) return;
  if (n >= 96) {
    const nz = (cells.wH | cells.wL | cells.wX) !== 0;
    cells.wH = 0; cells.wL = 0; cells.wX = nz ? 1 : 0;
    return;
  }
  let sticky = 0;
  while (n >= 32) {
    sticky |= cells.wX;
    cells.wX = cells.wL; cells.wL = cells.wH; cells.wH = 0;
    n -= 32;
  }
  if (n > 0) {
    sticky |= cells.wX << (32 - n);
    cells.wX = ((cells.wX >>> n) | (cells.wL << (32 - n))) >>> 0;
    cells.wL = ((cells.wL >>> n) | (cells.wH << (32 - n))) >>> 0;
    cells.wH = cells.wH >>> n;
  }
  if (sticky !== 0) cells.wX = (cells.wX | 1) >>> 0;
}

/** Shift left until bit 95 is set (working value must be non-zero); returns the shift count. */
function normalizeW(): number {
  let s = 0;
  while (cells.wH === 0) {
    cells.wH = cells.wL; cells.wL = cells.wX; cells.wX = 0;
    s += 32;
  }
  const z = Math.clz32(cells.wH);
  if (z !== 0) {
    cells.wH = ((cells.wH << z) | (cells.wL >>> (32 - z))) >>> 0;
    cells.wL = ((cells.wL << z) | (cells.wX >>> (32 - z))) >>> 0;
    cells.wX = (cells.wX << z) >>> 0;
    s += z;
  }
  return s;
}

/** Would rounding the working value at `prec` bits increment it? */
function roundIncrement(prec: number, rc: number, sign: number): { inc: boolean; inexact: boolean } {
  let rbit: number, sticky: boolean, lsb: number;
  if (prec === 64) {
    rbit = cells.wX >>> 31;
    sticky = (cells.wX & 0x7fffffff) !== 0;
    lsb = cells.wL & 1;
  } else if (prec === 53) {
    rbit = (cells.wL >>> 10) & 1;
    sticky = (cells.wL & 0x3ff) !== 0 || cells.wX !== 0;
    lsb = (cells.wL >>> 11) & 1;
  } else {
    rbit = (cells.wH >>> 7) & 1;
    sticky = (cells.wH & 0x7f) !== 0 || cells.wL !== 0 || cells.wX !== 0;
    lsb = (cells.wH >>> 8) & 1;
  }
  const inexact = rbit !== 0 || sticky;
  let inc: boolean;
  switch (rc) {
    case RC_NEAREST: inc = rbit !== 0 && (sticky || lsb !== 0); break;
    case RC_DOWN: inc = inexact && sign !== 0; break;
    case RC_UP: inc = inexact && sign === 0; break;
    default: inc = false;
  }
  RI.inc = inc;
  RI.inexact = inexact;
  return RI;
}
const RI = { inc: false, inexact: false };

/** Are all kept bits (top `prec` bits) of the working significand ones? */
function keptAllOnes(prec: number): boolean {
  if (prec === 64) return cells.wH === 0xffffffff && cells.wL === 0xffffffff;
  if (prec === 53) return cells.wH === 0xffffffff && (cells.wL >>> 11) === 0x1fffff;
  return (cells.wH >>> 8) === 0xffffff;
}

/** Truncate the working significand to `prec` bits and optionally add one unit; returns carry-out. */
function truncInc(prec: number, inc: boolean): boolean {
  cells.wX = 0;
  if (prec === 53) cells.wL = (cells.wL & 0xfffff800) >>> 0;
  else if (prec === 24) { cells.wH = (cells.wH & 0xffffff00) >>> 0; cells.wL = 0; }
  if (!inc) return false;
  if (prec === 64) {
    cells.wL = (cells.wL + 1) >>> 0;
    if (cells.wL !== 0) return false;
    cells.wH = (cells.wH + 1) >>> 0;
    return cells.wH === 0;
  }
  if (prec === 53) {
    const l = cells.wL + 0x800;
    cells.wL = l >>> 0;
    if (l < TWO32) return false;
    cells.wH = (cells.wH + 1) >>> 0;
    return cells.wH === 0;
  }
  const h = cells.wH + 0x100;
  cells.wH = h >>> 0;
  return h >= TWO32;
}

// Results of roundPack.
/** Biased exponent (extended bias 16383) of the result; for a denormal result it equals emin and bit 63 is 0. */
let oExp = 0;
/** Result is infinity (overflow). */
let oInf = false;

/** Extended-format exponent limits. */
const EXT_EMIN = 1, EXT_EMAX = 0x7ffe;

/**
 * Round the working significand wH:wL:wX (value = w * 2^(exp - 16383 - 95)) to `prec` bits with
 * exponent range [emin, emax] (extended-biased), raising PE/UE/OE and setting C1. The result is
 * left in wH:wL (64-bit significand), oExp, oInf.
 */
function roundPack(ctx: FpCtx, sign: number, exp: number, prec: number, emin: number, emax: number, rc: number): void {
  oInf = false;
  if ((cells.wH | cells.wL | cells.wX) === 0) {
    oExp = 0;
    return;
  }
  exp -= normalizeW();
  let tiny = false;
  if (exp < emin) {
    tiny = true;
    // Tininess after rounding: not tiny if rounding with an unbounded exponent reaches 2^emin.
    if (exp === emin - 1 && keptAllOnes(prec) && roundIncrement(prec, rc, sign).inc) tiny = false;
    shiftRightJam(emin - exp);
    exp = emin;
  }
  const r = roundIncrement(prec, rc, sign);
  const inc = r.inc, inexact = r.inexact;
  if (truncInc(prec, inc)) {
    cells.wH = 0x80000000;
    exp++;
  }
  if (exp > emax) {
    ctx.exc |= OE | PE;
    const toInf = rc === RC_NEAREST || (rc === RC_UP && sign === 0) || (rc === RC_DOWN && sign !== 0);
    if (toInf) {
      oInf = true;
      ctx.c1 = 1;
      oExp = 0x7fff;
      cells.wH = 0x80000000; cells.wL = 0;
    } else {
      ctx.c1 = 0;
      oExp = emax;
      cells.wH = 0xffffffff;
      cells.wL = 0xffffffff;
      truncInc(prec, false);
    }
    return;
  }
  if (inexact) {
    ctx.exc |= PE;
    if (tiny) ctx.exc |= UE;
    ctx.c1 = inc ? 1 : 0;
  }
  if ((cells.wH | cells.wL) === 0) exp = 0;
  oExp = exp;
}

/** roundPack for the extended format, writing `out`. */
function packExt(ctx: FpCtx, sign: number, exp: number, prec: number, out: F80): void {
  roundPack(ctx, sign, exp, prec, EXT_EMIN, EXT_EMAX, ctx.rc);
  const e = oInf ? 0x7fff : (cells.wH & 0x80000000) === 0 ? 0 : oExp;
  out.se = (sign << 15) | e;
  out.hi = cells.wH;
  out.lo = cells.wL;
}

// ---------------------------------------------------------------------------------------------
// operand unpacking

// Unpacked operands: sign, effective exponent (denormals: 1), significand.
let aS = 0, aE = 0, bS = 0, bE = 0;

function unpackA(a: F80): void {
  aS = a.se >>> 15;
  aE = a.se & 0x7fff || 1;
  cells.aH = a.hi;
  cells.aL = a.lo;
}

function unpackB(b: F80): void {
  bS = b.se >>> 15;
  bE = b.se & 0x7fff || 1;
  cells.bH = b.hi;
  cells.bL = b.lo;
}

/** Normalise the unpacked A (for mul/div/sqrt); must be non-zero. */
function normA(): void {
  if ((cells.aH & 0x80000000) !== 0) return;
  cells.wH = cells.aH; cells.wL = cells.aL; cells.wX = 0;
  aE -= normalizeW();
  cells.aH = cells.wH; cells.aL = cells.wL;
}

function normB(): void {
  if ((cells.bH & 0x80000000) !== 0) return;
  cells.wH = cells.bH; cells.wL = cells.bL; cells.wX = 0;
  bE -= normalizeW();
  cells.bH = cells.wH; cells.bL = cells.wL;
}

/** Significand comparison (unsigned 64-bit). */
function cmpSig(h1: number, l1: number, h2: number, l2: number): number {
  // callers pass int32 views (no heap numbers across the call)
  h1 >>>= 0; l1 >>>= 0; h2 >>>= 0; l2 >>>= 0;
  if (h1 !== h2) return h1 < h2 ? -1 : 1;
  if (l1 !== l2) return l1 < l2 ? -1 : 1;
  return 0;
}

/**
 * Handle NaN / unsupported operands of a two-operand arithmetic instruction. Returns true when
 * `out` holds the result (a NaN). Raises IE for SNaN and unsupported operands.
 */
function binaryNaN(ctx: FpCtx, a: F80, ca: FClass, b: F80, cb: FClass, out: F80): boolean {
  if (ca === FClass.Unsupported || cb === FClass.Unsupported) {
    ctx.exc |= IE;
    setIndefinite(out);
    return true;
  }
  const an = isNaNClass(ca), bn = isNaNClass(cb);
  if (!an && !bn) return false;
  if (ca === FClass.SNaN || cb === FClass.SNaN) ctx.exc |= IE;
  let pick: F80;
  if (an && bn) {
    if (ca !== cb) pick = ca === FClass.QNaN ? a : b;
    else {
      const c = cmpSig(a.hi | 0, a.lo | 0, b.hi | 0, b.lo | 0);
      pick = c > 0 ? a : c < 0 ? b : a.se <= b.se ? a : b;
    }
  } else pick = an ? a : b;
  out.se = pick.se;
  out.hi = (pick.hi | 0x40000000) >>> 0;
  out.lo = pick.lo;
  return true;
}

/** One-operand NaN handling (sqrt, rndint, ...): returns true when `out` holds the result. */
function unaryNaN(ctx: FpCtx, a: F80, ca: FClass, out: F80): boolean {
  if (ca === FClass.Unsupported) {
    ctx.exc |= IE;
    setIndefinite(out);
    return true;
  }
  if (!isNaNClass(ca)) return false;
  if (ca === FClass.SNaN) ctx.exc |= IE;
  out.se = a.se;
  out.hi = (a.hi | 0x40000000) >>> 0;
  out.lo = a.lo;
  return true;
}

function invalid(ctx: FpCtx, out: F80): void {
  ctx.exc |= IE;
  setIndefinite(out);
}

// ---------------------------------------------------------------------------------------------
// add / sub

/**
 * `den` (arithmetic functions): bit 0 / bit 1 = operand a / b came from a denormal float32/64
 * memory operand (it is normal as an extended value, but the instruction still reports DE).
 */

/** out = a + b (or a - b when `negB`), rounded per ctx (PC and RC). */
export function f80AddSub(ctx: FpCtx, a: F80, b: F80, negB: boolean, out: F80, den = 0): void {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (binaryNaN(ctx, a, ca, b, cb, out)) return;
  if (ca === FClass.Denormal || cb === FClass.Denormal || den !== 0) ctx.exc |= DE;
  ctx.c1 = 0;
  unpackA(a);
  unpackB(b);
  if (negB) bS ^= 1;
  if (ca === FClass.Inf || cb === FClass.Inf) {
    if (ca === FClass.Inf && cb === FClass.Inf && aS !== bS) { invalid(ctx, out); return; }
    setInf(out, ca === FClass.Inf ? aS : bS);
    return;
  }
  const rc = ctx.rc;
  if (ca === FClass.Zero && cb === FClass.Zero) {
    setZero(out, aS === bS ? aS : rc === RC_DOWN ? 1 : 0);
    return;
  }
  // Order so that |A| >= |B|.
  if (aE < bE || (aE === bE && cmpSig(cells.aH | 0, cells.aL | 0, cells.bH | 0, cells.bL | 0) < 0)) {
    let t = aS; aS = bS; bS = t;
    t = aE; aE = bE; bE = t;
    t = cells.aH; cells.aH = cells.bH; cells.bH = t;
    t = cells.aL; cells.aL = cells.bL; cells.bL = t;
  }
  if (cb === FClass.Zero || ca === FClass.Zero) {
    // one operand zero: the other one, rounded to the precision (it may be the B slot after the swap)
    cells.wH = cells.aH; cells.wL = cells.aL; cells.wX = 0;
    packExt(ctx, aS, aE, ctx.precision, out);
    return;
  }
  cells.wH = cells.bH; cells.wL = cells.bL; cells.wX = 0;
  shiftRightJam(aE - bE);
  let exp = aE;
  if (aS === bS) {
    const x = cells.wX;
    const l = cells.aL + cells.wL;
    const lc = l >= TWO32 ? 1 : 0;
    const h = cells.aH + cells.wH + lc;
    cells.wX = x;
    cells.wL = l >>> 0;
    cells.wH = h >>> 0;
    if (h >= TWO32) {
      shiftRightJam(1);
      cells.wH = (cells.wH | 0x80000000) >>> 0;
      exp++;
    }
  } else {
    // A - B, A >= B
    let x = 0 - cells.wX;
    let borrow = 0;
    if (x < 0) { x += TWO32; borrow = 1; }
    let l = cells.aL - cells.wL - borrow;
    borrow = 0;
    if (l < 0) { l += TWO32; borrow = 1; }
    const h = cells.aH - cells.wH - borrow;
    cells.wX = x; cells.wL = l; cells.wH = h >>> 0;
    if ((cells.wH | cells.wL | cells.wX) === 0) {
      setZero(out, rc === RC_DOWN ? 1 : 0);
      return;
    }
  }
  packExt(ctx, aS, exp, ctx.precision, out);
}

export function f80Add(ctx: FpCtx, a: F80, b: F80, out: F80): void {
  f80AddSub(ctx, a, b, false, out);
}

export function f80Sub(ctx: FpCtx, a: F80, b: F80, out: F80): void {
  f80AddSub(ctx, a, b, true, out);
}

// ---------------------------------------------------------------------------------------------
// mul

/** 32x32 -> 64-bit product: low half returned, high half in m32hi. */
function mul32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const t = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  cells.m32hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (t >>> 16)) >>> 0;
  return (t << 16) | (p00 & 0xffff); // int32 view: callers apply >>> 0
}

/** 64x64 -> 128-bit product of (ah:al) and (bh:bl) into p3:p2:p1:p0 (module scratch). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const lll = mul32(al, bl) >>> 0, llh = cells.m32hi;
  const lhl = mul32(al, bh) >>> 0, lhh = cells.m32hi;
  const hll = mul32(ah, bl) >>> 0, hlh = cells.m32hi;
  const hhl = mul32(ah, bh) >>> 0, hhh = cells.m32hi;
  cells.p0 = lll;
  const s1 = llh + lhl + hll;
  cells.p1 = s1 >>> 0;
  const s2 = lhh + hlh + hhl + (s1 - cells.p1) / TWO32;
  cells.p2 = s2 >>> 0;
  cells.p3 = (hhh + (s2 - cells.p2) / TWO32) >>> 0;
}

export function f80Mul(ctx: FpCtx, a: F80, b: F80, out: F80, den = 0): void {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (binaryNaN(ctx, a, ca, b, cb, out)) return;
  if (ca === FClass.Denormal || cb === FClass.Denormal || den !== 0) ctx.exc |= DE;
  ctx.c1 = 0;
  const sign = (a.se ^ b.se) >>> 15;
  if (ca === FClass.Inf || cb === FClass.Inf) {
    if (ca === FClass.Zero || cb === FClass.Zero) { invalid(ctx, out); return; }
    setInf(out, sign);
    return;
  }
  if (ca === FClass.Zero || cb === FClass.Zero) { setZero(out, sign); return; }
  unpackA(a); unpackB(b);
  normA(); normB();
  mul64(cells.aH | 0, cells.aL | 0, cells.bH | 0, cells.bL | 0);
  cells.wH = cells.p3; cells.wL = cells.p2; cells.wX = cells.p0 !== 0 ? (cells.p1 | 1) >>> 0 : cells.p1;
  packExt(ctx, sign, aE + bE - 16382, ctx.precision, out);
}

// ---------------------------------------------------------------------------------------------
// div

// Long division scratch: dividend/remainder digits (radix 2^16) and divisor digits.
const DU = new Float64Array(10);
const DV = new Float64Array(4);
const DQ = new Float64Array(6);

/**
 * Quotient of normalised significands (ah:al) * 2^80 / (bh:bl), by schoolbook division in radix
 * 2^16 (Knuth's algorithm D; all intermediate values are integers below 2^53). The quotient
 * (80 or 81 bits) is left in wH:wL:wX with the "remainder non-zero" sticky in bit 0; its bit 0
 * weighs 2^-80.
 */
function divSig(ah: number, al: number, bh: number, bl: number): void {
  const u = DU, v = DV, q = DQ;
  u.fill(0, 0, 5);
  u[5] = al & 0xffff; u[6] = al >>> 16; u[7] = ah & 0xffff; u[8] = ah >>> 16; u[9] = 0;
  v[0] = bl & 0xffff; v[1] = bl >>> 16; v[2] = bh & 0xffff; v[3] = bh >>> 16;
  const vTop = v[3]! * 65536 + v[2]!;
  for (let j = 5; j >= 0; j--) {
    const num = u[j + 4]! * 4294967296 + u[j + 3]! * 65536 + u[j + 2]!;
    let qh = Math.floor(num / vTop);
    if (qh > 0xffff) qh = 0xffff;
    // u[j..j+4] -= qh * v
    let borrow = 0, carry = 0;
    for (let i = 0; i < 4; i++) {
      const p = qh * v[i]! + carry;
      carry = Math.floor(p / 65536);
      let t = u[j + i]! - (p - carry * 65536) - borrow;
      borrow = 0;
      if (t < 0) { t += 65536; borrow = 1; }
      u[j + i] = t;
    }
    let t = u[j + 4]! - carry - borrow;
    // the estimate is at most 2 too large: add back
    while (t < 0) {
      qh--;
      let c = 0;
      for (let i = 0; i < 4; i++) {
        let x = u[j + i]! + v[i]! + c;
        c = 0;
        if (x >= 65536) { x -= 65536; c = 1; }
        u[j + i] = x;
      }
      t += c;
    }
    u[j + 4] = t;
    q[j] = qh;
  }
  cells.wH = (q[5]! * 65536 + q[4]!) >>> 0;
  cells.wL = (q[3]! * 65536 + q[2]!) >>> 0;
  cells.wX = (q[1]! * 65536 + q[0]!) >>> 0;
  if (u[0]! !== 0 || u[1]! !== 0 || u[2]! !== 0 || u[3]! !== 0) cells.wX = (cells.wX | 1) >>> 0;
}

export function f80Div(ctx: FpCtx, a: F80, b: F80, out: F80, den = 0): void {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (binaryNaN(ctx, a, ca, b, cb, out)) return;
  ctx.c1 = 0;
  const sign = (a.se ^ b.se) >>> 15;
  const aDen = ca === FClass.Denormal || (den & 1) !== 0, bDen = cb === FClass.Denormal || (den & 2) !== 0;
  if (ca === FClass.Inf) {
    if (cb === FClass.Inf) { invalid(ctx, out); return; }
    if (bDen) ctx.exc |= DE;
    setInf(out, sign);
    return;
  }
  if (cb === FClass.Inf) {
    if (aDen) ctx.exc |= DE;
    setZero(out, sign);
    return;
  }
  if (cb === FClass.Zero) {
    // (a denormal dividend is not reported here)
    if (ca === FClass.Zero) { invalid(ctx, out); return; }
    ctx.exc |= ZE;
    setInf(out, sign);
    return;
  }
  if (aDen || bDen) ctx.exc |= DE;
  if (ca === FClass.Zero) { setZero(out, sign); return; }
  unpackA(a); unpackB(b);
  normA(); normB();
  divSig(cells.aH | 0, cells.aL | 0, cells.bH | 0, cells.bL | 0);
  // w bit 0 weighs 2^(Ea - Eb - 80): bit 95 weighs 2^(Ea - Eb + 15)
  packExt(ctx, sign, aE - bE + 16383 + 15, ctx.precision, out);
}

// ---------------------------------------------------------------------------------------------
// sqrt (BigInt: integer square root of a 130-bit radicand)

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // initial guess from the top bits, then Newton (converges from above)
  const bits = n.toString(2).length;
  let x = 1n << BigInt((bits + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function f80Sqrt(ctx: FpCtx, a: F80, out: F80): void {
  const ca = classify(a.se, a.hi | 0, a.lo | 0);
  if (unaryNaN(ctx, a, ca, out)) return;
  ctx.c1 = 0;
  const sign = a.se >>> 15;
  if (ca === FClass.Zero) { out.set(a); return; }
  if (sign !== 0) { invalid(ctx, out); return; }
  if (ca === FClass.Inf) { out.set(a); return; }
  if (ca === FClass.Denormal) ctx.exc |= DE;
  unpackA(a);
  normA();
  // value = m * 2^(E - 63), E = aE - 16383. Radicand m << s with (E - 63 - s) even, ~67-bit root.
  const E = aE - 16383;
  let s = 66;
  if (((E - 63 - s) & 1) !== 0) s++;
  const m = (BigInt(cells.aH) << 32n) | BigInt(cells.aL);
  const rad = m << BigInt(s);
  const root = isqrt(rad);
  const exact = root * root === rad;
  // root has 65 or 66 bits... place it at the top of the 96-bit working value
  const rootBits = root.toString(2).length;
  const shifted = root << BigInt(96 - rootBits);
  cells.wH = Number((shifted >> 64n) & 0xffffffffn);
  cells.wL = Number((shifted >> 32n) & 0xffffffffn);
  cells.wX = Number(shifted & 0xffffffffn);
  if (!exact) cells.wX = (cells.wX | 1) >>> 0;
  // value of root = root * 2^((E - 63 - s)/2); leading bit weight = rootBits - 1 + (E-63-s)/2
  const lead = rootBits - 1 + (E - 63 - s) / 2;
  packExt(ctx, 0, lead + 16383, ctx.precision, out);
}

// ---------------------------------------------------------------------------------------------
// compare

/**
 * Compare a with b: CMP_LT / CMP_EQ / CMP_GT / CMP_UN. `quiet` (fucom*) raises IE only for SNaN
 * and unsupported operands; otherwise any NaN raises IE. DE for denormal operands when ordered.
 */
export function f80Compare(ctx: FpCtx, a: F80, b: F80, quiet: boolean): number {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (ca >= FClass.QNaN || cb >= FClass.QNaN) {
    if (!quiet || ca >= FClass.SNaN || cb >= FClass.SNaN) ctx.exc |= IE;
    return CMP_UN;
  }
  if (ca === FClass.Denormal || cb === FClass.Denormal) ctx.exc |= DE;
  ctx.c1 = 0;
  return compareOrdered(a, ca, b, cb);
}

function compareOrdered(a: F80, ca: FClass, b: F80, cb: FClass): number {
  const sa = a.se >>> 15, sb = b.se >>> 15;
  if (ca === FClass.Zero && cb === FClass.Zero) return CMP_EQ;
  if (ca === FClass.Zero) return sb ? CMP_GT : CMP_LT;
  if (cb === FClass.Zero) return sa ? CMP_LT : CMP_GT;
  if (sa !== sb) return sa ? CMP_LT : CMP_GT;
  // same sign: compare magnitudes (infinity has the largest exponent)
  const ea = a.se & 0x7fff || 1, eb = b.se & 0x7fff || 1;
  let c = ea !== eb ? (ea < eb ? -1 : 1) : cmpSig(a.hi | 0, a.lo | 0, b.hi | 0, b.lo | 0);
  if (sa) c = -c;
  return c < 0 ? CMP_LT : c > 0 ? CMP_GT : CMP_EQ;
}

// ---------------------------------------------------------------------------------------------
// conversions: float32 / float64

/**
 * float32 bits -> extended, exact. A denormal raises DE. An SNaN stays signalling (the caller
 * decides: fld quiets it with IE via `quietLoad`, arithmetic handles it as an operand).
 */
export function f80FromF32(ctx: FpCtx, bits: number, out: F80): void {
  const sign = bits >>> 31;
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (exp === 0xff) {
    out.se = (sign << 15) | 0x7fff;
    out.hi = (0x80000000 | (frac << 8)) >>> 0;
    out.lo = 0;
    return;
  }
  if (exp === 0) {
    if (frac === 0) { setZero(out, sign); return; }
    ctx.exc |= DE;
    // value = frac * 2^-149: normalise
    const z = Math.clz32(frac);
    out.se = (sign << 15) | (16383 - 149 + 31 - z);
    out.hi = (frac << z) >>> 0;
    out.lo = 0;
    return;
  }
  out.se = (sign << 15) | (exp - 127 + 16383);
  out.hi = (0x80000000 | (frac << 8)) >>> 0;
  out.lo = 0;
}

/** float64 (lo, hi halves) -> extended, exact; like f80FromF32. */
export function f80FromF64(ctx: FpCtx, lo: number, hi: number, out: F80): void {
  const sign = hi >>> 31;
  const exp = (hi >>> 20) & 0x7ff;
  const fh = hi & 0xfffff;
  if (exp === 0x7ff) {
    out.se = (sign << 15) | 0x7fff;
    out.hi = (0x80000000 | (fh << 11) | (lo >>> 21)) >>> 0;
    out.lo = (lo << 11) >>> 0;
    return;
  }
  if (exp === 0) {
    if ((fh | lo) === 0) { setZero(out, sign); return; }
    ctx.exc |= DE;
    cells.wH = fh; cells.wL = lo >>> 0; cells.wX = 0;
    // value = (fh:lo) * 2^-1074, with the 64-bit integer (fh:lo) at bits 63..0 of wH:wL
    // the integer's bit 0 sits at bit 32 of w; after normalising, bit 95 weighs 2^(63 - s) units
    const s = normalizeW();
    out.se = (sign << 15) | (16383 - 1074 + 63 - s);
    out.hi = cells.wH;
    out.lo = cells.wL;
    return;
  }
  out.se = (sign << 15) | (exp - 1023 + 16383);
  out.hi = (0x80000000 | (fh << 11) | (lo >>> 21)) >>> 0;
  out.lo = (lo << 11) >>> 0;
}

/** FLD m32/m64 finishing step: an SNaN becomes quiet with IE. */
export function quietLoad(ctx: FpCtx, v: F80): void {
  if (classify(v.se, v.hi | 0, v.lo | 0) === FClass.SNaN) {
    ctx.exc |= IE;
    v.hi = (v.hi | 0x40000000) >>> 0;
  }
}

const F32_EMIN = 16383 - 126, F32_EMAX = 16383 + 127;
const F64_EMIN = 16383 - 1022, F64_EMAX = 16383 + 1023;

/** Extended -> float32 bits, rounded per RC (FST m32). */
export function f80ToF32(ctx: FpCtx, a: F80): number {
  return f80ToF32I(ctx, a) >>> 0;
}

/** f80ToF32 returning the low half as an int32 view (no heap number across the call; apply `>>> 0`). */
export function f80ToF32I(ctx: FpCtx, a: F80): number {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  const sign = a.se >>> 15;
  ctx.c1 = 0;
  switch (c) {
    case FClass.Zero: return (sign << 31) | 0;
    case FClass.Inf: return ((sign << 31) | 0x7f800000) | 0;
    case FClass.Unsupported: ctx.exc |= IE; return 0xffc00000 | 0;
    case FClass.SNaN:
    case FClass.QNaN:
      if (c === FClass.SNaN) ctx.exc |= IE;
      return ((sign << 31) | 0x7fc00000 | ((a.hi >>> 8) & 0x7fffff)) | 0;
    default: break;
  }
  cells.wH = a.hi; cells.wL = a.lo; cells.wX = 0;
  roundPack(ctx, sign, a.se & 0x7fff || 1, 24, F32_EMIN, F32_EMAX, ctx.rc);
  if (oInf) return ((sign << 31) | 0x7f800000) | 0;
  if ((cells.wH & 0x80000000) === 0) return ((sign << 31) | (cells.wH >>> 8)) | 0; // denormal or zero
  return ((sign << 31) | ((oExp - 16383 + 127) << 23) | ((cells.wH >>> 8) & 0x7fffff)) | 0;
}

/** Extended -> float64: returns the low half, high half in ctx.outHi (FST m64). */
export function f80ToF64(ctx: FpCtx, a: F80): number {
  return f80ToF64I(ctx, a) >>> 0;
}

/** f80ToF64 returning the low half as an int32 view (no heap number across the call; apply `>>> 0`). */
export function f80ToF64I(ctx: FpCtx, a: F80): number {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  const sign = a.se >>> 15;
  ctx.c1 = 0;
  switch (c) {
    case FClass.Zero: ctx.outHi = (sign << 31) >>> 0; return 0;
    case FClass.Inf: ctx.outHi = ((sign << 31) | 0x7ff00000) >>> 0; return 0;
    case FClass.Unsupported: ctx.exc |= IE; ctx.outHi = 0xfff80000; return 0;
    case FClass.SNaN:
    case FClass.QNaN:
      if (c === FClass.SNaN) ctx.exc |= IE;
      ctx.outHi = ((sign << 31) | 0x7ff80000 | ((a.hi >>> 11) & 0xfffff)) >>> 0;
      return ((a.hi << 21) | (a.lo >>> 11)) | 0;
    default: break;
  }
  cells.wH = a.hi; cells.wL = a.lo; cells.wX = 0;
  roundPack(ctx, sign, a.se & 0x7fff || 1, 53, F64_EMIN, F64_EMAX, ctx.rc);
  if (oInf) { ctx.outHi = ((sign << 31) | 0x7ff00000) >>> 0; return 0; }
  // 53-bit significand = (wH:wL) >> 11
  const fh = cells.wH >>> 11, fl = ((cells.wH << 21) | (cells.wL >>> 11)) >>> 0;
  if ((cells.wH & 0x80000000) === 0) { ctx.outHi = ((sign << 31) | fh) >>> 0; return fl | 0; }
  ctx.outHi = ((sign << 31) | ((oExp - 16383 + 1023) << 20) | (fh & 0xfffff)) >>> 0;
  return fl | 0;
}

// ---------------------------------------------------------------------------------------------
// conversions: integers

/** int32 (as a uint32 or int32 bit pattern) -> extended, exact. */
export function f80FromI32(v: number, out: F80): void {
  v |= 0;
  if (v === 0) { setZero(out, 0); return; }
  const sign = v < 0 ? 1 : 0;
  const m = sign ? (-v) >>> 0 : v;
  const z = Math.clz32(m);
  out.se = (sign << 15) | (16383 + 31 - z);
  out.hi = (m << z) >>> 0;
  out.lo = 0;
}

/** int64 (two's complement lo/hi halves) -> extended, exact. */
export function f80FromI64(lo: number, hi: number, out: F80): void {
  lo >>>= 0; hi >>>= 0;
  const sign = hi >>> 31;
  if (sign) {
    // negate
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  if ((hi | lo) === 0) { setZero(out, 0); return; }
  cells.wH = hi; cells.wL = lo; cells.wX = 0;
  const s = normalizeW(); // integer bit 0 at bit 32 of w -> bit 95 weighs 2^(63 - s)
  out.se = (sign << 15) | (16383 + 63 - s);
  out.hi = cells.wH;
  out.lo = cells.wL;
}

/**
 * Extended -> integer of `bits` (16, 32, 64), rounded per RC or truncated (`trunc`, fisttp).
 * Returns the low 32 bits (as uint32, sign-extended pattern for 16/32), high half in ctx.outHi.
 * NaN, infinity and out-of-range values give the integer indefinite (0x8000...) with IE.
 */
export function f80ToInt(ctx: FpCtx, a: F80, bits: number, trunc: boolean): number {
  return f80ToIntI(ctx, a, bits, trunc) >>> 0;
}

/** f80ToInt returning the low half as an int32 view (no heap number across the call; apply `>>> 0`). */
export function f80ToIntI(ctx: FpCtx, a: F80, bits: number, trunc: boolean): number {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  const sign = a.se >>> 15;
  ctx.c1 = 0;
  ctx.outHi = 0;
  if (c === FClass.Zero) return 0;
  if (c !== FClass.Normal && c !== FClass.Denormal) return intIndefinite(ctx, bits) | 0;
  const E = (a.se & 0x7fff || 1) - 16383; // weight of bit 63 of the significand
  if (E >= 64) return intIndefinite(ctx, bits) | 0;
  cells.wH = a.hi; cells.wL = a.lo; cells.wX = 0;
  // integer part = significand >> (63 - E); shift into wH:wL with the fraction in wX
  if (E < 63) shiftRightJam(63 - E);
  const r = roundIncrement(64, trunc ? RC_ZERO : ctx.rc, sign);
  const inc = r.inc, inexact = r.inexact;
  let carry = false;
  if (inc) {
    cells.wL = (cells.wL + 1) >>> 0;
    if (cells.wL === 0) { cells.wH = (cells.wH + 1) >>> 0; carry = cells.wH === 0; }
  }
  let lo = cells.wL, hi = cells.wH;
  // range check on the magnitude
  const limitHi = bits === 64 ? 0x80000000 : 0, limitLo = bits === 64 ? 0 : bits === 32 ? 0x80000000 : 0x8000;
  const over = carry || hi > limitHi || (hi === limitHi && lo > limitLo) ||
    (sign === 0 && hi === limitHi && lo === limitLo);
  if (over) return intIndefinite(ctx, bits) | 0;
  if (inexact) {
    ctx.exc |= PE;
    ctx.c1 = inc ? 1 : 0;
  }
  if (sign) {
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  if (bits === 64) { ctx.outHi = hi; return lo | 0; }
  if (bits === 32) return lo | 0;
  return lo & 0xffff;
}

function intIndefinite(ctx: FpCtx, bits: number): number {
  ctx.exc |= IE;
  ctx.c1 = 0;
  if (bits === 64) { ctx.outHi = 0x80000000; return 0; }
  ctx.outHi = 0;
  return bits === 32 ? 0x80000000 : 0x8000;
}

// ---------------------------------------------------------------------------------------------
// rndint, scale, xtract, prem

/** FRNDINT: round to an integer per RC (precision control does not apply). */
export function f80RoundInt(ctx: FpCtx, a: F80, out: F80): void {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  if (unaryNaN(ctx, a, c, out)) return;
  ctx.c1 = 0;
  if (c === FClass.Zero || c === FClass.Inf) { out.set(a); return; }
  if (c === FClass.Denormal) ctx.exc |= DE;
  const sign = a.se >>> 15;
  const E = (a.se & 0x7fff || 1) - 16383;
  if (E >= 63) { out.set(a); return; }
  cells.wH = a.hi; cells.wL = a.lo; cells.wX = 0;
  shiftRightJam(63 - E);
  const r = roundIncrement(64, ctx.rc, sign);
  const inc = r.inc, inexact = r.inexact;
  cells.wX = 0;
  if (inc) {
    cells.wL = (cells.wL + 1) >>> 0;
    if (cells.wL === 0) cells.wH = (cells.wH + 1) >>> 0;
  }
  if (inexact) {
    ctx.exc |= PE;
    ctx.c1 = inc ? 1 : 0;
  }
  if ((cells.wH | cells.wL) === 0) { setZero(out, sign); return; }
  // integer in wH:wL (bit 0 at bit 32 of w): after normalising, bit 95 weighs 2^(63 - s)
  const s = normalizeW();
  out.se = (sign << 15) | (16383 + 63 - s);
  out.hi = cells.wH;
  out.lo = cells.wL;
}

/** Truncate an extended value to an integer clamped to +-2^20 (for FSCALE); null for non-finite. */
function scaleAmount(b: F80): number {
  const E = (b.se & 0x7fff || 1) - 16383;
  const sign = b.se >>> 15;
  if (E < 0) return 0;
  if (E >= 20) return sign ? -(1 << 20) : 1 << 20;
  const n = b.hi >>> (31 - E);
  return sign ? -n : n;
}

/** FSCALE: a * 2^trunc(b). Not affected by precision control. */
export function f80Scale(ctx: FpCtx, a: F80, b: F80, out: F80): void {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (binaryNaN(ctx, a, ca, b, cb, out)) return;
  if (ca === FClass.Denormal || cb === FClass.Denormal) ctx.exc |= DE;
  ctx.c1 = 0;
  const sa = a.se >>> 15, sb = b.se >>> 15;
  if (cb === FClass.Inf) {
    if (sb === 0) {
      if (ca === FClass.Zero) { invalid(ctx, out); return; }
      setInf(out, sa);
    } else {
      if (ca === FClass.Inf) { invalid(ctx, out); return; }
      setZero(out, sa);
    }
    return;
  }
  if (ca === FClass.Zero || ca === FClass.Inf) { out.set(a); return; }
  unpackA(a);
  normA();
  cells.wH = cells.aH; cells.wL = cells.aL; cells.wX = 0;
  roundPack(ctx, sa, aE + scaleAmount(b), 64, EXT_EMIN, EXT_EMAX, ctx.rc);
  const e = oInf ? 0x7fff : (cells.wH & 0x80000000) === 0 ? 0 : oExp;
  out.se = (sa << 15) | e;
  out.hi = cells.wH;
  out.lo = cells.wL;
}

/** FXTRACT: `sig` = significand with exponent 0 (biased 0x3fff), `exp` = unbiased exponent. */
export function f80Xtract(ctx: FpCtx, a: F80, exp: F80, sig: F80): void {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  ctx.c1 = 0;
  if (c === FClass.Unsupported || isNaNClass(c)) {
    unaryNaN(ctx, a, c, sig);
    exp.set(sig);
    return;
  }
  const sign = a.se >>> 15;
  if (c === FClass.Zero) {
    ctx.exc |= ZE;
    setInf(exp, 1);
    setZero(sig, sign);
    return;
  }
  if (c === FClass.Inf) {
    setInf(exp, 0);
    sig.set(a);
    return;
  }
  if (c === FClass.Denormal) ctx.exc |= DE;
  unpackA(a);
  normA();
  f80FromI32(aE - 16383, exp);
  sig.se = (sign << 15) | 0x3fff;
  sig.hi = cells.aH;
  sig.lo = cells.aL;
}

/**
 * FPREM (ieee=false, quotient truncated) / FPREM1 (ieee=true, quotient rounded to nearest).
 * Writes the (partial) remainder to `out` and returns the condition bits as FSW bits:
 * C2 (0x400) = incomplete reduction, else C0 (0x100) = Q2, C3 (0x4000) = Q1, C1 (0x200) = Q0.
 * Returns -1 when the condition codes are not changed (NaN / invalid results).
 */
export function f80Prem(ctx: FpCtx, a: F80, b: F80, ieee: boolean, out: F80): number {
  const ca = classify(a.se, a.hi | 0, a.lo | 0), cb = classify(b.se, b.hi | 0, b.lo | 0);
  if (binaryNaN(ctx, a, ca, b, cb, out)) return -1;
  ctx.c1 = 0;
  if (ca === FClass.Inf || cb === FClass.Zero) { invalid(ctx, out); return -1; }
  if (ca === FClass.Denormal || cb === FClass.Denormal) ctx.exc |= DE;
  if (cb === FClass.Inf || ca === FClass.Zero) {
    out.set(a);
    // a pseudo-denormal dividend comes back normalised (exponent 1)
    if ((a.se & 0x7fff) === 0 && (a.hi & 0x80000000) !== 0) out.se |= 1;
    return 0;
  }
  const sa = a.se >>> 15;
  unpackA(a); unpackB(b);
  normA(); normB();
  const D = aE - bE;
  const ma = (BigInt(cells.aH) << 32n) | BigInt(cells.aL);
  const mb = (BigInt(cells.bH) << 32n) | BigInt(cells.bL);
  let cc: number;
  let R: bigint;
  let rsign = sa;
  let unitExp: number; // biased exponent of the remainder's unit (weight of R's bit 0) + 63
  if (D >= 64) {
    const N = 32 + (D % 32);
    // QQ = trunc((a/b) / 2^(D-N)); r = a - b*QQ*2^(D-N) = 2^(Ea-63-N) * ((ma << N) - mb*QQ)
    const num = ma << BigInt(N);
    const qq = num / mb;
    R = num - qq * mb;
    unitExp = aE - N;
    cc = 0x400;
  } else {
    // both as integers in units of 2^(min(Ea,Eb) - 63)
    let A = ma, B = mb;
    if (D >= 0) A = ma << BigInt(D);
    else B = mb << BigInt(-D);
    let q = A / B;
    R = A - q * B;
    if (ieee) {
      const twoR = R << 1n;
      if (twoR > B || (twoR === B && (q & 1n) === 1n)) {
        q += 1n;
        R = B - R;
        rsign ^= 1;
      }
    }
    unitExp = Math.min(aE, bE);
    const qi = Number(q & 7n);
    cc = ((qi & 4) ? 0x100 : 0) | ((qi & 2) ? 0x4000 : 0) | ((qi & 1) ? 0x200 : 0);
  }
  if (R === 0n) {
    setZero(out, sa);
    return cc;
  }
  // R < 2^64 (at most 64 significant bits): exact; denormal results are exact too
  cells.wH = Number(R >> 32n) >>> 0;
  cells.wL = Number(R & 0xffffffffn);
  cells.wX = 0;
  packExt(ctx, rsign, unitExp, 64, out);
  return cc;
}

// ---------------------------------------------------------------------------------------------
// BCD

/** FBLD: 10-byte packed BCD -> extended (exact). Invalid digits are taken at face value. */
export function f80FromBCD(bytes: Uint8Array, out: F80): void {
  let v = 0n;
  for (let i = 8; i >= 0; i--) {
    const b = bytes[i]!;
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  const sign = bytes[9]! >>> 7;
  if (v === 0n) { setZero(out, sign); return; }
  f80FromBigInt(sign, v, out);
}

function f80FromBigInt(sign: number, v: bigint, out: F80): void {
  const bits = v.toString(2).length; // <= 64 here
  const m = v << BigInt(64 - bits);
  out.se = (sign << 15) | (16383 + bits - 1);
  out.hi = Number(m >> 32n) >>> 0;
  out.lo = Number(m & 0xffffffffn);
}

/**
 * FBSTP: extended -> 10-byte packed BCD, rounded per RC. Out of range, NaN and infinity give the
 * BCD indefinite (bytes 0-6 zero, 0xc0, 0xff, 0xff: the real indefinite pattern) with IE. Writes into `out` (10 bytes).
 */
export function f80ToBCD(ctx: FpCtx, a: F80, out: Uint8Array): void {
  const c = classify(a.se, a.hi | 0, a.lo | 0);
  ctx.c1 = 0;
  const sign = a.se >>> 15;
  out.fill(0);
  if (c === FClass.Zero) { out[9] = sign << 7; return; }
  const indefinite = (): void => {
    ctx.exc |= IE;
    out.fill(0);
    out[7] = 0xc0;
    out[8] = 0xff;
    out[9] = 0xff;
  };
  if (c !== FClass.Normal && c !== FClass.Denormal) { indefinite(); return; }
  // round to integer as fistp does, with a 64-bit range
  const E = (a.se & 0x7fff || 1) - 16383;
  if (E >= 64) { indefinite(); return; }
  cells.wH = a.hi; cells.wL = a.lo; cells.wX = 0;
  if (E < 63) shiftRightJam(63 - E);
  const r = roundIncrement(64, ctx.rc, sign);
  let v = (BigInt(cells.wH) << 32n) | BigInt(cells.wL);
  if (r.inc) v += 1n;
  if (v > 999999999999999999n) { indefinite(); return; }
  if (r.inexact) {
    ctx.exc |= PE;
    ctx.c1 = r.inc ? 1 : 0;
  }
  for (let i = 0; i < 9; i++) {
    const d = Number(v % 100n);
    v /= 100n;
    out[i] = ((Math.floor(d / 10) << 4) | (d % 10)) & 0xff;
  }
  out[9] = sign << 7;
}

// ---------------------------------------------------------------------------------------------
// helpers for other modules (transcendental functions, constants)

/**
 * Round a non-negative BigInt significand `m` times 2^e2 (with `sticky` meaning "the true value is
 * slightly larger than m*2^e2") to extended at 64-bit precision into `out`.
 */
export function f80FromBigScaled(ctx: FpCtx, sign: number, m: bigint, e2: number, sticky: boolean, out: F80, rc = ctx.rc): void {
  if (m === 0n && !sticky) { setZero(out, sign); return; }
  let bits = m.toString(2).length;
  let mm = m;
  let stk = sticky;
  if (bits > 96) {
    const drop = BigInt(bits - 96);
    if ((mm & ((1n << drop) - 1n)) !== 0n) stk = true;
    mm >>= drop;
    e2 += bits - 96;
    bits = 96;
  }
  mm <<= BigInt(96 - bits);
  e2 -= 96 - bits;
  cells.wH = Number(mm >> 64n) >>> 0;
  cells.wL = Number((mm >> 32n) & 0xffffffffn);
  cells.wX = Number(mm & 0xffffffffn);
  if (stk) cells.wX = (cells.wX | 1) >>> 0;
  // value = w * 2^e2, bit 95 weight 2^(95+e2)
  roundPack(ctx, sign, 95 + e2 + 16383, 64, EXT_EMIN, EXT_EMAX, rc);
  const e = oInf ? 0x7fff : (cells.wH & 0x80000000) === 0 ? 0 : oExp;
  out.se = (sign << 15) | e;
  out.hi = cells.wH;
  out.lo = cells.wL;
}

/** Exact value of a finite extended number as m * 2^e (m non-negative BigInt). */
export function f80ToBigScaled(a: F80): { sign: number; m: bigint; e: number } {
  const e = (a.se & 0x7fff || 1) - 16383 - 63;
  return { sign: a.se >>> 15, m: (BigInt(a.hi) << 32n) | BigInt(a.lo), e };
}
