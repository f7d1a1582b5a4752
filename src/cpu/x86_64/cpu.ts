/**
 * x86-64 architectural state and the primitives every instruction handler uses.
 *
 * 64-bit values never become BigInt on the hot path: a general register is two uint32 halves
 * (lo[r], hi[r]). Handlers that produce a 64-bit value return the low half and leave the high
 * half in `cpu.outHi`, which avoids allocating a pair.
 *
 * Arithmetic flags are lazy: ALU handlers record the operation, its operands and result, and the
 * individual flags are derived only when something reads them (jcc, setcc, pushf, adc...).
 */
import { Memory } from '../../mem/memory.js';
import { arena, takeRegisterFile } from '../../mem/arena.js';
import { BASE_RIP, NO_REG, SEG_FS, type Insn } from './insn.js';
import { X87 } from './x87/state.js';
import { defineError, QvmError } from '../../errors.js';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const ID = 0x200000, AC = 0x40000;
const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;

/** Lazy flag operations: how to derive the flags from fA, fB, fRes. */
export const enum FlagOp {
  /** Flags are in `eflags` already. */
  Eager = 0,
  Add = 1,
  Sub = 2,
  Logic = 3,
  /** INC/DEC: like Add/Sub with b=1 but CF kept (saved in fCin). */
  Inc = 4,
  Dec = 5,
  /** ADC/SBB: carry-in in fCin. */
  Adc = 6,
  Sbb = 7,
}

/** Why `run` returned. */
export const enum Stop {
  None = 0,
  Syscall = 1,
  Budget = 2,
  Fault = 3,
  Halt = 4,
  Trap = 5,
  /** Internal: decoded code was invalidated; the run loop re-fetches from RIP (never returned). */
  Refetch = 6,
}

/** A CPU exception raised inside a handler; the machine turns it into a signal. */
export class CpuException extends QvmError {
  constructor(
    readonly signal: number,
    readonly reason: string,
    readonly faultAddr = 0,
    /** si_code for the signal (e.g. SEGV_MAPERR=1, SEGV_ACCERR=2, ILL_ILLOPN=2, FPE_INTDIV=1): its stable code. */
    override readonly code = 0,
  ) {
    super(reason);
  }
}
defineError(CpuException, 'CpuException', 0);

export const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>= 1; }
  PARITY[i] = p;
}

const TWO32 = 4294967296;

/**
 * Layout of a Cpu's register file in the frame arena, which translated code reads and writes
 * (src/cpu/x86_64/wasm): low halves, high halves, the exchange area through which the lazy
 * flags and a region's exit state cross between JavaScript and wasm (X_* int32 indices), then
 * xmm0-15.
 */
export const FILE_LO = 0, FILE_HI = 64, FILE_X = 128, FILE_XMM = 256;
export const X_FOP = 0, X_FSIZE = 1, X_FA = 2, X_FB = 4, X_FRES = 6, X_FCIN = 8, X_EFLAGS = 9;
/** Exit of a region: RIP (lo, hi), instructions retired. */
export const X_RIP = 10, X_COUNT = 12;

export class Cpu {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  /** Arena offset of the register file, or -1 when the registers are ordinary arrays (no translator). */
  readonly file: number;
  /** The register file's exchange area (int32 view), or an ordinary array. */
  readonly x: Int32Array;
  rip = 0;
  fsBase = 0;
  gsBase = 0;
  /** High half of a 64-bit result returned by a helper. */
  outHi = 0;

  // --- lazy flags
  fOp: FlagOp = FlagOp.Eager;
  /** Operand size in bytes for the lazy operation. */
  fSize = 4;
  fALo = 0; fAHi = 0;
  fBLo = 0; fBHi = 0;
  fResLo = 0; fResHi = 0;
  fCin = 0;
  /** Arithmetic flags when fOp is Eager. */
  eflags = 0;
  /** Direction flag (0 or 1) and the other non-arithmetic flag bits (AC, ID) kept apart. */
  df = 0;
  otherFlags = 0;

  // --- SSE
  /** xmm0-15, four uint32 lanes each (raw bits: no float canonicalisation). */
  readonly xmm: Uint32Array;
  mxcsr = 0x1f80;

