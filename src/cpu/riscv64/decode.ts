/**
 * Decoder: one 16- or 32-bit encoding → an RvInsn with its handler and operands. Compressed
 * forms decode straight to the handler of the 32-bit instruction they stand for. Anything QVM
 * does not implement decodes to a handler that raises SIGILL naming the encoding and why.
 */
import type { Memory } from '../../mem/memory.js';
import { X_SINK } from './cpu.js';
import { RvInsn, type RvHandler } from './insn.js';
import * as I from './ops/int.js';
import * as M from './ops/muldiv.js';
import * as A from './ops/atomic.js';
import * as F from './ops/fp.js';
import * as FM from './ops/fpmisc.js';
import { csr } from './ops/csr.js';
import { illegal } from './ops/fpregs.js';
import { defineError, QvmError } from '../../errors.js';

function raiseIllegal(_cpu: unknown, i: RvInsn): void {
  throw illegal(i, i.why);
}

function ebreak(_cpu: unknown, i: RvInsn): void {
  throw new BreakpointTrap(i.addr);
}

/** ebreak: SIGTRAP (TRAP_BRKPT) at the instruction. */
export class BreakpointTrap extends QvmError {
  constructor(readonly addr: number) {
    super(`breakpoint (ebreak) at pc 0x${addr.toString(16)}`);
  }
}
defineError(BreakpointTrap, 'BreakpointTrap', 'BREAKPOINT');

const xd = (r: number): number => (r === 0 ? X_SINK : r);

function make(at: number, len: number, raw: number, exec: RvHandler, rd: number, rs1: number, rs2: number, imm: number): RvInsn {
  const i = new RvInsn(exec);
  i.addr = at;
  i.len = len;
  i.nextAddr = at + len;
  i.raw = raw;
  i.rd = rd;
  i.rs1 = rs1;
  i.rs2 = rs2;
  i.imm = imm | 0;
  i.immHi = imm < 0 ? -1 : 0;
  return i;
}

function bad(at: number, len: number, raw: number, why: string): RvInsn {
  const i = make(at, len, raw, raiseIllegal, 0, 0, 0, 0);
  i.why = why;
  i.term = true;
  return i;
}

function branch(i: RvInsn): RvInsn {
  i.target = i.addr + i.imm;
  i.term = true;
  return i;
}

const LOADS: Array<RvHandler | null> = [I.lb, I.lh, I.lw, I.ld, I.lbu, I.lhu, I.lwu, null];
const STORES: Array<RvHandler | null> = [I.sb, I.sh, I.sw, I.sd, null, null, null, null];
const BRANCHES: Array<RvHandler | null> = [I.beq, I.bne, null, null, I.blt, I.bge, I.bltu, I.bgeu];
const OP: Record<number, RvHandler> = {
  0x000: I.add, 0x001: I.sll, 0x002: I.slt, 0x003: I.sltu, 0x004: I.xor, 0x005: I.srl, 0x006: I.or, 0x007: I.and,
  0x100: I.sub, 0x105: I.sra,
  0x010: M.mul, 0x011: M.mulh, 0x012: M.mulhsu, 0x013: M.mulhu, 0x014: M.div, 0x015: M.divu, 0x016: M.rem, 0x017: M.remu,
};
const OP32: Record<number, RvHandler> = {
  0x000: I.addw, 0x001: I.sllw, 0x005: I.srlw, 0x100: I.subw, 0x105: I.sraw,
  0x010: M.mulw, 0x014: M.divw, 0x015: M.divuw, 0x016: M.remw, 0x017: M.remuw,
};
/** funct5 of AMO → operation (A.Amo), LR = -1, SC = -2. */
const AMO: Record<number, number> = {
  0x02: -1, 0x03: -2, 0x01: A.Amo.Swap, 0x00: A.Amo.Add, 0x04: A.Amo.Xor, 0x0c: A.Amo.And, 0x08: A.Amo.Or,
  0x10: A.Amo.Min, 0x14: A.Amo.Max, 0x18: A.Amo.Minu, 0x1c: A.Amo.Maxu,
};

