/**
 * General-purpose integer instructions: ALU forms, moves, stack, multiply/divide, inc/dec, flags.
 * Handlers read their constant parameters from the decoded instruction (insn.aux, insn.imm) so
 * one handler serves a whole opcode row.
 */
import { Cpu, CpuException, RAX, RDX, RSP, RBP, SIGFPE, CF, PF, AF, ZF, SF, OF, FlagOp } from '../cpu.js';
import type { Insn } from '../insn.js';
import { illegal } from './system.js';
import {
  alu, ALU_CMP, incDec, neg, signExtend, mul32, mul64, imul64, wide, setMulFlags,
  divU128, divS128, divSmallSigned, divResult, maskOf,
} from './arith.js';

const TWO32 = 4294967296;

// ------------------------------------------------------------------ ALU

/** op Ev, Gv (and byte form): 00 01 08 09 ... 38 39. aux = ALU kind. */
export function aluEG(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const b = cpu.readRegOp(i, size);
  const bHi = cpu.outHi;
  if (i.mod === 3) {
    const rm = size === 1 ? Cpu.byteReg(i, i.rm) : i.rm;
    const a = cpu.getReg(size, rm);
    const r = alu(cpu, i.aux, size, a | 0, cpu.outHi | 0, b | 0, bHi | 0);
    if (i.aux !== ALU_CMP) cpu.setReg(size, rm, r, cpu.outHi);
  } else {
    const addr = cpu.ea(i);
    const a = cpu.read(size, addr);
    const r = alu(cpu, i.aux, size, a | 0, cpu.outHi | 0, b | 0, bHi | 0);
    if (i.aux !== ALU_CMP) cpu.write(size, addr, r, cpu.outHi);
  }
}

/** op Gv, Ev: 02 03 0A 0B ... 3A 3B (written out like aluEG: one hot handler per operand order). */
export function aluGE(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const b = cpu.readRM(i, size);
  const bHi = cpu.outHi;
  const a = cpu.readRegOp(i, size);
  const r = alu(cpu, i.aux, size, a | 0, cpu.outHi | 0, b | 0, bHi | 0);
  if (i.aux !== ALU_CMP) cpu.writeRegOp(i, size, r, cpu.outHi);
}

/** op AL/eAX, imm: 04 05 ... 3C 3D. */
export function aluAccImm(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const a = cpu.getReg(size, RAX);
  const r = alu(cpu, i.aux, size, a | 0, cpu.outHi | 0, i.imm | 0, i.immHi | 0);
  if (i.aux !== ALU_CMP) cpu.setReg(size, RAX, r, cpu.outHi);
}

/** Group 1: 80 81 83 /digit Ev, imm. */
export function aluEImm(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const kind = i.regOp;
  if (i.mod === 3) {
    const rm = size === 1 ? Cpu.byteReg(i, i.rm) : i.rm;
    const a = cpu.getReg(size, rm);
    const r = alu(cpu, kind, size, a | 0, cpu.outHi | 0, i.imm | 0, i.immHi | 0);
    if (kind !== ALU_CMP) cpu.setReg(size, rm, r, cpu.outHi);
  } else {
    const addr = cpu.ea(i);
    const a = cpu.read(size, addr);
    const r = alu(cpu, kind, size, a | 0, cpu.outHi | 0, i.imm | 0, i.immHi | 0);
    if (kind !== ALU_CMP) cpu.write(size, addr, r, cpu.outHi);
  }
}

/** TEST Ev, Gv (84 85). */
export function testEG(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const a = cpu.readRM(i, size);
  const aHi = cpu.outHi;
  const b = cpu.readRegOp(i, size);
  cpu.setFlagsLogic(size, (a & b) >>> 0, (aHi & cpu.outHi) >>> 0);
}

/** TEST AL/eAX, imm (A8 A9) and TEST Ev, imm (F6/F7 /0). */
export function testImm(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const a = i.hasModRM ? cpu.readRM(i, size) : cpu.getReg(size, RAX);
  cpu.setFlagsLogic(size, (a & i.imm) >>> 0, (cpu.outHi & i.immHi) >>> 0);
}