  // --- x87
  readonly x87 = new X87();

  /** Retired instructions. Also the virtual cycle counter (rdtsc). */
  icount = 0;
  /** The current slice ends when icount reaches this (gas budget). */
  icountLimit = 0;
  /** Set by a handler (syscall, hlt) to leave the run loop after the current instruction. */
  stop: Stop = Stop.None;
  /** Address of the instruction being executed (for faults and syscalls). */
  curAddr = 0;

  constructor(readonly mem: Memory) {
    const file = takeRegisterFile(this);
    this.file = file;
    if (file >= 0 && arena.memory !== null) {
      const buf = arena.memory.buffer;
      this.lo = new Uint32Array(buf, file + FILE_LO, 16);
      this.hi = new Uint32Array(buf, file + FILE_HI, 16);
      this.x = new Int32Array(buf, file + FILE_X, 32);
      this.xmm = new Uint32Array(buf, file + FILE_XMM, 64);
    } else {
      this.lo = new Uint32Array(16);
      this.hi = new Uint32Array(16);
      this.x = new Int32Array(32);
      this.xmm = new Uint32Array(64);
    }
  }

  // ------------------------------------------------------------------ registers

  /** 64-bit register as a JS number (exact below 2^53; use for addresses and counts). */
  getReg64Number(r: number): number {
    return this.hi[r]! * TWO32 + this.lo[r]!;
  }

  getReg64(r: number): bigint {
    return (BigInt(this.hi[r]!) << 32n) | BigInt(this.lo[r]!);
  }

  setReg64(r: number, v: bigint): void {
    this.lo[r] = Number(v & 0xffffffffn);
    this.hi[r] = Number((v >> 32n) & 0xffffffffn);
  }

  /** Set a register from a non-negative JS number below 2^64 (exact below 2^53). */
  setReg64Number(r: number, v: number): void {
    if (v < 0) {
      // two's complement of a small negative number
      const lo = v % TWO32;
      this.lo[r] = lo;
      this.hi[r] = Math.floor(v / TWO32);
      return;
    }
    this.lo[r] = v % TWO32;
    this.hi[r] = Math.floor(v / TWO32);
  }

  /** Read a register of `size` bytes; for 8 the high half is left in outHi. Byte regs 16-19 are AH..BH. */
  getReg(size: number, r: number): number {
    switch (size) {
      case 1:
        return r >= 16 ? (this.lo[r - 16]! >>> 8) & 0xff : this.lo[r]! & 0xff;
      case 2:
        return this.lo[r]! & 0xffff;
      case 4:
        return this.lo[r]!;
      default:
        this.outHi = this.hi[r]!;
        return this.lo[r]!;
    }
  }

  /** Write a register with x86-64 partial-register rules (32-bit writes zero the upper half). */
  setReg(size: number, r: number, lo: number, hi: number): void {
    switch (size) {
      case 1:
        if (r >= 16) this.lo[r - 16] = (this.lo[r - 16]! & 0xffff00ff) | ((lo & 0xff) << 8);
        else this.lo[r] = (this.lo[r]! & 0xffffff00) | (lo & 0xff);
        return;
      case 2:
        this.lo[r] = (this.lo[r]! & 0xffff0000) | (lo & 0xffff);
        return;
      case 4:
        this.lo[r] = lo;
        this.hi[r] = 0;
        return;
      default:
        this.lo[r] = lo;
        this.hi[r] = hi;
    }
  }

  /** Byte-register number for ModRM.reg / rm: without REX, 4-7 mean AH, CH, DH, BH (16-19). */
  static byteReg(insn: Insn, r: number): number {
    return !insn.hasRex && r >= 4 && r < 8 ? r + 12 : r;
  }

  // ------------------------------------------------------------------ addressing

