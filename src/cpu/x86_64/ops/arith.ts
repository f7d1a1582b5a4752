/**
 * Integer arithmetic on (lo, hi) uint32 pairs, with x86 flag semantics.
 * Every function returns the low 32 bits of its result and leaves the high half in cpu.outHi.
 * Operands of size 1/2/4 arrive zero-extended in lo with hi = 0.
 */
import { Cpu, FlagOp, CF, PF, ZF, SF, OF, AF } from '../cpu.js';

const TWO32 = 4294967296;

export function maskOf(size: number): number {
  return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
}

export function signBitOf(size: number): number {
  return size === 1 ? 0x80 : size === 2 ? 0x8000 : 0x80000000;
}

/** ALU operation numbers as in the opcode (00-3F rows, group 1 /digit). */
export const ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7;

/**
 * Perform ALU op `kind` on a and b at `size`, set flags; returns result lo (hi in cpu.outHi).
 * Operands may arrive as int32 views and the result leaves as one (x | 0): a uint32 above 2^31
 * crossing a call would be boxed into a heap number by V8. Store it; compare with >>> 0.
 */
export function alu(cpu: Cpu, kind: number, size: number, aLo: number, aHi: number, bLo: number, bHi: number): number {
  aLo >>>= 0; aHi >>>= 0; bLo >>>= 0; bHi >>>= 0;
  let rLo: number;
  let rHi = 0;
  switch (kind) {
    case ALU_ADD: {
      if (size === 8) {
        const s = aLo + bLo;
        rLo = s >>> 0;
        rHi = (aHi + bHi + (s >= TWO32 ? 1 : 0)) >>> 0;
      } else {
        rLo = (aLo + bLo) & maskOf(size);
        if (size === 4) rLo >>>= 0;
      }
      cpu.setFlagsLazy(FlagOp.Add, size, aLo, aHi, bLo, bHi, rLo, rHi);
      break;
    }
    case ALU_ADC: {
      const c = cpu.cf ? 1 : 0;
      if (size === 8) {
        const s = aLo + bLo + c;
        rLo = s >>> 0;
        rHi = (aHi + bHi + (s >= TWO32 ? 1 : 0)) >>> 0;
      } else {
        rLo = (aLo + bLo + c) & maskOf(size);
        if (size === 4) rLo >>>= 0;
      }
      cpu.setFlagsLazy(FlagOp.Adc, size, aLo, aHi, bLo, bHi, rLo, rHi);
      cpu.fCin = c;
      break;
    }
    case ALU_SUB:
    case ALU_CMP: {
      if (size === 8) {
        const d = aLo - bLo;
        rLo = d >>> 0;
        rHi = (aHi - bHi - (d < 0 ? 1 : 0)) >>> 0;
      } else {
        rLo = (aLo - bLo) & maskOf(size);
        if (size === 4) rLo >>>= 0;
      }
      cpu.setFlagsLazy(FlagOp.Sub, size, aLo, aHi, bLo, bHi, rLo, rHi);
      break;
    }
    case ALU_SBB: {
      const c = cpu.cf ? 1 : 0;
      if (size === 8) {
        const d = aLo - bLo - c;
        rLo = d >>> 0;
        rHi = (aHi - bHi - (d < 0 ? 1 : 0)) >>> 0;
      } else {
        rLo = (aLo - bLo - c) & maskOf(size);
        if (size === 4) rLo >>>= 0;
      }
      cpu.setFlagsLazy(FlagOp.Sbb, size, aLo, aHi, bLo, bHi, rLo, rHi);
      cpu.fCin = c;
      break;
    }
    case ALU_AND:
      rLo = (aLo & bLo) >>> 0;
      rHi = (aHi & bHi) >>> 0;
      cpu.setFlagsLogic(size, rLo, rHi);
      break;
    case ALU_OR:
      rLo = (aLo | bLo) >>> 0;
      rHi = (aHi | bHi) >>> 0;
      cpu.setFlagsLogic(size, rLo, rHi);
      break;
    default: // XOR
      rLo = (aLo ^ bLo) >>> 0;
      rHi = (aHi ^ bHi) >>> 0;
      cpu.setFlagsLogic(size, rLo, rHi);
      break;
  }
  cpu.outHi = rHi;
  return rLo | 0;
}