/** Major opcodes of extensions QVM does not implement, for the SIGILL reason. */
const UNSUPPORTED: Record<number, string> = {
  0x57: 'vector extension (V) not supported',
  0x0b: 'custom-0 opcode',
  0x2b: 'custom-1 opcode',
  0x5b: 'custom-2 opcode',
  0x7b: 'custom-3 opcode',
};

export function decode32(at: number, w: number): RvInsn {
  const op = w & 0x7f;
  const rd = (w >>> 7) & 31, f3 = (w >>> 12) & 7, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31, f7 = w >>> 25;
  const iImm = w >> 20;
  const u = (ex: RvHandler, d: number, imm: number): RvInsn => make(at, 4, w, ex, d, rs1, rs2, imm);
  switch (op) {
    case 0x37: return u(I.lui, xd(rd), w & 0xfffff000);
    case 0x17: {
      const i = u(I.auipc, xd(rd), w & 0xfffff000);
      i.target = at + i.imm;
      return i;
    }
    case 0x6f: {
      const imm = ((w >> 31) << 20) | (((w >>> 12) & 0xff) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);
      return branch(u(I.jal, xd(rd), imm));
    }
    case 0x67:
      if (f3 !== 0) break;
      return branch(u(I.jalr, xd(rd), iImm));
    case 0x63: {
      const h = BRANCHES[f3];
      if (!h) break;
      const imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0x3f) << 5) | (((w >>> 8) & 0xf) << 1);
      return branch(u(h, 0, imm));
    }
    case 0x03: {
      const h = LOADS[f3];
      if (!h) break;
      return u(h, xd(rd), iImm);
    }
    case 0x23: {
      const h = STORES[f3];
      if (!h) break;
      return u(h, 0, ((w >> 25) << 5) | ((w >>> 7) & 0x1f));
    }
    case 0x13:
      return opImm(at, w, rd, f3, rs1, iImm, 4);
    case 0x1b:
      switch (f3) {
        case 0: return u(I.addiw, xd(rd), iImm);
        case 1: if (f7 === 0) return u(I.slliw, xd(rd), rs2); break;
        case 5:
          if (f7 === 0) return u(I.srliw, xd(rd), rs2);
          if (f7 === 0x20) return u(I.sraiw, xd(rd), rs2);
          break;
      }
      break;
    case 0x33: {
      const h = OP[((f7 === 0x20 ? 0x10 : f7) << 4) | f3];
      if (h && (f7 === 0 || f7 === 0x20 || f7 === 1)) return u(h, xd(rd), 0);
      if (f7 !== 0 && f7 !== 0x20 && f7 !== 1) return bad(at, 4, w, 'not in RV64GC (bit manipulation Zb* or another extension)');
      break;
    }
    case 0x3b: {
      const h = OP32[((f7 === 0x20 ? 0x10 : f7) << 4) | f3];
      if (h && (f7 === 0 || f7 === 0x20 || f7 === 1)) return u(h, xd(rd), 0);
      break;
    }
    case 0x0f:
      if (f3 === 0 || f3 === 1) return u(I.nop, 0, 0);
      break;
    case 0x73:
      if (f3 === 0) {
        if (w === 0x00000073) {
          const i = u(I.ecall, 0, 0);
          i.term = true;
          return i;
        }
        if (w === 0x00100073) {
          const i = u(ebreak, 0, 0);
          i.term = true;
          return i;
        }
        return bad(at, 4, w, 'privileged instruction');
      }
      if (f3 === 4) break;
      {
        const i = u(csr, xd(rd), w >>> 20);
        i.rm = f3;
        return i;
      }
    case 0x2f: {
      if (f3 !== 2 && f3 !== 3) break;
      const kind = AMO[w >>> 27];
      if (kind === undefined) break;
      const dbl = f3 === 3;
      if (kind === -1) return rs2 === 0 ? u(dbl ? A.lrD : A.lrW, xd(rd), 0) : bad(at, 4, w, 'reserved LR encoding');
      if (kind === -2) return u(dbl ? A.scD : A.scW, xd(rd), 0);
      const i = u(dbl ? A.amoD : A.amoW, xd(rd), 0);
      i.rm = kind;
      return i;
    }
    case 0x07:
      if (f3 === 2) return u(FM.flw, rd, iImm);
      if (f3 === 3) return u(FM.fld, rd, iImm);
      break;
    case 0x27:
      if (f3 === 2 || f3 === 3) return u(f3 === 2 ? FM.fsw : FM.fsd, 0, ((w >> 25) << 5) | ((w >>> 7) & 0x1f));
      break;
    case 0x43: case 0x47: case 0x4b: case 0x4f:
      return fused(at, w, op, rd, f3, rs1, rs2);
    case 0x53:
      return opFp(at, w, rd, f3, rs1, rs2, f7);
    default:
      if (UNSUPPORTED[op]) return bad(at, 4, w, UNSUPPORTED[op]!);
  }
  return bad(at, 4, w, 'unknown encoding');
}