// ------------------------------------------------------------------ moves

/** MOV Ev, Gv (88 89). */
export function movEG(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const v = cpu.readRegOp(i, size);
  cpu.writeRM(i, size, v, cpu.outHi);
}

/** MOV Gv, Ev (8A 8B). */
export function movGE(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const v = cpu.readRM(i, size);
  cpu.writeRegOp(i, size, v, cpu.outHi);
}

/** MOV r, imm (B0-BF) — opReg. */
export function movRegImm(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  cpu.setReg(size, size === 1 ? Cpu.byteReg(i, i.opReg) : i.opReg, i.imm, i.immHi);
}

/** MOV Ev, imm (C6 C7 /0). */
export function movEImm(cpu: Cpu, i: Insn): void {
  cpu.writeRM(i, i.opSize, i.imm, i.immHi);
}

/** MOV AL/eAX, moffs (A0 A1) and MOV moffs, AL/eAX (A2 A3): address precomputed in target. */
export function movAccMoffs(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  let addr = i.target;
  if (i.seg !== 0) addr += i.seg === 4 ? cpu.fsBase : cpu.gsBase;
  if (i.aux === 0) {
    const v = cpu.read(size, addr);
    cpu.setReg(size, RAX, v, cpu.outHi);
  } else {
    const v = cpu.getReg(size, RAX);
    cpu.write(size, addr, v, cpu.outHi);
  }
}

/** LEA Gv, M (8D): the address arithmetic, exact in 64 bits, without the segment base. */
export function lea(cpu: Cpu, i: Insn): void {
  const lo = cpu.eaExact(i);
  if (i.opSize === 8) cpu.writeRegOp(i, 8, lo, cpu.outHi);
  else cpu.writeRegOp(i, i.opSize, i.opSize === 2 ? lo & 0xffff : lo, 0);
}

/** MOVZX Gv, Eb/Ew (0F B6 B7): aux = source size. */
export function movzx(cpu: Cpu, i: Insn): void {
  const v = i.mod === 3
    ? cpu.getReg(i.aux, i.aux === 1 ? Cpu.byteReg(i, i.rm) : i.rm)
    : cpu.read(i.aux, cpu.ea(i));
  cpu.writeRegOp(i, i.opSize, v, 0);
}

/** MOVSX Gv, Eb/Ew (0F BE BF) and MOVSXD Gv, Ed (63): aux = source size. */
export function movsx(cpu: Cpu, i: Insn): void {
  const v = i.mod === 3
    ? cpu.getReg(i.aux, i.aux === 1 ? Cpu.byteReg(i, i.rm) : i.rm)
    : cpu.read(i.aux, cpu.ea(i));
  const lo = signExtend(cpu, i.aux, v);
  cpu.writeRegOp(i, i.opSize, lo & maskOf(i.opSize), cpu.outHi);
}

/** XCHG Ev, Gv (86 87). */
export function xchgEG(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const a = cpu.readRegOp(i, size);
  const aHi = cpu.outHi;
  if (i.mod === 3) {
    const rm = size === 1 ? Cpu.byteReg(i, i.rm) : i.rm;
    const b = cpu.getReg(size, rm);
    const bHi = cpu.outHi;
    cpu.setReg(size, rm, a, aHi);
    cpu.writeRegOp(i, size, b, bHi);
  } else {
    const addr = cpu.ea(i);
    const b = cpu.read(size, addr);
    const bHi = cpu.outHi;
    cpu.write(size, addr, a, aHi);
    cpu.writeRegOp(i, size, b, bHi);
  }
}

/** XCHG eAX, r (91-97, and 90 with REX.B). */
export function xchgAcc(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const a = cpu.getReg(size, RAX);
  const aHi = cpu.outHi;
  const b = cpu.getReg(size, i.opReg);
  cpu.setReg(size, RAX, b, cpu.outHi);
  cpu.setReg(size, i.opReg, a, aHi);
}

