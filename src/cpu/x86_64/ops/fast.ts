/**
 * Specialised handlers for the most frequent instruction forms (register-register and
 * register-memory moves and ALU operations at 32 and 64 bits). The decoder swaps one of these in
 * when an instruction matches, so the hot path skips the size switches and byte-register checks of
 * the general handlers. Each must behave exactly like the general handler it replaces; the corpus
 * and the differential tests run both kinds.
 */
import { Cpu, FlagOp } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { ALU_ADD, ALU_SUB, ALU_CMP, ALU_AND, ALU_OR } from './arith.js';

const TWO32 = 4294967296;

function movRR64(cpu: Cpu, i: Insn): void {
  cpu.lo[i.rm] = cpu.lo[i.reg]!;
  cpu.hi[i.rm] = cpu.hi[i.reg]!;
}

function movRR32(cpu: Cpu, i: Insn): void {
  cpu.lo[i.rm] = cpu.lo[i.reg]!;
  cpu.hi[i.rm] = 0;
}

function loadR64(cpu: Cpu, i: Insn): void {
  const addr = cpu.ea(i);
  const mem = cpu.mem;
  const lo = mem.read32(addr);
  cpu.hi[i.reg] = mem.read32(addr + 4);
  cpu.lo[i.reg] = lo;
}

function loadR32(cpu: Cpu, i: Insn): void {
  cpu.lo[i.reg] = cpu.mem.read32(cpu.ea(i));
  cpu.hi[i.reg] = 0;
}

function storeR64(cpu: Cpu, i: Insn): void {
  cpu.mem.write64(cpu.ea(i), cpu.lo[i.reg]!, cpu.hi[i.reg]!);
}

function storeR32(cpu: Cpu, i: Insn): void {
  cpu.mem.write32(cpu.ea(i), cpu.lo[i.reg]!);
}

/**
 * ALU r/m64, r64 register form for add/sub/cmp/and/or/xor. One closure per kind, written out
 * (they repeat each other's shape on purpose): the generic alu()'s switch is what they avoid.
 */
function makeAluRR64(kind: number): Handler {
  switch (kind) {
    case ALU_ADD:
      return (cpu, i) => {
        const d = i.rm;
        const aLo = cpu.lo[d]!, aHi = cpu.hi[d]!, bLo = cpu.lo[i.reg]!, bHi = cpu.hi[i.reg]!;
        const s = aLo + bLo;
        const rLo = s >>> 0;
        const rHi = (aHi + bHi + (s >= TWO32 ? 1 : 0)) >>> 0;
        cpu.lo[d] = rLo; cpu.hi[d] = rHi;
        cpu.setFlagsLazy(FlagOp.Add, 8, aLo, aHi, bLo, bHi, rLo, rHi);
      };
    case ALU_SUB:
    case ALU_CMP: {
      const write = kind === ALU_SUB;
      return (cpu, i) => {
        const d = i.rm;
        const aLo = cpu.lo[d]!, aHi = cpu.hi[d]!, bLo = cpu.lo[i.reg]!, bHi = cpu.hi[i.reg]!;
        const t = aLo - bLo;
        const rLo = t >>> 0;
        const rHi = (aHi - bHi - (t < 0 ? 1 : 0)) >>> 0;
        if (write) { cpu.lo[d] = rLo; cpu.hi[d] = rHi; }
        cpu.setFlagsLazy(FlagOp.Sub, 8, aLo, aHi, bLo, bHi, rLo, rHi);
      };
    }
    case ALU_AND:
      return (cpu, i) => {
        const d = i.rm;
        const rLo = (cpu.lo[d]! & cpu.lo[i.reg]!) >>> 0, rHi = (cpu.hi[d]! & cpu.hi[i.reg]!) >>> 0;
        cpu.lo[d] = rLo; cpu.hi[d] = rHi;
        cpu.setFlagsLogic(8, rLo, rHi);
      };
    case ALU_OR:
      return (cpu, i) => {
        const d = i.rm;
        const rLo = (cpu.lo[d]! | cpu.lo[i.reg]!) >>> 0, rHi = (cpu.hi[d]! | cpu.hi[i.reg]!) >>> 0;
        cpu.lo[d] = rLo; cpu.hi[d] = rHi;
        cpu.setFlagsLogic(8, rLo, rHi);
      };
    default: // XOR
      return (cpu, i) => {
        const d = i.rm;
        const rLo = (cpu.lo[d]! ^ cpu.lo[i.reg]!) >>> 0, rHi = (cpu.hi[d]! ^ cpu.hi[i.reg]!) >>> 0;
        cpu.lo[d] = rLo; cpu.hi[d] = rHi;
        cpu.setFlagsLogic(8, rLo, rHi);
      };
  }
}