  /** Effective (linear) address of the instruction's memory operand, including FS/GS base. */
  ea(insn: Insn): number {
    let sum = insn.disp;
    let hiSum = 0; // a negative disp borrows through the carry below
    const base = insn.base;
    if (base === BASE_RIP) {
      sum += insn.nextAddr;
      // nextAddr < 2^47: fold into halves
      hiSum += Math.floor(insn.nextAddr / TWO32);
      sum -= Math.floor(insn.nextAddr / TWO32) * TWO32;
    } else if (base !== NO_REG) {
      sum += this.lo[base]!;
      hiSum += this.hi[base]!;
    }
    const index = insn.index;
    if (index !== NO_REG) {
      sum += this.lo[index]! * insn.scale;
      hiSum += this.hi[index]! * insn.scale;
    }
    let addr: number;
    if (insn.addrSize === 4) {
      addr = sum >>> 0;
    } else {
      const carry = Math.floor(sum / TWO32);
      addr = ((hiSum + carry) | 0) * TWO32 + (sum >>> 0);
    }
    if (insn.seg !== 0) addr += insn.seg === SEG_FS ? this.fsBase : this.gsBase;
    return addr;
  }

  /**
   * The address arithmetic of the memory operand as an exact 64-bit value (LEA): returns the low
   * half, high half in outHi. No segment base.
   */
  eaExact(insn: Insn): number {
    let sum = insn.disp;
    let hiSum = 0;
    const base = insn.base;
    if (base === BASE_RIP) {
      sum += insn.nextAddr % TWO32;
      hiSum += Math.floor(insn.nextAddr / TWO32);
    } else if (base !== NO_REG) {
      sum += this.lo[base]!;
      hiSum += this.hi[base]!;
    }
    const index = insn.index;
    if (index !== NO_REG) {
      sum += this.lo[index]! * insn.scale;
      hiSum += this.hi[index]! * insn.scale;
    }
    if (insn.addrSize === 4) {
      this.outHi = 0;
      return sum >>> 0;
    }
    this.outHi = (hiSum + Math.floor(sum / TWO32)) >>> 0;
    return sum >>> 0;
  }

  // ------------------------------------------------------------------ memory operands

  read(size: number, addr: number): number {
    const mem = this.mem;
    switch (size) {
      case 1: return mem.read8(addr);
      case 2: return mem.read16(addr);
      case 4: return mem.read32(addr);
      default:
        this.outHi = mem.read32(addr + 4);
        return mem.read32(addr);
    }
  }

  write(size: number, addr: number, lo: number, hi: number): void {
    const mem = this.mem;
    switch (size) {
      case 1: mem.write8(addr, lo); return;
      case 2: mem.write16(addr, lo); return;
      case 4: mem.write32(addr, lo); return;
      default: mem.write64(addr, lo, hi);
    }
  }

  /** Read the r/m operand (register or memory). 64-bit: high half in outHi. */
  readRM(insn: Insn, size: number): number {
    if (insn.mod === 3) return this.getReg(size, size === 1 ? Cpu.byteReg(insn, insn.rm) : insn.rm);
    return this.read(size, this.ea(insn));
  }

  writeRM(insn: Insn, size: number, lo: number, hi: number): void {
    if (insn.mod === 3) this.setReg(size, size === 1 ? Cpu.byteReg(insn, insn.rm) : insn.rm, lo, hi);
    else this.write(size, this.ea(insn), lo, hi);
  }

  readRegOp(insn: Insn, size: number): number {
    return this.getReg(size, size === 1 ? Cpu.byteReg(insn, insn.reg) : insn.reg);
  }

  writeRegOp(insn: Insn, size: number, lo: number, hi: number): void {
    this.setReg(size, size === 1 ? Cpu.byteReg(insn, insn.reg) : insn.reg, lo, hi);
  }

  // ------------------------------------------------------------------ stack

  push64(lo: number, hi: number): void {
    const rsp = this.getReg64Number(RSP) - 8;
    this.mem.write64(rsp, lo, hi);
    this.setReg64Number(RSP, rsp);
  }

  /** Pop 64 bits: returns lo, high half in outHi. */
  pop64(): number {
    const rsp = this.getReg64Number(RSP);
    const hi = this.mem.read32(rsp + 4);
    const lo = this.mem.read32(rsp);
    this.setReg64Number(RSP, rsp + 8);
    this.outHi = hi;
    return lo;
  }

  // ------------------------------------------------------------------ flags