export function nop(_cpu: Cpu, _i: Insn): void {}

/** CBW/CWDE/CDQE (98). */
export function cbw(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const src = cpu.getReg(size >> 1, RAX);
  const lo = signExtend(cpu, size >> 1, src);
  cpu.setReg(size, RAX, lo & maskOf(size), cpu.outHi);
}

/** CWD/CDQ/CQO (99). */
export function cwd(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const neg = size === 8 ? (cpu.hi[RAX]! & 0x80000000) !== 0 : (cpu.lo[RAX]! & (size === 4 ? 0x80000000 : 0x8000)) !== 0;
  const fill = neg ? 0xffffffff : 0;
  cpu.setReg(size, RDX, fill & maskOf(size), fill);
}

// ------------------------------------------------------------------ stack

/** PUSH r (50-57). */
export function pushReg(cpu: Cpu, i: Insn): void {
  if (i.opSize === 2) return push16(cpu, cpu.lo[i.opReg]! & 0xffff);
  cpu.push64(cpu.lo[i.opReg]!, cpu.hi[i.opReg]!);
}

/** POP r (58-5F). */
export function popReg(cpu: Cpu, i: Insn): void {
  if (i.opSize === 2) {
    cpu.setReg(2, i.opReg, pop16(cpu), 0);
    return;
  }
  const lo = cpu.pop64();
  cpu.lo[i.opReg] = lo;
  cpu.hi[i.opReg] = cpu.outHi;
}

/** PUSH imm (68 6A). */
export function pushImm(cpu: Cpu, i: Insn): void {
  if (i.opSize === 2) return push16(cpu, i.imm & 0xffff);
  cpu.push64(i.imm, i.immHi);
}

/** PUSH Ev (FF /6). */
export function pushE(cpu: Cpu, i: Insn): void {
  if (i.opSize === 2) return push16(cpu, cpu.readRM(i, 2));
  const lo = cpu.readRM(i, 8);
  cpu.push64(lo, cpu.outHi);
}

/** POP Ev (8F /0): RSP is incremented before the destination address is computed. */
export function popE(cpu: Cpu, i: Insn): void {
  const spLo = cpu.lo[RSP]!, spHi = cpu.hi[RSP]!;
  try {
    if (i.opSize === 2) {
      const v = pop16(cpu);
      cpu.writeRM(i, 2, v, 0);
      return;
    }
    const lo = cpu.pop64();
    cpu.writeRM(i, 8, lo, cpu.outHi);
  } catch (e) {
    // a faulting store leaves RSP as it was (the instruction restarts)
    cpu.lo[RSP] = spLo;
    cpu.hi[RSP] = spHi;
    throw e;
  }
}

function push16(cpu: Cpu, v: number): void {
  const rsp = cpu.getReg64Number(RSP) - 2;
  cpu.mem.write16(rsp, v);
  cpu.setReg64Number(RSP, rsp);
}

function pop16(cpu: Cpu): number {
  const rsp = cpu.getReg64Number(RSP);
  const v = cpu.mem.read16(rsp);
  cpu.setReg64Number(RSP, rsp + 2);
  return v;
}

/** LEAVE (C9). */
export function leave(cpu: Cpu, i: Insn): void {
  // read before changing RSP, so that a fault leaves the registers as they were
  const bp = cpu.getReg64Number(RBP);
  if (i.opSize === 2) {
    // 66 C9: RSP = RBP, then a 16-bit pop into BP (bits 16-63 of RBP kept)
    const v = cpu.mem.read16(bp);
    cpu.setReg64Number(RSP, bp + 2);
    cpu.setReg(2, RBP, v, 0);
    return;
  }
  const hi = cpu.mem.read32(bp + 4);
  const lo = cpu.mem.read32(bp);
  cpu.setReg64Number(RSP, bp + 8);
  cpu.lo[RBP] = lo;
  cpu.hi[RBP] = hi;
}