/** INC/DEC keep CF. */
export function incDec(cpu: Cpu, dec: boolean, size: number, aLo: number, aHi: number): number {
  aLo >>>= 0; aHi >>>= 0;
  const savedCf = cpu.cf ? 1 : 0;
  let rLo: number;
  let rHi = 0;
  if (size === 8) {
    if (dec) {
      rLo = (aLo - 1) >>> 0;
      rHi = aLo === 0 ? (aHi - 1) >>> 0 : aHi;
    } else {
      rLo = (aLo + 1) >>> 0;
      rHi = rLo === 0 ? (aHi + 1) >>> 0 : aHi;
    }
  } else {
    rLo = ((dec ? aLo - 1 : aLo + 1) & maskOf(size)) >>> 0;
  }
  cpu.setFlagsLazy(dec ? FlagOp.Dec : FlagOp.Inc, size, aLo, aHi, 1, 0, rLo, rHi);
  cpu.fCin = savedCf;
  cpu.outHi = rHi;
  return rLo | 0;
}

export function neg(cpu: Cpu, size: number, aLo: number, aHi: number): number {
  return alu(cpu, ALU_SUB, size, 0, 0, aLo, aHi);
}

/** Sign-extend a value of `size` bytes held in lo to 64 bits; returns lo, hi in cpu.outHi. */
export function signExtend(cpu: Cpu, size: number, lo: number): number {
  switch (size) {
    case 1: {
      const v = (lo << 24) >> 24;
      cpu.outHi = v < 0 ? 0xffffffff : 0;
      return v >>> 0;
    }
    case 2: {
      const v = (lo << 16) >> 16;
      cpu.outHi = v < 0 ? 0xffffffff : 0;
      return v >>> 0;
    }
    default:
      cpu.outHi = lo & 0x80000000 ? 0xffffffff : 0;
      return lo >>> 0;
  }
}

// ------------------------------------------------------------------ multiplication

/** Scratch for 128-bit results: [w0, w1, w2, w3] little-endian 32-bit words. */
export const wide = new Uint32Array(4);

/**
 * Unsigned 32×32 → 64: returns the low word as a *signed* int32 (so it crosses the call without
 * V8 boxing it into a heap number; callers apply >>> 0), high word (uint32) in cpu.outHi.
 */
export function mul32(cpu: Cpu, a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl;
  const t = al * bh + ah * bl + Math.floor(ll / 65536);
  cpu.outHi = (ah * bh + Math.floor(t / 65536)) >>> 0;
  return Math.imul(a, b);
}

/**
 * Unsigned 64×64 → 128 into `wide`, computed on 16-bit limbs in locals (no calls, so nothing is
 * boxed). Arguments may be passed as int32 (x | 0) by callers for the same reason.
 */
export function mul64(_cpu: Cpu | null, aLo: number, aHi: number, bLo: number, bHi: number): void {
  const a0 = aLo & 0xffff, a1 = (aLo >>> 16) & 0xffff, a2 = aHi & 0xffff, a3 = (aHi >>> 16) & 0xffff;
  const b0 = bLo & 0xffff, b1 = (bLo >>> 16) & 0xffff, b2 = bHi & 0xffff, b3 = (bHi >>> 16) & 0xffff;
  // column sums of 16-bit limb products (each < 4·2^32, exact in doubles)
  let c = a0 * b0;
  const r0 = c % 65536; c = Math.floor(c / 65536);
  c += a0 * b1 + a1 * b0;
  const r1 = c % 65536; c = Math.floor(c / 65536);
  c += a0 * b2 + a1 * b1 + a2 * b0;
  const r2 = c % 65536; c = Math.floor(c / 65536);
  c += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const r3 = c % 65536; c = Math.floor(c / 65536);
  c += a1 * b3 + a2 * b2 + a3 * b1;
  const r4 = c % 65536; c = Math.floor(c / 65536);
  c += a2 * b3 + a3 * b2;
  const r5 = c % 65536; c = Math.floor(c / 65536);
  c += a3 * b3;
  const r6 = c % 65536; c = Math.floor(c / 65536);
  const r7 = c % 65536;
  wide[0] = r0 + r1 * 65536;
  wide[1] = r2 + r3 * 65536;
  wide[2] = r4 + r5 * 65536;
  wide[3] = r6 + r7 * 65536;
}

/** Signed 64×64 → 128 into `wide`. */
export function imul64(cpu: Cpu | null, aLo: number, aHi: number, bLo: number, bHi: number): void {
  mul64(cpu, aLo, aHi, bLo, bHi);
  // callers may pass int32 views: work on the unsigned values
  aLo >>>= 0; aHi >>>= 0; bLo >>>= 0; bHi >>>= 0;
  // signed = unsigned − (a<0 ? b·2^64 : 0) − (b<0 ? a·2^64 : 0)
  let hiLo = wide[2]!, hiHi = wide[3]!;
  if (aHi & 0x80000000) {
    const d = hiLo - bLo;
    hiLo = d >>> 0;
    hiHi = (hiHi - bHi - (d < 0 ? 1 : 0)) >>> 0;
  }
  if (bHi & 0x80000000) {
    const d = hiLo - aLo;
    hiLo = d >>> 0;
    hiHi = (hiHi - aHi - (d < 0 ? 1 : 0)) >>> 0;
  }
  wide[2] = hiLo;
  wide[3] = hiHi;
}

