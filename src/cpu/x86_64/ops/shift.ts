/**
 * Shifts and rotates (group 2: C0 C1 D0-D3) and double shifts (SHLD/SHRD).
 * A masked count of 0 changes neither the operand nor any flag.
 */
import { Cpu, CF, OF, PF, ZF, SF, RCX } from '../cpu.js';
import type { Insn } from '../insn.js';
import { maskOf } from './arith.js';

/**
 * Shift helpers leave the result's high half and the carry-out in a typed array (a module `let`
 * holding a uint32 would box it into a heap number on every store) and return the low half as a
 * signed int32 for the same reason; callers apply >>> 0.
 */
const scratch = new Int32Array(2);
const HI = 0, CARRY = 1;

function shl64(lo: number, hi: number, n: number): number {
  if (n < 32) {
    scratch[CARRY] = (hi >>> (32 - n)) & 1;
    scratch[HI] = ((hi << n) | (lo >>> (32 - n))) >>> 0;
    return (lo << n) | 0;
  }
  if (n === 32) {
    scratch[CARRY] = hi & 1;
    scratch[HI] = lo;
    return 0;
  }
  scratch[CARRY] = (lo >>> (64 - n)) & 1;
  scratch[HI] = (lo << (n - 32)) >>> 0;
  return 0;
}

function shr64(lo: number, hi: number, n: number, arithmetic: boolean): number {
  const fill = arithmetic && (hi & 0x80000000) ? 0xffffffff : 0;
  if (n < 32) {
    scratch[CARRY] = (lo >>> (n - 1)) & 1;
    scratch[HI] = arithmetic ? (hi >> n) >>> 0 : hi >>> n;
    return ((lo >>> n) | (hi << (32 - n))) | 0;
  }
  if (n === 32) {
    scratch[CARRY] = lo >>> 31;
    scratch[HI] = fill;
    return hi | 0;
  }
  scratch[CARRY] = n === 33 ? hi & 1 : ((arithmetic ? hi >> (n - 33) : hi >>> (n - 33)) & 1);
  scratch[HI] = fill;
  return (arithmetic ? hi >> (n - 32) : hi >>> (n - 32)) | 0;
}

function resultFlags(size: number, lo: number, hi: number): number {
  let f = 0;
  const zero = size === 8 ? lo === 0 && hi === 0 : (lo & maskOf(size)) === 0;
  if (zero) f |= ZF;
  const sign = size === 8 ? hi >>> 31 : (lo >>> (size * 8 - 1)) & 1;
  if (sign) f |= SF;
  if (Cpu.parity(lo)) f |= PF;
  return f;
}

function msb(size: number, lo: number, hi: number): number {
  return size === 8 ? hi >>> 31 : (lo >>> (size * 8 - 1)) & 1;
}

function shiftCount(cpu: Cpu, i: Insn): number {
  const raw = i.aux === 0 ? i.imm : i.aux === 1 ? 1 : cpu.lo[RCX]! & 0xff;
  return raw & (i.opSize === 8 ? 63 : 31);
}

/**
 * A masked count of 0 changes no flag and no value, but the instruction still executes: a 32-bit
 * register destination is zero-extended to 64 bits and a memory operand is accessed (it faults
 * like the read-modify-write would).
 */
function countZero(cpu: Cpu, i: Insn, size: number): void {
  if (i.mod === 3) {
    if (size === 4) cpu.hi[i.rm] = 0;
    return;
  }
  const addr = cpu.ea(i);
  cpu.read(size, addr);
  cpu.mem.checkWritable(addr, size);
}