  /** Record a lazy flag operation. */
  setFlagsLazy(op: FlagOp, size: number, aLo: number, aHi: number, bLo: number, bHi: number, rLo: number, rHi: number): void {
    this.fOp = op;
    this.fSize = size;
    this.fALo = aLo; this.fAHi = aHi;
    this.fBLo = bLo; this.fBHi = bHi;
    this.fResLo = rLo; this.fResHi = rHi;
  }

  /** Set the arithmetic flags explicitly (bits CF PF AF ZF SF OF). */
  setFlagsEager(bits: number): void {
    this.fOp = FlagOp.Eager;
    this.eflags = bits & ARITH_FLAGS;
  }

  /** Flags for a result under the Logic rule (CF=OF=AF=0), computed from a value. */
  setFlagsLogic(size: number, rLo: number, rHi: number): void {
    this.fOp = FlagOp.Logic;
    this.fSize = size;
    this.fResLo = rLo;
    this.fResHi = rHi;
  }

  private signBit(lo: number, hi: number): number {
    switch (this.fSize) {
      case 1: return (lo >>> 7) & 1;
      case 2: return (lo >>> 15) & 1;
      case 4: return lo >>> 31;
      default: return hi >>> 31;
    }
  }

  private resultIsZero(): boolean {
    switch (this.fSize) {
      case 1: return (this.fResLo & 0xff) === 0;
      case 2: return (this.fResLo & 0xffff) === 0;
      case 4: return this.fResLo === 0;
      default: return this.fResLo === 0 && this.fResHi === 0;
    }
  }

  /** a < b unsigned at the lazy size. */
  private below(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
    switch (this.fSize) {
      case 1: return (aLo & 0xff) < (bLo & 0xff);
      case 2: return (aLo & 0xffff) < (bLo & 0xffff);
      case 4: return aLo >>> 0 < bLo >>> 0;
      default: return aHi >>> 0 < bHi >>> 0 || (aHi === bHi && aLo >>> 0 < bLo >>> 0);
    }
  }

  private equalAtSize(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
    switch (this.fSize) {
      case 1: return (aLo & 0xff) === (bLo & 0xff);
      case 2: return (aLo & 0xffff) === (bLo & 0xffff);
      case 4: return aLo >>> 0 === bLo >>> 0;
      default: return aLo >>> 0 === bLo >>> 0 && aHi >>> 0 === bHi >>> 0;
    }
  }

  get cf(): boolean {
    switch (this.fOp) {
      case FlagOp.Eager: return (this.eflags & CF) !== 0;
      case FlagOp.Add: return this.below(this.fResLo, this.fResHi, this.fALo, this.fAHi);
      case FlagOp.Adc:
        return this.below(this.fResLo, this.fResHi, this.fALo, this.fAHi) ||
          (this.fCin !== 0 && this.equalAtSize(this.fResLo, this.fResHi, this.fALo, this.fAHi));
      case FlagOp.Sub: return this.below(this.fALo, this.fAHi, this.fBLo, this.fBHi);
      case FlagOp.Sbb:
        return this.below(this.fALo, this.fAHi, this.fBLo, this.fBHi) ||
          (this.fCin !== 0 && this.equalAtSize(this.fALo, this.fAHi, this.fBLo, this.fBHi));
      case FlagOp.Inc:
      case FlagOp.Dec: return this.fCin !== 0;
      default: return false;
    }
  }

  get zf(): boolean {
    return this.fOp === FlagOp.Eager ? (this.eflags & ZF) !== 0 : this.resultIsZero();
  }

  get sf(): boolean {
    return this.fOp === FlagOp.Eager ? (this.eflags & SF) !== 0 : this.signBit(this.fResLo, this.fResHi) !== 0;
  }

  get of(): boolean {
    switch (this.fOp) {
      case FlagOp.Eager: return (this.eflags & OF) !== 0;
      case FlagOp.Add:
      case FlagOp.Adc:
      case FlagOp.Inc:
        return this.signBit((this.fALo ^ this.fResLo) & (this.fBLo ^ this.fResLo), (this.fAHi ^ this.fResHi) & (this.fBHi ^ this.fResHi)) !== 0;
      case FlagOp.Sub:
      case FlagOp.Sbb:
      case FlagOp.Dec:
        return this.signBit((this.fALo ^ this.fBLo) & (this.fALo ^ this.fResLo), (this.fAHi ^ this.fBHi) & (this.fAHi ^ this.fResHi)) !== 0;
      default: return false;
    }
  }