/** ENTER imm16, imm8 (C8). */
export function enter(cpu: Cpu, i: Insn): void {
  const size = i.imm & 0xffff;
  const level = i.imm2 & 31;
  cpu.push64(cpu.lo[RBP]!, cpu.hi[RBP]!);
  const frame = cpu.getReg64Number(RSP);
  let rbp = cpu.getReg64Number(RBP);
  for (let n = 1; n < level; n++) {
    rbp -= 8;
    const lo = cpu.mem.read32(rbp);
    const hi = cpu.mem.read32(rbp + 4);
    cpu.push64(lo, hi);
  }
  if (level > 0) cpu.push64(frame % TWO32, Math.floor(frame / TWO32));
  cpu.setReg64Number(RBP, frame);
  cpu.setReg64Number(RSP, cpu.getReg64Number(RSP) - size);
}

/** PUSHF (9C). */
export function pushf(cpu: Cpu, i: Insn): void {
  const f = cpu.getRflags();
  if (i.opSize === 2) push16(cpu, f & 0xffff);
  else cpu.push64(f, 0);
}

/** POPF (9D). */
export function popf(cpu: Cpu, i: Insn): void {
  if (i.opSize === 2) {
    const v = pop16(cpu);
    cpu.setRflags((cpu.getRflags() & 0xffff0000) | v);
  } else {
    cpu.setRflags(cpu.pop64());
  }
}

/** LAHF (9F): AH = SF:ZF:0:AF:0:PF:1:CF. */
export function lahf(cpu: Cpu, _i: Insn): void {
  const f = (cpu.arithFlags() & (SF | ZF | AF | PF | CF)) | 2;
  cpu.lo[RAX] = (cpu.lo[RAX]! & 0xffff00ff) | (f << 8);
}

/** SAHF (9E). */
export function sahf(cpu: Cpu, _i: Insn): void {
  const ah = (cpu.lo[RAX]! >>> 8) & 0xff;
  const keep = cpu.arithFlags() & ~(SF | ZF | AF | PF | CF);
  cpu.setFlagsEager(keep | (ah & (SF | ZF | AF | PF | CF)));
}

/** CLC STC CMC CLD STD (F8 F9 F5 FC FD): aux selects. */
export function flagOp(cpu: Cpu, i: Insn): void {
  switch (i.aux) {
    case 0xf8: cpu.setFlagsEager(cpu.arithFlags() & ~CF); break;
    case 0xf9: cpu.setFlagsEager(cpu.arithFlags() | CF); break;
    case 0xf5: cpu.setFlagsEager(cpu.arithFlags() ^ CF); break;
    case 0xfc: cpu.df = 0; break;
    default: cpu.df = 1; break;
  }
}

// ------------------------------------------------------------------ inc/dec/not/neg

/** FE/FF /0 /1, aux unused: regOp 0 = inc, 1 = dec. */
export function incDecE(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const dec = i.regOp === 1;
  if (i.mod === 3) {
    const rm = size === 1 ? Cpu.byteReg(i, i.rm) : i.rm;
    const a = cpu.getReg(size, rm);
    const r = incDec(cpu, dec, size, a | 0, cpu.outHi | 0);
    cpu.setReg(size, rm, r, cpu.outHi);
  } else {
    const addr = cpu.ea(i);
    const a = cpu.read(size, addr);
    const r = incDec(cpu, dec, size, a | 0, cpu.outHi | 0);
    cpu.write(size, addr, r, cpu.outHi);
  }
}

/** Group 3 (F6 F7): /0 test, /2 not, /3 neg, /4 mul, /5 imul, /6 div, /7 idiv. */
export function group3(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  switch (i.regOp) {
    case 0:
    case 1:
      testImm(cpu, i);
      return;
    case 2: {
      const v = cpu.readRM(i, size);
      cpu.writeRM(i, size, ~v & maskOf(size), ~cpu.outHi >>> 0);
      return;
    }
    case 3: {
      const v = cpu.readRM(i, size);
      const r = neg(cpu, size, v, size === 8 ? cpu.outHi : 0);
      cpu.writeRM(i, size, r, cpu.outHi);
      return;
    }
    case 4: mulAcc(cpu, i, false); return;
    case 5: mulAcc(cpu, i, true); return;
    case 6: divAcc(cpu, i, false); return;
    default: divAcc(cpu, i, true); return;
  }
}