/** ALU r/m32, r32 register form. */
function makeAluRR32(kind: number): Handler {
  switch (kind) {
    case ALU_ADD:
      return (cpu, i) => {
        const d = i.rm;
        const a = cpu.lo[d]!, b = cpu.lo[i.reg]!;
        const r = (a + b) >>> 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.setFlagsLazy(FlagOp.Add, 4, a, 0, b, 0, r, 0);
      };
    case ALU_SUB:
    case ALU_CMP: {
      const write = kind === ALU_SUB;
      return (cpu, i) => {
        const d = i.rm;
        const a = cpu.lo[d]!, b = cpu.lo[i.reg]!;
        const r = (a - b) >>> 0;
        if (write) { cpu.lo[d] = r; cpu.hi[d] = 0; }
        cpu.setFlagsLazy(FlagOp.Sub, 4, a, 0, b, 0, r, 0);
      };
    }
    case ALU_AND:
      return (cpu, i) => {
        const d = i.rm;
        const r = (cpu.lo[d]! & cpu.lo[i.reg]!) >>> 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.setFlagsLogic(4, r, 0);
      };
    case ALU_OR:
      return (cpu, i) => {
        const d = i.rm;
        const r = (cpu.lo[d]! | cpu.lo[i.reg]!) >>> 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.setFlagsLogic(4, r, 0);
      };
    default:
      return (cpu, i) => {
        const d = i.rm;
        const r = (cpu.lo[d]! ^ cpu.lo[i.reg]!) >>> 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.setFlagsLogic(4, r, 0);
      };
  }
}

/** ALU r64, imm (81/83 register form) for add/sub/cmp/and. */
function makeAluRI64(kind: number): Handler | null {
  switch (kind) {
    case ALU_ADD:
      return (cpu, i) => {
        const d = i.rm;
        const aLo = cpu.lo[d]!, aHi = cpu.hi[d]!, bLo = i.imm, bHi = i.immHi;
        const s = aLo + bLo;
        const rLo = s >>> 0;
        const rHi = (aHi + bHi + (s >= TWO32 ? 1 : 0)) >>> 0;
        cpu.lo[d] = rLo; cpu.hi[d] = rHi;
        cpu.setFlagsLazy(FlagOp.Add, 8, aLo, aHi, bLo, bHi, rLo, rHi);
      };
    case ALU_SUB:
    case ALU_CMP: {
      const write = kind === ALU_SUB;
      return (cpu, i) => {
        const d = i.rm;
        const aLo = cpu.lo[d]!, aHi = cpu.hi[d]!, bLo = i.imm, bHi = i.immHi;
        const t = aLo - bLo;
        const rLo = t >>> 0;
        const rHi = (aHi - bHi - (t < 0 ? 1 : 0)) >>> 0;
        if (write) { cpu.lo[d] = rLo; cpu.hi[d] = rHi; }
        cpu.setFlagsLazy(FlagOp.Sub, 8, aLo, aHi, bLo, bHi, rLo, rHi);
      };
    }
    case ALU_AND:
      return (cpu, i) => {
        const d = i.rm;
        const rLo = (cpu.lo[d]! & i.imm) >>> 0, rHi = (cpu.hi[d]! & i.immHi) >>> 0;
        cpu.lo[d] = rLo; cpu.hi[d] = rHi;
        cpu.setFlagsLogic(8, rLo, rHi);
      };
    default:
      return null;
  }
}

/** ALU r32, imm register form for add/sub/cmp/and. */
function makeAluRI32(kind: number): Handler | null {
  switch (kind) {
    case ALU_ADD:
      return (cpu, i) => {
        const d = i.rm;
        const a = cpu.lo[d]!, b = i.imm;
        const r = (a + b) >>> 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.setFlagsLazy(FlagOp.Add, 4, a, 0, b, 0, r, 0);
      };
    case ALU_SUB:
    case ALU_CMP: {
      const write = kind === ALU_SUB;
      return (cpu, i) => {
        const d = i.rm;
        const a = cpu.lo[d]!, b = i.imm;
        const r = (a - b) >>> 0;
        if (write) { cpu.lo[d] = r; cpu.hi[d] = 0; }
        cpu.setFlagsLazy(FlagOp.Sub, 4, a, 0, b, 0, r, 0);
      };
    }
    case ALU_AND:
      return (cpu, i) => {
        const d = i.rm;
        const r = (cpu.lo[d]! & i.imm) >>> 0;
        cpu.lo[d] = r; cpu.hi[d] = 0;
        cpu.setFlagsLogic(4, r, 0);
      };
    default:
      return null;
  }
}