/** Group 2: /0 rol /1 ror /2 rcl /3 rcr /4 shl /5 shr /6 sal /7 sar. aux: 0 imm8, 1 one, 2 CL. */
export function group2(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const count = shiftCount(cpu, i);
  if (count === 0) return countZero(cpu, i, size);
  let addr = 0;
  let lo: number;
  let hi = 0;
  if (i.mod === 3) {
    lo = cpu.getReg(size, size === 1 ? Cpu.byteReg(i, i.rm) : i.rm);
  } else {
    addr = cpu.ea(i);
    lo = cpu.read(size, addr);
  }
  if (size === 8) hi = cpu.outHi;
  const bits = size * 8;
  const mask = maskOf(size);
  let outLo: number;
  let outHi = 0;
  let flags: number;
  // rotates keep the flags other than CF/OF: materialise them only there
  const old = i.regOp < 4 ? cpu.arithFlags() : 0;
  switch (i.regOp) {
    case 4:
    case 6: { // SHL
      if (size === 8) { outLo = (shl64(lo, hi, count) >>> 0); outHi = (scratch[HI]! >>> 0); }
      else {
        scratch[CARRY] = count <= bits ? (lo >>> (bits - count)) & 1 : 0;
        outLo = count >= 32 ? 0 : ((lo << count) & mask) >>> 0;
      }
      flags = resultFlags(size, outLo, outHi) | (scratch[CARRY]! ? CF : 0);
      if ((msb(size, outLo, outHi) ^ scratch[CARRY]!) !== 0) flags |= OF;
      break;
    }
    case 5: { // SHR
      if (size === 8) { outLo = (shr64(lo, hi, count, false) >>> 0); outHi = (scratch[HI]! >>> 0); }
      else {
        scratch[CARRY] = count <= bits ? (lo >>> (count - 1)) & 1 : 0;
        outLo = count >= 32 ? 0 : lo >>> count;
      }
      flags = resultFlags(size, outLo, outHi) | (scratch[CARRY]! ? CF : 0);
      if (msb(size, lo, hi)) flags |= OF;
      break;
    }
    case 7: { // SAR
      if (size === 8) { outLo = (shr64(lo, hi, count, true) >>> 0); outHi = (scratch[HI]! >>> 0); }
      else {
        const s = size === 4 ? lo | 0 : size === 2 ? (lo << 16) >> 16 : (lo << 24) >> 24;
        const c = Math.min(count, 31);
        scratch[CARRY] = (s >> (c - 1)) & 1;
        outLo = ((s >> c) & mask) >>> 0;
      }
      flags = resultFlags(size, outLo, outHi) | (scratch[CARRY]! ? CF : 0);
      break;
    }
    case 0: // ROL
    case 1: { // ROR
      const n = count % bits;
      if (size === 8) {
        if (n === 0) { outLo = lo; outHi = hi; }
        else {
          const aLo = (shl64(lo, hi, n) >>> 0), aHi = (scratch[HI]! >>> 0);
          const bLo = (shr64(lo, hi, 64 - n, false) >>> 0), bHi = (scratch[HI]! >>> 0);
          if (i.regOp === 0) { outLo = (aLo | bLo) >>> 0; outHi = (aHi | bHi) >>> 0; }
          else {
            const cLo = (shr64(lo, hi, n, false) >>> 0), cHi = (scratch[HI]! >>> 0);
            const dLo = (shl64(lo, hi, 64 - n) >>> 0), dHi = (scratch[HI]! >>> 0);
            outLo = (cLo | dLo) >>> 0; outHi = (cHi | dHi) >>> 0;
          }
        }
      } else if (n === 0) {
        outLo = lo;
      } else if (i.regOp === 0) {
        outLo = (((lo << n) | (lo >>> (bits - n))) & mask) >>> 0;
      } else {
        outLo = (((lo >>> n) | (lo << (bits - n))) & mask) >>> 0;
      }
      flags = old & ~(CF | OF);
      if (i.regOp === 0) {
        const cf = outLo & 1;
        flags |= cf ? CF : 0;
        if ((msb(size, outLo, outHi) ^ cf) !== 0) flags |= OF;
      } else {
        const top = msb(size, outLo, outHi);
        const next = size === 8 ? (outHi >>> 30) & 1 : (outLo >>> (bits - 2)) & 1;
        flags |= top ? CF : 0;
        if ((top ^ next) !== 0) flags |= OF;
      }
      break;
    }
    default: { // RCL (2) / RCR (3): through the carry, one bit at a time (rare)
      const n = size === 8 || size === 4 ? count : count % (bits + 1);
      let c = old & CF ? 1 : 0;
      outLo = lo; outHi = hi;
      for (let k = 0; k < n; k++) {
        if (i.regOp === 2) {
          const top = msb(size, outLo, outHi);
          if (size === 8) { outHi = ((outHi << 1) | (outLo >>> 31)) >>> 0; outLo = ((outLo << 1) | c) >>> 0; }
          else outLo = (((outLo << 1) | c) & mask) >>> 0;
          c = top;
        } else {
          const low = outLo & 1;
          if (size === 8) { outLo = ((outLo >>> 1) | (outHi << 31)) >>> 0; outHi = ((outHi >>> 1) | (c << 31)) >>> 0; }
          else outLo = ((outLo >>> 1) | (c << (bits - 1))) >>> 0;
          c = low;
        }
      }
      flags = (old & ~(CF | OF)) | (c ? CF : 0);
      if (i.regOp === 2) {
        if ((msb(size, outLo, outHi) ^ c) !== 0) flags |= OF;
      } else {
        const top = msb(size, outLo, outHi);
        const next = size === 8 ? (outHi >>> 30) & 1 : (outLo >>> (bits - 2)) & 1;
        if ((top ^ next) !== 0) flags |= OF;
      }
      break;
    }
  }
  cpu.setFlagsEager(flags);
  if (i.mod === 3) cpu.setReg(size, size === 1 ? Cpu.byteReg(i, i.rm) : i.rm, outLo, outHi);
  else cpu.write(size, addr, outLo, outHi);
}