function mulAcc(cpu: Cpu, i: Insn, signed: boolean): void {
  const size = i.opSize;
  const bLo = cpu.readRM(i, size);
  const bHi = size === 8 ? cpu.outHi : 0;
  if (size === 8) {
    if (signed) imul64(cpu, cpu.lo[RAX]! | 0, cpu.hi[RAX]! | 0, bLo | 0, bHi | 0);
    else mul64(cpu, cpu.lo[RAX]! | 0, cpu.hi[RAX]! | 0, bLo | 0, bHi | 0);
    const rLo = wide[0]!, rHi = wide[1]!, hLo = wide[2]!, hHi = wide[3]!;
    cpu.lo[RAX] = rLo; cpu.hi[RAX] = rHi;
    cpu.lo[RDX] = hLo; cpu.hi[RDX] = hHi;
    const overflow = signed
      ? !((rHi & 0x80000000) ? hLo === 0xffffffff && hHi === 0xffffffff : hLo === 0 && hHi === 0)
      : hLo !== 0 || hHi !== 0;
    setMulFlags(cpu, overflow, 8, rLo | 0, rHi | 0);
    return;
  }
  const a = cpu.getReg(size, RAX);
  if (size === 4) {
    let lo: number, hi: number;
    if (signed) {
      const p = (a | 0) * (bLo | 0); // |p| < 2^62: not exact; use halves
      void p;
      lo = mul32(cpu, a, bLo) >>> 0;
      hi = cpu.outHi;
      if (a & 0x80000000) hi = (hi - bLo) >>> 0;
      if (bLo & 0x80000000) hi = (hi - a) >>> 0;
    } else {
      lo = mul32(cpu, a, bLo) >>> 0;
      hi = cpu.outHi;
    }
    cpu.setReg(4, RAX, lo, 0);
    cpu.setReg(4, RDX, hi, 0);
    const overflow = signed ? hi !== ((lo & 0x80000000) ? 0xffffffff : 0) : hi !== 0;
    setMulFlags(cpu, overflow, 4, lo, 0);
    return;
  }
  if (size === 2) {
    const p = signed ? ((a << 16) >> 16) * ((bLo << 16) >> 16) : a * bLo;
    const lo = p & 0xffff, hi = (p >> 16) & 0xffff;
    cpu.setReg(2, RAX, lo, 0);
    cpu.setReg(2, RDX, hi, 0);
    const overflow = signed ? p !== ((lo << 16) >> 16) : hi !== 0;
    setMulFlags(cpu, overflow, 2, lo, 0);
    return;
  }
  const p = signed ? ((a << 24) >> 24) * ((bLo << 24) >> 24) : a * bLo;
  cpu.setReg(2, RAX, p & 0xffff, 0);
  const overflow = signed ? p !== ((p << 24) >> 24) : (p & 0xff00) !== 0;
  setMulFlags(cpu, overflow, 1, p & 0xff, 0);
}

function divideError(cpu: Cpu): never {
  throw new CpuException(SIGFPE, `integer divide error at rip 0x${cpu.curAddr.toString(16)}`, cpu.curAddr, 1);
}

