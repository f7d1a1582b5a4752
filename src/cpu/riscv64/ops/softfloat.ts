/**
 * Exact IEEE 754 binary32/binary64 arithmetic on BigInt significands: the reference the fast
 * paths in fp.ts fall back to (any rounding mode other than round-to-nearest-even, results near
 * the underflow threshold, special operands, fused multiply-add). Every function returns the
 * result's bit pattern and leaves the exception flags it raised in `sf.flags`; results that are NaN
 * are RISC-V's canonical NaN.
 */
import { DZ, NV, NX, OF, UF } from '../cpu.js';

export interface Fmt {
  /** Significand bits including the hidden bit. */
  readonly p: number;
  readonly emin: number;
  readonly emax: number;
  readonly bias: number;
  readonly ebits: number;
  readonly canonicalNaN: bigint;
}
export const F32: Fmt = { p: 24, emin: -126, emax: 127, bias: 127, ebits: 8, canonicalNaN: 0x7fc00000n };
export const F64: Fmt = { p: 53, emin: -1022, emax: 1023, bias: 1023, ebits: 11, canonicalNaN: 0x7ff8000000000000n };

export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

/** Flags raised by the last operation. */
export const sf = { flags: 0 };

const enum Kind { Zero, Finite, Inf, QNaN, SNaN }

interface Unpacked {
  sign: boolean;
  kind: Kind;
  /** Value = m * 2^e for Finite. */
  m: bigint;
  e: number;
}

function bitLen(m: bigint): number {
  return m.toString(2).length;
}

export function unpack(f: Fmt, bits: bigint): Unpacked {
  const fb = BigInt(f.p - 1);
  const sign = ((bits >> BigInt(f.p - 1 + f.ebits)) & 1n) === 1n;
  const ex = Number((bits >> fb) & ((1n << BigInt(f.ebits)) - 1n));
  const frac = bits & ((1n << fb) - 1n);
  const emaxField = (1 << f.ebits) - 1;
  if (ex === emaxField) {
    if (frac === 0n) return { sign, kind: Kind.Inf, m: 0n, e: 0 };
    return { sign, kind: (frac >> (fb - 1n)) & 1n ? Kind.QNaN : Kind.SNaN, m: 0n, e: 0 };
  }
  if (ex === 0) return frac === 0n ? { sign, kind: Kind.Zero, m: 0n, e: 0 } : { sign, kind: Kind.Finite, m: frac, e: f.emin - f.p + 1 };
  return { sign, kind: Kind.Finite, m: frac | (1n << fb), e: ex - f.bias - f.p + 1 };
}

function signBit(f: Fmt, sign: boolean): bigint {
  return sign ? 1n << BigInt(f.p - 1 + f.ebits) : 0n;
}

function inf(f: Fmt, sign: boolean): bigint {
  return signBit(f, sign) | (((1n << BigInt(f.ebits)) - 1n) << BigInt(f.p - 1));
}

function maxFinite(f: Fmt, sign: boolean): bigint {
  return inf(f, sign) - 1n;
}

function roundsUp(rm: number, sign: boolean, odd: boolean, rem: bigint, half: bigint): boolean {
  if (rem === 0n) return false;
  switch (rm) {
    case RNE: return rem > half || (rem === half && odd);
    case RTZ: return false;
    case RDN: return sign;
    case RUP: return !sign;
    default: return rem >= half;
  }
}