/** SHLD/SHRD Ev, Gv, imm8/CL (0F A4 A5 AC AD). aux: bit0 = CL count, bit1 = right (SHRD). */
export function doubleShift(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const raw = (i.aux & 1) ? cpu.lo[RCX]! & 0xff : i.imm;
  const count = raw & (size === 8 ? 63 : 31);
  if (count === 0) return countZero(cpu, i, size);
  const right = (i.aux & 2) !== 0;
  let addr = 0;
  let dLo: number;
  if (i.mod === 3) dLo = cpu.getReg(size, i.rm);
  else { addr = cpu.ea(i); dLo = cpu.read(size, addr); }
  const dHi = size === 8 ? cpu.outHi : 0;
  const sLo = cpu.readRegOp(i, size);
  const sHi = size === 8 ? cpu.outHi : 0;
  let outLo: number, outHi = 0, cf: number;
  if (size === 8) {
    if (!right) {
      const aLo = (shl64(dLo, dHi, count) >>> 0), aHi = (scratch[HI]! >>> 0); cf = scratch[CARRY]!;
      const bLo = count === 64 ? 0 : (shr64(sLo, sHi, 64 - count, false) >>> 0), bHi = (scratch[HI]! >>> 0);
      outLo = (aLo | bLo) >>> 0; outHi = (aHi | bHi) >>> 0;
    } else {
      const aLo = (shr64(dLo, dHi, count, false) >>> 0), aHi = (scratch[HI]! >>> 0); cf = scratch[CARRY]!;
      const bLo = (shl64(sLo, sHi, 64 - count) >>> 0), bHi = (scratch[HI]! >>> 0);
      outLo = (aLo | bLo) >>> 0; outHi = (aHi | bHi) >>> 0;
    }
  } else if (size === 4) {
    if (!right) {
      cf = (dLo >>> (32 - count)) & 1;
      outLo = ((dLo << count) | (sLo >>> (32 - count))) >>> 0;
    } else {
      cf = (dLo >>> (count - 1)) & 1;
      outLo = ((dLo >>> count) | (sLo << (32 - count))) >>> 0;
    }
  } else {
    // 16-bit: operate on the 32-bit concatenation (counts above 16 are undefined; this is what the pattern gives)
    const n = count;
    if (!right) {
      const cat = ((dLo & 0xffff) << 16 | (sLo & 0xffff)) >>> 0;
      const shifted = n < 32 ? (cat << n) >>> 0 : 0;
      cf = n <= 32 ? (cat >>> (32 - n)) & 1 : 0;
      outLo = (shifted >>> 16) & 0xffff;
    } else {
      const cat = ((sLo & 0xffff) << 16 | (dLo & 0xffff)) >>> 0;
      cf = (cat >>> (n - 1)) & 1;
      outLo = (cat >>> n) & 0xffff;
    }
  }
  let flags = resultFlags(size, outLo, outHi) | (cf ? CF : 0);
  if ((msb(size, outLo, outHi) ^ msb(size, dLo, dHi)) !== 0) flags |= OF;
  cpu.setFlagsEager(flags);
  if (i.mod === 3) cpu.setReg(size, i.rm, outLo, outHi);
  else cpu.write(size, addr, outLo, outHi);
}