function divAcc(cpu: Cpu, i: Insn, signed: boolean): void {
  const size = i.opSize;
  const dLo = cpu.readRM(i, size);
  const dHi = size === 8 ? cpu.outHi : 0;
  if (size === 8) {
    const ok = signed
      ? divS128(cpu.lo[RAX]!, cpu.hi[RAX]!, cpu.lo[RDX]!, cpu.hi[RDX]!, dLo, dHi)
      : divU128(cpu.lo[RAX]!, cpu.hi[RAX]!, cpu.lo[RDX]!, cpu.hi[RDX]!, dLo, dHi);
    if (!ok) divideError(cpu);
    cpu.lo[RAX] = divResult[0]!; cpu.hi[RAX] = divResult[1]!;
    cpu.lo[RDX] = divResult[2]!; cpu.hi[RDX] = divResult[3]!;
    return;
  }
  let nLo: number, nHi: number;
  if (size === 4) { nLo = cpu.lo[RAX]!; nHi = cpu.lo[RDX]!; }
  else if (size === 2) { nLo = ((cpu.lo[RDX]! & 0xffff) << 16 | (cpu.lo[RAX]! & 0xffff)) >>> 0; nHi = 0; }
  else { nLo = cpu.lo[RAX]! & 0xffff; nHi = 0; }
  if (signed) {
    if (!divSmallSigned(nLo, nHi, size, dLo)) divideError(cpu);
  } else {
    if (dLo === 0) divideError(cpu);
    if (!divU128(nLo, nHi, 0, 0, dLo, 0)) divideError(cpu);
    if (divResult[1] !== 0 || divResult[0]! > maskOf(size)) divideError(cpu);
  }
  const q = divResult[0]! & maskOf(size), r = divResult[2]! & maskOf(size);
  if (size === 1) {
    cpu.lo[RAX] = (cpu.lo[RAX]! & 0xffff0000) | (r << 8) | q;
  } else {
    cpu.setReg(size, RAX, q, 0);
    cpu.setReg(size, RDX, r, 0);
  }
}

/** IMUL Gv, Ev (0F AF) and IMUL Gv, Ev, imm (69 6B): aux = 1 when an immediate is the multiplier. */
export function imulG(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  let aLo: number, aHi: number;
  const bLo0 = cpu.readRM(i, size);
  const bHi0 = cpu.outHi;
  if (i.aux === 1) { aLo = i.imm; aHi = i.immHi; }
  else { aLo = cpu.readRegOp(i, size); aHi = cpu.outHi; }
  if (size === 8) {
    imul64(cpu, aLo | 0, aHi | 0, bLo0 | 0, bHi0 | 0);
    const rLo = wide[0]!, rHi = wide[1]!, hLo = wide[2]!, hHi = wide[3]!;
    const overflow = !((rHi & 0x80000000) ? hLo === 0xffffffff && hHi === 0xffffffff : hLo === 0 && hHi === 0);
    // int32 views of the halves cross the calls without being boxed into heap numbers
    cpu.writeRegOp(i, 8, rLo | 0, rHi | 0);
    setMulFlags(cpu, overflow, 8, rLo | 0, rHi | 0);
    return;
  }
  if (size === 4) {
    const lo = Math.imul(aLo, bLo0) >>> 0;
    mul32(cpu, aLo, bLo0);
    let hi = cpu.outHi;
    if (aLo & 0x80000000) hi = (hi - bLo0) >>> 0;
    if (bLo0 & 0x80000000) hi = (hi - aLo) >>> 0;
    const overflow = hi !== ((lo & 0x80000000) ? 0xffffffff : 0);
    cpu.writeRegOp(i, 4, lo, 0);
    setMulFlags(cpu, overflow, 4, lo, 0);
    return;
  }
  const p = ((aLo << 16) >> 16) * ((bLo0 << 16) >> 16);
  const lo = p & 0xffff;
  cpu.writeRegOp(i, 2, lo, 0);
  setMulFlags(cpu, p !== ((lo << 16) >> 16), 2, lo, 0);
}

// ------------------------------------------------------------------ conditionals

/** SETcc Eb (0F 90-9F): aux = condition. */
export function setcc(cpu: Cpu, i: Insn): void {
  cpu.writeRM(i, 1, cpu.cond(i.aux) ? 1 : 0, 0);
}