/** Round sign * m * 2^e (m > 0) to the format. */
export function roundPack(f: Fmt, sign: boolean, m: bigint, e: number, rm: number): bigint {
  if (m === 0n) return signBit(f, sign);
  const L = bitLen(m);
  const p = f.p;
  // tininess is detected after rounding, as if the exponent range were unbounded
  let tiny = e + L - 1 < f.emin;
  if (tiny && e + L - 1 === f.emin - 1 && L > p) {
    const su = L - p;
    let q = m >> BigInt(su);
    const rem = m - (q << BigInt(su));
    if (roundsUp(rm, sign, (q & 1n) === 1n, rem, 1n << BigInt(su - 1))) q++;
    if (q === 1n << BigInt(p)) tiny = false;
  }
  const shift = Math.max(L - p, f.emin - p + 1 - e);
  let q: bigint;
  let inexact = false;
  if (shift <= 0) q = m << BigInt(-shift);
  else {
    q = m >> BigInt(shift);
    const rem = m - (q << BigInt(shift));
    inexact = rem !== 0n;
    if (roundsUp(rm, sign, (q & 1n) === 1n, rem, 1n << BigInt(shift - 1))) q++;
  }
  let qe = e + shift;
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    qe++;
  }
  let flags = inexact ? NX : 0;
  if (inexact && tiny) flags |= UF;
  let bits: bigint;
  if (q >= 1n << BigInt(p - 1)) {
    const E = qe + p - 1;
    if (E > f.emax) {
      flags |= OF | NX;
      const toInf = rm === RNE || rm === RMM || (rm === RUP && !sign) || (rm === RDN && sign);
      sf.flags = flags;
      return toInf ? inf(f, sign) : maxFinite(f, sign);
    }
    bits = signBit(f, sign) | (BigInt(E + f.bias) << BigInt(p - 1)) | (q - (1n << BigInt(p - 1)));
  } else bits = signBit(f, sign) | q;
  sf.flags = flags;
  return bits;
}

function nanResult(f: Fmt, ...xs: Unpacked[]): bigint {
  sf.flags = xs.some((x) => x.kind === Kind.SNaN) ? NV : 0;
  return f.canonicalNaN;
}

function isNaNKind(x: Unpacked): boolean {
  return x.kind === Kind.QNaN || x.kind === Kind.SNaN;
}

function invalid(f: Fmt): bigint {
  sf.flags = NV;
  return f.canonicalNaN;
}

/** Exact sum of two finite-or-zero values, rounded. */
function addExact(f: Fmt, a: Unpacked, b: Unpacked, rm: number): bigint {
  const am = a.kind === Kind.Zero ? 0n : a.m, bm = b.kind === Kind.Zero ? 0n : b.m;
  if (am === 0n && bm === 0n) {
    sf.flags = 0;
    const sign = a.sign === b.sign ? a.sign : rm === RDN;
    return signBit(f, sign);
  }
  const e = Math.min(am === 0n ? Infinity : a.e, bm === 0n ? Infinity : b.e);
  const x = (a.sign ? -am : am) << BigInt(am === 0n ? 0 : a.e - e);
  const y = (b.sign ? -bm : bm) << BigInt(bm === 0n ? 0 : b.e - e);
  const s = x + y;
  if (s === 0n) {
    sf.flags = 0;
    return signBit(f, rm === RDN);
  }
  return roundPack(f, s < 0n, s < 0n ? -s : s, e, rm);
}

export function add(f: Fmt, abits: bigint, bbits: bigint, rm: number, negB: boolean): bigint {
  const a = unpack(f, abits), b = unpack(f, bbits);
  if (negB) b.sign = !b.sign;
  if (isNaNKind(a) || isNaNKind(b)) return nanResult(f, a, b);
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (a.kind === Kind.Inf && b.kind === Kind.Inf && a.sign !== b.sign) return invalid(f);
    sf.flags = 0;
    return inf(f, a.kind === Kind.Inf ? a.sign : b.sign);
  }
  return addExact(f, a, b, rm);
}

export function mul(f: Fmt, abits: bigint, bbits: bigint, rm: number): bigint {
  const a = unpack(f, abits), b = unpack(f, bbits);
  if (isNaNKind(a) || isNaNKind(b)) return nanResult(f, a, b);
  const sign = a.sign !== b.sign;
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (a.kind === Kind.Zero || b.kind === Kind.Zero) return invalid(f);
    sf.flags = 0;
    return inf(f, sign);
  }
  if (a.kind === Kind.Zero || b.kind === Kind.Zero) {
    sf.flags = 0;
    return signBit(f, sign);
  }
  return roundPack(f, sign, a.m * b.m, a.e + b.e, rm);
}