/** Set flags after MUL/IMUL: CF=OF=overflow; SF/ZF/PF from the low result as real CPUs do (undefined architecturally). */
export function setMulFlags(cpu: Cpu, overflow: boolean, size: number, rLo: number, rHi: number): void {
  let bits = overflow ? CF | OF : 0;
  const sign = size === 8 ? rHi & 0x80000000 : rLo & signBitOf(size);
  if (sign) bits |= SF;
  if (Cpu.parity(rLo)) bits |= PF;
  const zero = size === 8 ? rLo === 0 && rHi === 0 : (rLo & maskOf(size)) === 0;
  if (zero) bits |= ZF;
  void AF;
  cpu.setFlagsEager(bits);
}

// ------------------------------------------------------------------ division

/** Results of a division: quotient and remainder as (lo, hi) pairs. */
export const divResult = new Uint32Array(4); // qLo, qHi, rLo, rHi

/**
 * Unsigned 64/64 division without BigInt (the common case). Quotient and remainder go to
 * divResult. d must be non-zero.
 */
function divU64(nLo: number, nHi: number, dLo: number, dHi: number): void {
  if (dHi === 0) {
    // schoolbook on 16-bit digits of the dividend: every intermediate stays below 2^48
    let cur = nHi >>> 16;
    const q3 = Math.floor(cur / dLo); let r = cur - q3 * dLo;
    cur = r * 65536 + (nHi & 0xffff); const q2 = Math.floor(cur / dLo); r = cur - q2 * dLo;
    cur = r * 65536 + (nLo >>> 16); const q1 = Math.floor(cur / dLo); r = cur - q1 * dLo;
    cur = r * 65536 + (nLo & 0xffff); const q0 = Math.floor(cur / dLo); r = cur - q0 * dLo;
    divResult[0] = q1 * 65536 + q0;
    divResult[1] = q3 * 65536 + q2;
    divResult[2] = r;
    divResult[3] = 0;
    return;
  }
  // 64-bit divisor: the quotient fits 32 bits; estimate it in doubles, then correct exactly
  let q = Math.floor((nHi * TWO32 + nLo) / (dHi * TWO32 + dLo));
  if (q > 0xffffffff) q = 0xffffffff;
  for (let k = 0; k < 4; k++) {
    mul64(null, q, 0, dLo, dHi);
    const pLo = wide[0]!, pHi = wide[1]!, over = wide[2]! !== 0;
    if (over || pHi > nHi || (pHi === nHi && pLo > nLo)) { q--; continue; }
    // remainder = n - q·d
    const t = nLo - pLo;
    const rLo = t >>> 0;
    const rHi = (nHi - pHi - (t < 0 ? 1 : 0)) >>> 0;
    if (rHi > dHi || (rHi === dHi && rLo >= dLo)) { q++; continue; }
    divResult[0] = q; divResult[1] = 0;
    divResult[2] = rLo; divResult[3] = rHi;
    return;
  }
  throw new Error('divU64: quotient estimate did not converge');
}

/**
 * Unsigned 128/64 division: dividend (n3:n2:n1:n0), divisor (dHi:dLo).
 * Returns false on #DE (zero divisor or quotient overflow 64 bits).
 */
export function divU128(n0: number, n1: number, n2: number, n3: number, dLo: number, dHi: number): boolean {
  if (dLo === 0 && dHi === 0) return false;
  // quotient must fit 64 bits: high half of dividend < divisor
  if (n3 > dHi || (n3 === dHi && n2 >= dLo)) return false;
  if (n2 === 0 && n3 === 0) {
    divU64(n0 >>> 0, n1 >>> 0, dLo >>> 0, dHi >>> 0);
    return true;
  }
  // a full 128-bit dividend (e.g. __int128 division helpers): rare, BigInt is fine here
  const n = (BigInt(n3) << 96n) | (BigInt(n2) << 64n) | (BigInt(n1) << 32n) | BigInt(n0);
  const d = (BigInt(dHi) << 32n) | BigInt(dLo);
  const q = n / d;
  const r = n % d;
  divResult[0] = Number(q & 0xffffffffn); divResult[1] = Number(q >> 32n);
  divResult[2] = Number(r & 0xffffffffn); divResult[3] = Number(r >> 32n);
  return true;
}

/** Negate a 64-bit value held in divResult[k], divResult[k+1]. */
function negateResult(k: number): void {
  const lo = divResult[k]!, hi = divResult[k + 1]!;
  const nlo = (~lo + 1) >>> 0;
  divResult[k] = nlo;
  divResult[k + 1] = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
}