/** CMOVcc Gv, Ev (0F 40-4F). The source is read (and may fault) even when the condition is false. */
export function cmovcc(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const v = cpu.readRM(i, size);
  const vHi = cpu.outHi;
  if (cpu.cond(i.aux)) cpu.writeRegOp(i, size, v, vHi);
  else if (size === 4) cpu.hi[i.reg] = 0; // 32-bit destination is zero-extended regardless
}

// ------------------------------------------------------------------ exchange-and-modify

/** XADD Ev, Gv (0F C0 C1). */
export function xadd(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const b = cpu.readRegOp(i, size);
  const bHi = cpu.outHi;
  if (i.mod === 3) {
    const rm = size === 1 ? Cpu.byteReg(i, i.rm) : i.rm;
    const a = cpu.getReg(size, rm);
    const aHi = cpu.outHi;
    const r = alu(cpu, 0, size, a | 0, aHi | 0, b | 0, bHi | 0);
    const rHi = cpu.outHi;
    cpu.writeRegOp(i, size, a, aHi);
    cpu.setReg(size, rm, r, rHi);
  } else {
    const addr = cpu.ea(i);
    const a = cpu.read(size, addr);
    const aHi = cpu.outHi;
    const r = alu(cpu, 0, size, a | 0, aHi | 0, b | 0, bHi | 0);
    cpu.write(size, addr, r, cpu.outHi);
    cpu.writeRegOp(i, size, a, aHi);
  }
}

/** CMPXCHG Ev, Gv (0F B0 B1). */
export function cmpxchg(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const addr = i.mod === 3 ? 0 : cpu.ea(i);
  const rm = size === 1 ? Cpu.byteReg(i, i.rm) : i.rm;
  const dest = i.mod === 3 ? cpu.getReg(size, rm) : cpu.read(size, addr);
  const destHi = size === 8 ? cpu.outHi : 0;
  const acc = cpu.getReg(size, RAX);
  const accHi = size === 8 ? cpu.outHi : 0;
  alu(cpu, ALU_CMP, size, acc | 0, accHi | 0, dest | 0, destHi | 0);
  if (cpu.zf) {
    const src = cpu.readRegOp(i, size);
    if (i.mod === 3) cpu.setReg(size, rm, src, cpu.outHi);
    else cpu.write(size, addr, src, cpu.outHi);
  } else {
    // the destination is written back with its own value on real hardware (locked RMW)
    if (i.mod !== 3) cpu.write(size, addr, dest, destHi);
    cpu.setReg(size, RAX, dest, destHi);
  }
}

/** CMPXCHG8B m64 (0F C7 /1). CMPXCHG16B is not advertised (no CX16) and is #UD. */
export function cmpxchg8b(cpu: Cpu, i: Insn): void {
  if (i.rexW) return illegal(cpu, i); // CMPXCHG16B: CX16 is not reported
  const addr = cpu.ea(i);
  const lo = cpu.mem.read32(addr), hi = cpu.mem.read32(addr + 4);
  const flags = cpu.arithFlags();
  if (lo === cpu.lo[RAX] && hi === cpu.lo[RDX]) {
    cpu.mem.write64(addr, cpu.lo[3]!, cpu.lo[1]!); // ECX:EBX
    cpu.setFlagsEager(flags | ZF);
  } else {
    cpu.mem.write64(addr, lo, hi);
    cpu.setReg(4, RAX, lo, 0);
    cpu.setReg(4, RDX, hi, 0);
    cpu.setFlagsEager(flags & ~ZF);
  }
}

// ------------------------------------------------------------------ bit manipulation

/** BSWAP r (0F C8-CF). */
export function bswap(cpu: Cpu, i: Insn): void {
  const r = i.opReg;
  const swap = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
  if (i.opSize === 8) {
    const lo = cpu.lo[r]!, hi = cpu.hi[r]!;
    cpu.lo[r] = swap(hi);
    cpu.hi[r] = swap(lo);
  } else if (i.opSize === 4) {
    cpu.setReg(4, r, swap(cpu.lo[r]!), 0);
  } else {
    cpu.setReg(2, r, 0, 0); // BSWAP r16 is undefined; real CPUs give 0
  }
}