function opImm(at: number, w: number, rd: number, f3: number, rs1: number, imm: number, len: number): RvInsn {
  const u = (ex: RvHandler, v: number): RvInsn => make(at, len, w, ex, xd(rd), rs1, 0, v);
  switch (f3) {
    case 0:
      if (rs1 === 0) return u(I.li, imm);
      if (imm === 0) return u(I.mv, 0);
      return u(I.addi, imm);
    case 2: return u(I.slti, imm);
    case 3: return u(I.sltiu, imm);
    case 4: return u(I.xori, imm);
    case 6: return u(I.ori, imm);
    case 7: return u(I.andi, imm);
    case 1:
      if (w >>> 26 === 0) return u(I.slli, (w >>> 20) & 63);
      break;
    default:
      if (w >>> 26 === 0) return u(I.srli, (w >>> 20) & 63);
      if (w >>> 26 === 0x10) return u(I.srai, (w >>> 20) & 63);
  }
  return bad(at, len, w, 'not in RV64GC (bit manipulation Zb* or another extension)');
}

const FUSED_D: RvHandler[] = [F.fmaddD, F.fmsubD, F.fnmsubD, F.fnmaddD];
const FUSED_S: RvHandler[] = [F.fmaddS, F.fmsubS, F.fnmsubS, F.fnmaddS];

function fpRm(f3: number): boolean {
  return f3 !== 5 && f3 !== 6;
}

function fused(at: number, w: number, op: number, rd: number, f3: number, rs1: number, rs2: number): RvInsn {
  const fmt = (w >>> 25) & 3;
  if (fmt > 1) return bad(at, 4, w, fmt === 2 ? 'half-precision (Zfh) not supported' : 'quad-precision (Q) not supported');
  if (!fpRm(f3)) return bad(at, 4, w, `reserved rounding mode ${f3}`);
  const i = make(at, 4, w, (fmt === 1 ? FUSED_D : FUSED_S)[(op - 0x43) >> 2]!, rd, rs1, rs2, 0);
  i.rs3 = w >>> 27;
  i.rm = f3;
  return i;
}