  get pf(): boolean {
    return this.fOp === FlagOp.Eager ? (this.eflags & PF) !== 0 : PARITY[this.fResLo & 0xff] === 1;
  }

  get af(): boolean {
    switch (this.fOp) {
      case FlagOp.Eager: return (this.eflags & AF) !== 0;
      case FlagOp.Logic: return false;
      default: return ((this.fALo ^ this.fBLo ^ this.fResLo) & 0x10) !== 0;
    }
  }

  /** The six arithmetic flags as RFLAGS bits. */
  arithFlags(): number {
    if (this.fOp === FlagOp.Eager) return this.eflags;
    return (this.cf ? CF : 0) | (this.pf ? PF : 0) | (this.af ? AF : 0) | (this.zf ? ZF : 0) |
      (this.sf ? SF : 0) | (this.of ? OF : 0);
  }

  /** Full RFLAGS as pushf sees it (bit 1 always set, IF set as in user mode). */
  getRflags(): number {
    return this.arithFlags() | 0x2 | IF | (this.df ? DF : 0) | this.otherFlags;
  }

  /** popf: user mode can change the arithmetic flags, DF, AC and ID. */
  setRflags(v: number): void {
    this.setFlagsEager(v);
    this.df = (v & DF) !== 0 ? 1 : 0;
    this.otherFlags = v & (AC | ID);
  }

  /** Parity of the low byte (1 = even number of set bits). */
  static parity(v: number): number {
    return PARITY[v & 0xff]!;
  }

  /** a < b as signed values at the lazy size. */
  private lessSigned(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
    switch (this.fSize) {
      case 1: return (aLo << 24) < (bLo << 24);
      case 2: return (aLo << 16) < (bLo << 16);
      case 4: return (aLo | 0) < (bLo | 0);
      default: return (aHi | 0) < (bHi | 0) || (aHi === bHi && aLo >>> 0 < bLo >>> 0);
    }
  }

  /** Evaluate condition code 0-15 (the low nibble of jcc/setcc/cmovcc). */
  cond(cc: number): boolean {
    // fast paths for the common compare-and-branch pairs: CMP/SUB and TEST/AND
    if (this.fOp === FlagOp.Sub) {
      switch (cc) {
        case 2: return this.below(this.fALo, this.fAHi, this.fBLo, this.fBHi);
        case 3: return !this.below(this.fALo, this.fAHi, this.fBLo, this.fBHi);
        case 4: return this.resultIsZero();
        case 5: return !this.resultIsZero();
        case 6: return this.resultIsZero() || this.below(this.fALo, this.fAHi, this.fBLo, this.fBHi);
        case 7: return !(this.resultIsZero() || this.below(this.fALo, this.fAHi, this.fBLo, this.fBHi));
        case 12: return this.lessSigned(this.fALo, this.fAHi, this.fBLo, this.fBHi);
        case 13: return !this.lessSigned(this.fALo, this.fAHi, this.fBLo, this.fBHi);
        case 14: return this.resultIsZero() || this.lessSigned(this.fALo, this.fAHi, this.fBLo, this.fBHi);
        case 15: return !(this.resultIsZero() || this.lessSigned(this.fALo, this.fAHi, this.fBLo, this.fBHi));
        default: break;
      }
    } else if (this.fOp === FlagOp.Logic) {
      switch (cc) {
        case 4: return this.resultIsZero();
        case 5: return !this.resultIsZero();
        case 8: case 12: return this.signBit(this.fResLo, this.fResHi) !== 0;
        case 9: case 13: return this.signBit(this.fResLo, this.fResHi) === 0;
        default: break;
      }
    }
    let r: boolean;
    switch (cc >> 1) {
      case 0: r = this.of; break;
      case 1: r = this.cf; break;
      case 2: r = this.zf; break;
      case 3: r = this.cf || this.zf; break;
      case 4: r = this.sf; break;
      case 5: r = this.pf; break;
      case 6: r = this.sf !== this.of; break;
      default: r = this.zf || this.sf !== this.of; break;
    }
    return (cc & 1) !== 0 ? !r : r;
  }
}