/** BSF/BSR (0F BC BD, also F3-prefixed TZCNT/LZCNT, which run as BSF/BSR without BMI1/LZCNT). aux: 0 = bsf, 1 = bsr. */
export function bitScan(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  let lo = cpu.readRM(i, size);
  const hi = size === 8 ? cpu.outHi : 0;
  if (size === 2) lo &= 0xffff;
  const flags = cpu.arithFlags() & ~(ZF | CF | SF | OF | AF | PF);
  if (lo === 0 && hi === 0) {
    // destination unchanged (what real CPUs do); ZF=1
    cpu.setFlagsEager(flags | ZF);
    return;
  }
  let idx: number;
  if (i.aux === 0) {
    idx = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
  } else {
    idx = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
  }
  cpu.writeRegOp(i, size, idx, 0);
  cpu.setFlagsEager(flags | (Cpu.parity(idx) ? PF : 0));
}

/** BT/BTS/BTR/BTC Ev, Gv (0F A3 AB B3 BB) and group 8 with imm (0F BA). aux: 0 bt, 1 bts, 2 btr, 3 btc; aux|4 = immediate form. */
export function bitTest(cpu: Cpu, i: Insn): void {
  const size = i.opSize;
  const bits = size * 8;
  // group 8 (0F BA /4-/7) takes the operation from ModRM.reg and an immediate bit offset
  const aux = i.op === 0x0fba ? 4 | (i.regOp - 4) : i.aux;
  const op = aux & 3;
  let offLo: number;
  let offSigned = 0; // bit offset as a signed number for memory forms
  let offRaw = 0, offHi = 0;
  if (aux & 4) {
    offLo = i.imm & (bits - 1);
  } else {
    const r = cpu.readRegOp(i, size);
    offRaw = r; offHi = cpu.outHi;
    if (i.mod !== 3) {
      // register bit offset addresses memory beyond the operand (signed)
      if (size === 8) offSigned = (cpu.outHi | 0) * 4294967296 + r;
      else if (size === 4) offSigned = r | 0;
      else offSigned = (r << 16) >> 16;
    }
    offLo = r & (bits - 1);
  }
  let addr = 0;
  let v: number;
  if (i.mod === 3) {
    v = cpu.getReg(size, i.rm);
  } else {
    addr = cpu.ea(i);
    if (!(aux & 4)) {
      if (i.addrSize === 4 || Math.abs(offSigned) >= 2 ** 52) {
        // exact address arithmetic, wrapping at the address size (bit offsets up to ±2^63)
        const o = size === 8 ? BigInt.asIntN(64, (BigInt(offHi) << 32n) | BigInt(offRaw)) : BigInt(offSigned);
        const a = BigInt(addr) + (o >> BigInt(Math.log2(bits))) * BigInt(size);
        addr = Number(i.addrSize === 4 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a));
      } else {
        addr += Math.floor(offSigned / bits) * size;
      }
      // offLo (the offset modulo the operand width) is exact from the register's low bits
    }
    v = cpu.read(size, addr);
  }
  let vHi = size === 8 ? cpu.outHi : 0;
  let word: number, bit: number;
  if (offLo >= 32) { word = vHi; bit = offLo - 32; } else { word = v; bit = offLo; }
  const set = (word >>> bit) & 1;
  const flags = cpu.arithFlags() & ~CF;
  cpu.setFlagsEager(flags | set);
  if (op === 0) return;
  const mask = (1 << bit) >>> 0;
  let nw: number;
  if (op === 1) nw = (word | mask) >>> 0;
  else if (op === 2) nw = (word & ~mask) >>> 0;
  else nw = (word ^ mask) >>> 0;
  if (offLo >= 32) vHi = nw; else v = nw;
  if (i.mod === 3) cpu.setReg(size, i.rm, v, vHi);
  else cpu.write(size, addr, v, vHi);
}

export { FlagOp };