function opFp(at: number, w: number, rd: number, f3: number, rs1: number, rs2: number, f7: number): RvInsn {
  const fmt = f7 & 3;
  if (fmt > 1) return bad(at, 4, w, fmt === 2 ? 'half-precision (Zfh) not supported' : 'quad-precision (Q) not supported');
  const d = fmt === 1;
  const mk = (ex: RvHandler, dest: number, rounding: boolean): RvInsn => {
    if (rounding && !fpRm(f3)) return bad(at, 4, w, `reserved rounding mode ${f3}`);
    const i = make(at, 4, w, ex, dest, rs1, rs2, 0);
    i.rm = f3;
    return i;
  };
  switch (f7 >> 2) {
    case 0x00: return mk(d ? F.faddD : F.faddS, rd, true);
    case 0x01: return mk(d ? F.fsubD : F.fsubS, rd, true);
    case 0x02: return mk(d ? F.fmulD : F.fmulS, rd, true);
    case 0x03: return mk(d ? F.fdivD : F.fdivS, rd, true);
    case 0x0b: if (rs2 === 0) return mk(d ? F.fsqrtD : F.fsqrtS, rd, true); break;
    case 0x04: if (f3 <= 2) return mk(d ? FM.fsgnjD : FM.fsgnjS, rd, false); break;
    case 0x05: if (f3 <= 1) return mk(d ? FM.fminmaxD : FM.fminmaxS, rd, false); break;
    case 0x08:
      if (!d && rs2 === 1) return mk(F.fcvtSD, rd, true);
      if (d && rs2 === 0) return mk(F.fcvtDS, rd, true);
      break;
    case 0x14: if (f3 <= 2) return mk(d ? FM.fcmpD : FM.fcmpS, xd(rd), false); break;
    case 0x18: if (rs2 <= 3) return mk(d ? FM.fcvtIntD : FM.fcvtIntS, xd(rd), true); break;
    case 0x1a: if (rs2 <= 3) return mk(d ? FM.fcvtDInt : FM.fcvtSInt, rd, true); break;
    case 0x1c:
      if (rs2 !== 0) break;
      if (f3 === 0) return mk(d ? FM.fmvXD : FM.fmvXW, xd(rd), false);
      if (f3 === 1) return mk(d ? FM.fclassD : FM.fclassS, xd(rd), false);
      break;
    case 0x1e: if (rs2 === 0 && f3 === 0) return mk(d ? FM.fmvDX : FM.fmvWX, rd, false); break;
  }
  return bad(at, 4, w, 'unknown FP encoding');
}

// ---------------------------------------------------------------- compressed (RVC)

const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