export function div(f: Fmt, abits: bigint, bbits: bigint, rm: number): bigint {
  const a = unpack(f, abits), b = unpack(f, bbits);
  if (isNaNKind(a) || isNaNKind(b)) return nanResult(f, a, b);
  const sign = a.sign !== b.sign;
  if (a.kind === Kind.Inf) {
    if (b.kind === Kind.Inf) return invalid(f);
    sf.flags = 0;
    return inf(f, sign);
  }
  if (b.kind === Kind.Inf) {
    sf.flags = 0;
    return signBit(f, sign);
  }
  if (b.kind === Kind.Zero) {
    if (a.kind === Kind.Zero) return invalid(f);
    sf.flags = DZ;
    return inf(f, sign);
  }
  if (a.kind === Kind.Zero) {
    sf.flags = 0;
    return signBit(f, sign);
  }
  // enough quotient bits for rounding, plus a sticky bit for the remainder
  const k = Math.max(0, f.p + 3 + bitLen(b.m) - bitLen(a.m));
  const n = a.m << BigInt(k);
  let q = n / b.m;
  const r = n - q * b.m;
  q = (q << 1n) | (r !== 0n ? 1n : 0n);
  return roundPack(f, sign, q, a.e - b.e - k - 1, rm);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLen(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(f: Fmt, abits: bigint, rm: number): bigint {
  const a = unpack(f, abits);
  if (isNaNKind(a)) return nanResult(f, a);
  if (a.kind === Kind.Zero) {
    sf.flags = 0;
    return signBit(f, a.sign);
  }
  if (a.sign) return invalid(f);
  if (a.kind === Kind.Inf) {
    sf.flags = 0;
    return inf(f, false);
  }
  let m = a.m, e = a.e;
  if (e % 2 !== 0) {
    m <<= 1n;
    e--;
  }
  let k = Math.max(0, Math.ceil((2 * (f.p + 3) - bitLen(m)) / 2));
  const n = m << BigInt(2 * k);
  const r = isqrt(n);
  const sticky = r * r !== n ? 1n : 0n;
  k += 1;
  return roundPack(f, false, (r << 1n) | sticky, e / 2 - k, rm);
}

/** (a * b) * (negProd ? -1 : 1) + c * (negC ? -1 : 1), rounded once. */
export function fma(f: Fmt, abits: bigint, bbits: bigint, cbits: bigint, negProd: boolean, negC: boolean, rm: number): bigint {
  const a = unpack(f, abits), b = unpack(f, bbits), c = unpack(f, cbits);
  const infTimesZero = (a.kind === Kind.Inf && b.kind === Kind.Zero) || (a.kind === Kind.Zero && b.kind === Kind.Inf);
  if (isNaNKind(a) || isNaNKind(b) || isNaNKind(c)) {
    const r = nanResult(f, a, b, c);
    if (infTimesZero) sf.flags |= NV;
    return r;
  }
  if (infTimesZero) return invalid(f);
  const psign = (a.sign !== b.sign) !== negProd;
  const csign = c.sign !== negC;
  const pInf = a.kind === Kind.Inf || b.kind === Kind.Inf;
  if (pInf || c.kind === Kind.Inf) {
    if (pInf && c.kind === Kind.Inf && psign !== csign) return invalid(f);
    sf.flags = 0;
    return inf(f, pInf ? psign : csign);
  }
  const prod: Unpacked = a.kind === Kind.Zero || b.kind === Kind.Zero
    ? { sign: psign, kind: Kind.Zero, m: 0n, e: 0 }
    : { sign: psign, kind: Kind.Finite, m: a.m * b.m, e: a.e + b.e };
  return addExact(f, prod, { ...c, sign: csign }, rm);
}

/** Format conversion (fcvt.s.d / fcvt.d.s). */
export function convert(to: Fmt, from: Fmt, bits: bigint, rm: number): bigint {
  const a = unpack(from, bits);
  if (isNaNKind(a)) return nanResult(to, a);
  sf.flags = 0;
  if (a.kind === Kind.Inf) return inf(to, a.sign);
  if (a.kind === Kind.Zero) return signBit(to, a.sign);
  return roundPack(to, a.sign, a.m, a.e, rm);
}

/** An integer (exact BigInt) rounded to the format. */
export function fromInt(f: Fmt, v: bigint, rm: number): bigint {
  sf.flags = 0;
  if (v === 0n) return 0n;
  return roundPack(f, v < 0n, v < 0n ? -v : v, 0, rm);
}