/** Signed 128/64 division with x86 truncation and overflow rules. */
export function divS128(n0: number, n1: number, n2: number, n3: number, dLo: number, dHi: number): boolean {
  if (dLo === 0 && dHi === 0) return false;
  n0 >>>= 0; n1 >>>= 0; n2 >>>= 0; n3 >>>= 0; dLo >>>= 0; dHi >>>= 0;
  const nNeg = (n1 & 0x80000000) !== 0;
  const ext = nNeg ? 0xffffffff : 0;
  if (n2 === ext && n3 === ext) {
    // the dividend is a sign-extended 64-bit value (CQO): divide magnitudes without BigInt
    let aLo = n0, aHi = n1;
    if (nNeg) { aLo = (~n0 + 1) >>> 0; aHi = (~n1 + (aLo === 0 ? 1 : 0)) >>> 0; }
    const dNeg = (dHi & 0x80000000) !== 0;
    let bLo = dLo, bHi = dHi;
    if (dNeg) { bLo = (~dLo + 1) >>> 0; bHi = (~dHi + (bLo === 0 ? 1 : 0)) >>> 0; }
    divU64(aLo, aHi, bLo, bHi);
    const qNeg = nNeg !== dNeg;
    const qHi = divResult[1]!, qLo = divResult[0]!;
    // |q| must fit: ≤ 2^63−1, or exactly 2^63 when negative
    if (qHi > 0x80000000 || (qHi === 0x80000000 && (qLo !== 0 || !qNeg))) return false;
    if (qNeg) negateResult(0);
    if (nNeg) negateResult(2);
    return true;
  }
  let n = (BigInt(n3) << 96n) | (BigInt(n2) << 64n) | (BigInt(n1) << 32n) | BigInt(n0);
  if (n3 & 0x80000000) n -= 1n << 128n;
  let d = (BigInt(dHi) << 32n) | BigInt(dLo);
  if (dHi & 0x80000000) d -= 1n << 64n;
  const q = n / d; // BigInt division truncates toward zero, as IDIV does
  const r = n % d;
  if (q > 0x7fffffffffffffffn || q < -0x8000000000000000n) return false;
  const qu = BigInt.asUintN(64, q);
  const ru = BigInt.asUintN(64, r);
  divResult[0] = Number(qu & 0xffffffffn); divResult[1] = Number(qu >> 32n);
  divResult[2] = Number(ru & 0xffffffffn); divResult[3] = Number(ru >> 32n);
  return true;
}

/** Signed division for sizes 1/2/4 (dividend fits in 2·size bytes, up to 64 bits). Returns false on #DE. */
export function divSmallSigned(nLo: number, nHi: number, size: number, d: number): boolean {
  // dividend as signed value of 2·size bytes
  let n: number;
  if (size === 4) {
    // 64-bit dividend: exact only below 2^53 in magnitude; else fall back to BigInt path
    const hiS = nHi | 0;
    if (hiS >= -0x200000 && hiS < 0x200000) n = hiS * TWO32 + nLo;
    else return divS128(nLo, nHi, hiS < 0 ? 0xffffffff : 0, hiS < 0 ? 0xffffffff : 0, d, d & 0x80000000 ? 0xffffffff : 0) && fits32();
  } else {
    const bits = size * 16;
    n = nLo;
    if (n >= 2 ** (bits - 1)) n -= 2 ** bits;
  }
  const ds = size === 4 ? d | 0 : size === 2 ? (d << 16) >> 16 : (d << 24) >> 24;
  if (ds === 0) return false;
  let q = Math.trunc(n / ds);
  let r = n - q * ds;
  // correct a possible off-by-one of the double quotient: r must have n's sign and |r| < |ds|
  const ads = Math.abs(ds);
  if (n >= 0) {
    if (r < 0) { q -= Math.sign(ds); r += ads; } else if (r >= ads) { q += Math.sign(ds); r -= ads; }
  } else if (r > 0) { q += Math.sign(ds); r -= ads; } else if (r <= -ads) { q -= Math.sign(ds); r += ads; }
  const lim = 2 ** (size * 8 - 1);
  if (q >= lim || q < -lim) return false;
  divResult[0] = q >>> 0; divResult[1] = 0;
  divResult[2] = r >>> 0; divResult[3] = 0;
  return true;
}

function fits32(): boolean {
  const qLo = divResult[0]!, qHi = divResult[1]!;
  const ok = (qHi === 0 && qLo < 0x80000000) || (qHi === 0xffffffff && qLo >= 0x80000000);
  divResult[1] = 0;
  divResult[3] = 0;
  return ok;
}