export function decode16(at: number, h: number): RvInsn {
  const q = h & 3, f3 = h >>> 13;
  const rdp = 8 + ((h >>> 2) & 7), rs1p = 8 + ((h >>> 7) & 7);
  const rd = (h >>> 7) & 31, rs2 = (h >>> 2) & 31;
  const c = (ex: RvHandler, d: number, s1: number, s2: number, imm: number): RvInsn => make(at, 2, h, ex, d, s1, s2, imm);
  const ci = sext(((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f), 6);
  if (q === 0) {
    const offW = ((h >>> 7) & 0x38) | ((h >>> 4) & 0x4) | ((h << 1) & 0x40);
    const offD = ((h >>> 7) & 0x38) | ((h << 1) & 0xc0);
    switch (f3) {
      case 0: {
        const nz = ((h >>> 7) & 0x30) | ((h >>> 1) & 0x3c0) | ((h >>> 4) & 0x4) | ((h >>> 2) & 0x8);
        if (nz === 0) return bad(at, 2, h, h === 0 ? 'the all-zero instruction' : 'reserved C.ADDI4SPN');
        return c(I.addi, rdp, 2, 0, nz);
      }
      case 1: return c(FM.fld, rdp, rs1p, 0, offD);
      case 2: return c(I.lw, rdp, rs1p, 0, offW);
      case 3: return c(I.ld, rdp, rs1p, 0, offD);
      case 5: return c(FM.fsd, 0, rs1p, rdp, offD);
      case 6: return c(I.sw, 0, rs1p, rdp, offW);
      case 7: return c(I.sd, 0, rs1p, rdp, offD);
    }
    return bad(at, 2, h, 'reserved compressed encoding');
  }
  if (q === 1) {
    switch (f3) {
      case 0: return rd === 0 ? c(I.nop, 0, 0, 0, 0) : c(I.addi, rd, rd, 0, ci);
      case 1: return rd === 0 ? bad(at, 2, h, 'reserved C.ADDIW') : c(I.addiw, rd, rd, 0, ci);
      case 2: return c(I.li, xd(rd), 0, 0, ci);
      case 3:
        if (rd === 2) {
          const nz = sext(((h >>> 3) & 0x200) | ((h >>> 2) & 0x10) | ((h << 1) & 0x40) | ((h << 4) & 0x180) | ((h << 3) & 0x20), 10);
          if (nz === 0) return bad(at, 2, h, 'reserved C.ADDI16SP');
          return c(I.addi, 2, 2, 0, nz);
        }
        if (ci === 0) return bad(at, 2, h, 'reserved C.LUI');
        return c(I.lui, xd(rd), 0, 0, ci << 12);
      case 4: {
        const f2 = (h >>> 10) & 3;
        const sh = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f);
        if (f2 === 0) return c(I.srli, rs1p, rs1p, 0, sh);
        if (f2 === 1) return c(I.srai, rs1p, rs1p, 0, sh);
        if (f2 === 2) return c(I.andi, rs1p, rs1p, 0, ci);
        const sel = ((h >>> 10) & 4) | ((h >>> 5) & 3);
        const ops: Array<RvHandler | null> = [I.sub, I.xor, I.or, I.and, I.subw, I.addw, null, null];
        const ex = ops[sel];
        if (!ex) return bad(at, 2, h, 'reserved compressed arithmetic');
        return c(ex, rs1p, rs1p, rdp, 0);
      }
      case 5: {
        const off = sext(((h >>> 1) & 0x800) | ((h >>> 7) & 0x10) | ((h >>> 1) & 0x300) | ((h << 2) & 0x400) |
          ((h >>> 1) & 0x40) | ((h << 1) & 0x80) | ((h >>> 2) & 0xe) | ((h << 3) & 0x20), 12);
        return branch(c(I.jal, X_SINK, 0, 0, off));
      }
      default: {
        const off = sext(((h >>> 4) & 0x100) | ((h >>> 7) & 0x18) | ((h << 1) & 0xc0) | ((h >>> 2) & 0x6) | ((h << 3) & 0x20), 9);
        return branch(c(f3 === 6 ? I.beq : I.bne, 0, rs1p, 0, off));
      }
    }
  }
  // q === 2
  switch (f3) {
    case 0: return c(I.slli, xd(rd), rd, 0, ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f));
    case 1: return c(FM.fld, rd, 2, 0, ((h >>> 7) & 0x20) | ((h >>> 2) & 0x18) | ((h << 4) & 0x1c0));
    case 2:
      if (rd === 0) return bad(at, 2, h, 'reserved C.LWSP');
      return c(I.lw, rd, 2, 0, ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1c) | ((h << 4) & 0xc0));
    case 3:
      if (rd === 0) return bad(at, 2, h, 'reserved C.LDSP');
      return c(I.ld, rd, 2, 0, ((h >>> 7) & 0x20) | ((h >>> 2) & 0x18) | ((h << 4) & 0x1c0));
    case 4:
      if ((h & 0x1000) === 0) {
        if (rs2 === 0) return rd === 0 ? bad(at, 2, h, 'reserved C.JR') : branch(c(I.jalr, X_SINK, rd, 0, 0));
        return c(I.mv, xd(rd), rs2, 0, 0);
      }
      if (rs2 === 0) {
        if (rd === 0) {
          const i = c(ebreak, 0, 0, 0, 0);
          i.term = true;
          return i;
        }
        return branch(c(I.jalr, 1, rd, 0, 0));
      }
      return c(I.add, xd(rd), rd, rs2, 0);
    case 5: return c(FM.fsd, 0, 2, rs2, ((h >>> 7) & 0x38) | ((h >>> 1) & 0x1c0));
    case 6: return c(I.sw, 0, 2, rs2, ((h >>> 7) & 0x3c) | ((h >>> 1) & 0xc0));
    default: return c(I.sd, 0, 2, rs2, ((h >>> 7) & 0x38) | ((h >>> 1) & 0x1c0));
  }
}

const fetchBuf = new Uint8Array(4);

/** Decode the instruction at addr (throws MemoryFault if its first parcel cannot be fetched). */
export function decode(mem: Memory, addr: number): RvInsn {
  const n = mem.fetch(addr, fetchBuf, 4);
  const lo = fetchBuf[0]! | (fetchBuf[1]! << 8);
  if ((lo & 3) !== 3) return decode16(addr, lo);
  if (n < 4) mem.fetch(addr + n, fetchBuf, 1); // faults: the second parcel is not executable
  const w = lo | (fetchBuf[2]! << 16) | (fetchBuf[3]! << 24);
  if ((lo & 0x1f) === 0x1f) return bad(addr, 4, w, 'instruction longer than 32 bits');
  return decode32(addr, w);
}