function testRR64(cpu: Cpu, i: Insn): void {
  cpu.setFlagsLogic(8, (cpu.lo[i.rm]! & cpu.lo[i.reg]!) >>> 0, (cpu.hi[i.rm]! & cpu.hi[i.reg]!) >>> 0);
}

function testRR32(cpu: Cpu, i: Insn): void {
  cpu.setFlagsLogic(4, (cpu.lo[i.rm]! & cpu.lo[i.reg]!) >>> 0, 0);
}

const ALU_RR64 = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => makeAluRR64(k));
const ALU_RR32 = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => makeAluRR32(k));
const ALU_RI64 = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => makeAluRI64(k));
const ALU_RI32 = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => makeAluRI32(k));

/** ADC/SBB need the carry and stay on the general path. */
function simpleAlu(kind: number): boolean {
  return kind !== 2 && kind !== 3;
}

function movzxLoad8(cpu: Cpu, i: Insn): void {
  cpu.lo[i.reg] = cpu.mem.read8(cpu.ea(i));
  cpu.hi[i.reg] = 0;
}

function movzxLoad16(cpu: Cpu, i: Insn): void {
  cpu.lo[i.reg] = cpu.mem.read16(cpu.ea(i));
  cpu.hi[i.reg] = 0;
}

function movzxReg8(cpu: Cpu, i: Insn): void {
  cpu.lo[i.reg] = cpu.lo[i.rm]! & 0xff;
  cpu.hi[i.reg] = 0;
}

/** TEST r8, r8 for the low byte registers (REX, or AL/CL/DL/BL). */
function testRR8(cpu: Cpu, i: Insn): void {
  cpu.setFlagsLogic(1, cpu.lo[i.rm]! & cpu.lo[i.reg]! & 0xff, 0);
}

/** CMP byte [mem], imm8 (80 /7). */
function cmpM8I(cpu: Cpu, i: Insn): void {
  const a = cpu.mem.read8(cpu.ea(i));
  const b = i.imm;
  cpu.setFlagsLazy(FlagOp.Sub, 1, a, 0, b, 0, (a - b) & 0xff, 0);
}

/** Specialisations of two-byte opcodes and byte-sized forms. */
function specializeOther(i: Insn): Handler | null {
  const reg = i.mod === 3;
  if ((i.op === 0x0fb6 || i.op === 0x0fb7) && (i.opSize === 4 || i.opSize === 8)) {
    if (!reg) return i.op === 0x0fb6 ? movzxLoad8 : movzxLoad16;
    if (i.op === 0x0fb6 && (i.hasRex || i.rm < 4)) return movzxReg8;
    return null;
  }
  if (i.op === 0x84 && reg && (i.hasRex || (i.rm < 4 && i.reg < 4))) return testRR8;
  if (i.op === 0x80 && !reg && i.regOp === ALU_CMP) return cmpM8I;
  return null;
}

/** A faster handler for this decoded instruction, or null to keep the general one. */
export function specialize(i: Insn): Handler | null {
  const size = i.opSize;
  if (size !== 4 && size !== 8) return specializeOther(i);
  if (i.op > 0xff) return specializeOther(i);
  const op = i.op;
  const reg = i.mod === 3;
  // ALU Ev,Gv: 01 09 21 29 31 39 (odd opcodes below 0x40 with low bits 001)
  if (op < 0x40 && (op & 7) === 1 && reg && simpleAlu(i.aux)) {
    return size === 8 ? ALU_RR64[i.aux]! : ALU_RR32[i.aux]!;
  }
  if ((op === 0x81 || op === 0x83) && reg && simpleAlu(i.regOp)) {
    return size === 8 ? ALU_RI64[i.regOp] ?? null : ALU_RI32[i.regOp] ?? null;
  }
  if (op === 0x85 && reg) return size === 8 ? testRR64 : testRR32;
  if (op === 0x89) {
    if (reg) return size === 8 ? movRR64 : movRR32;
    return size === 8 ? storeR64 : storeR32;
  }
  if (op === 0x8b && !reg) return size === 8 ? loadR64 : loadR32;
  return null;
}
