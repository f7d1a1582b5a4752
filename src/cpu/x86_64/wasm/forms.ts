/**
 * The instruction forms the wasm translator emits as their semantics, one emitter per opcode,
 * each following its interpreter handler step by step (same order of memory accesses and of
 * register and flag updates, so a fault leaves the state the handler would). An emitter returns
 * false for variants it does not cover; those run as a call of the handler (codegen.callHandler).
 *
 * An emitter is used only while the instruction runs the handler it was written for (the general
 * handler of its opcode or the decoder's specialised one): an instruction the decoder turned into
 * #UD, a LOCK variant or a handler swapped by the profiler is always called.
 */
import { Op, T } from './encoder.js';
import type { Gen } from './codegen.js';
import { Cpu, FlagOp, RAX, RSP } from '../cpu.js';
import { MAP_0F, type Insn } from '../insn.js';
import { OPCODES } from '../opcodes.js';
import { specialize } from '../ops/fast.js';
import { illegal } from '../ops/system.js';
import { SSE_EMIT } from './forms-sse.js';
import { ALU_ADD, ALU_AND, ALU_CMP, ALU_OR, ALU_SUB, ALU_XOR } from '../ops/arith.js';

/** Emits instruction i (at g.k / g.pos); returns false to have the handler called instead. */
type Emit = (g: Gen, i: Insn) => boolean;

/** How control leaves an instruction the region handles itself (jumps and calls). */
export interface Branch {
  /** Taken target (constant), or null for a dynamic one (ret: on the stack as i64). */
  target: number | null;
  /** Condition code for jcc, or -1 when always taken. */
  cc: number;
}

const EMIT = new Map<number, Emit>();

/** The handler the opcode table gives i (what the emitters were written against). */
function generalHandler(i: Insn): unknown {
  const op = i.op;
  const index = op < 0x100 ? op : (op & 0xff) | ((op >> 8) === 0x0f ? 0x100 : (op >> 8) === 0x0f38 ? 0x200 : 0x300);
  const info = OPCODES[index];
  if (info === undefined) return null;
  return info.group !== undefined ? info.group[i.regOp] : info.exec;
}

/** Emit i natively when an emitter covers it; false when its handler must be called. */
export function emitForm(g: Gen, i: Insn): boolean {
  if (i.lock || i.exec === illegal) return false;
  if (i.exec !== generalHandler(i) && i.exec !== specialize(i)) return false;
  const e = EMIT.get(i.op) ?? SSE_EMIT.get(i.op);
  return e !== undefined && e(g, i);
}

/** Jumps the region follows itself: jcc, jmp rel, call rel (after its push), ret (dynamic). */
export function branchOf(i: Insn): Branch | null {
  if (i.lock || i.exec === illegal || i.exec !== generalHandler(i)) return null;
  const op = i.op;
  if ((op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f)) return { target: i.target, cc: i.aux };
  if (op === 0xeb || op === 0xe9) return { target: i.target, cc: -1 };
  if (op === 0xe8 && i.opSize === 8) return { target: i.target, cc: -1 };
  if (op === 0xc3 && i.opSize === 8) return { target: null, cc: -1 };
  return null;
}

/**
 * Side effects of a branch before it transfers control: call's push, ret's pop (the target i64 is
 * left on the stack). False: not emitted (run by the interpreter: the region exits before it).
 */
export function emitBranchEffects(g: Gen, i: Insn): boolean {
  const f = g.f;
  if (i.op === 0xe8) {
    // cpu.push64: write, then RSP
    f.get(g.r[RSP]!).i64(8, 0).op(Op.I64Sub).set(g.ad);
    g.i64n(i.nextAddr);
    f.set(g.v);
    g.storeV(8);
    f.get(g.ad).set(g.r[RSP]!);
    return true;
  }
  if (i.op === 0xc3) {
    // cpu.pop64 (high half first); a non-canonical target leaves to the interpreter before the pop
    f.get(g.r[RSP]!).set(g.ad);
    g.load(8, 9);
    f.tee(g.v).i64(47, 0).op(Op.I64ShrS).i64(1, 0).op(Op.I64Add).i64(1, 0).op(Op.I64GtU);
    g.open('if');
    g.exitTo(i.addr, g.pos);
    g.close();
    f.get(g.r[RSP]!).i64(8, 0).op(Op.I64Add).set(g.r[RSP]!);
    f.get(g.v);
    return true;
  }
  return true;
}

// ---------------------------------------------------------------- operand helpers

function regOf(i: Insn, r: number, size: number): number {
  return size === 1 ? Cpu.byteReg(i, r) : r;
}

/** Push the r/m operand (register, or memory read like cpu.read: 8 bytes high half first). */
function readRM(g: Gen, i: Insn, size: number): void {
  if (i.mod === 3) g.getR(size, regOf(i, i.rm, size));
  else { g.ea(i); g.load(size, size === 8 ? 9 : size); }
}

/** Pop an i64 into the r/m operand (memory: its address must be in `ad`). */
function writeRM(g: Gen, i: Insn, size: number): void {
  if (i.mod === 3) g.setR(size, regOf(i, i.rm, size));
  else { g.f.set(g.v); g.storeV(size); }
}

function imm(g: Gen, i: Insn, size: number): void {
  g.f.i64(i.imm >>> 0, size === 8 ? i.immHi | 0 : 0);
  g.mask(size);
}

/** ALU kinds emitted inline (ADC/SBB read CF: their handlers are called). */
function simple(kind: number): boolean {
  return kind === ALU_ADD || kind === ALU_OR || kind === ALU_AND || kind === ALU_SUB || kind === ALU_XOR || kind === ALU_CMP;
}

/** alu() of arith.ts on la, lb (masked to size): result into v, lazy flags recorded. */
function alu(g: Gen, kind: number, size: number): void {
  const f = g.f;
  f.get(g.la).get(g.lb);
  switch (kind) {
    case ALU_ADD: f.op(Op.I64Add); break;
    case ALU_SUB: case ALU_CMP: f.op(Op.I64Sub); break;
    case ALU_AND: f.op(Op.I64And); break;
    case ALU_OR: f.op(Op.I64Or); break;
    default: f.op(Op.I64Xor); break;
  }
  g.mask(size);
  f.set(g.v);
  if (kind === ALU_ADD) g.setLazy(FlagOp.Add, size, g.la, g.lb);
  else if (kind === ALU_SUB || kind === ALU_CMP) g.setLazy(FlagOp.Sub, size, g.la, g.lb);
  else g.setLazy(FlagOp.Logic, size, null, null);
}

// ---------------------------------------------------------------- ALU

for (let kind = 0; kind < 8; kind++) {
  const b = kind << 3;
  // aluEG: op Eb/Ev, Gb/Gv
  const eg: Emit = (g, i) => {
    if (!simple(kind)) return false;
    const size = i.opSize;
    g.getR(size, regOf(i, i.reg, size));
    g.f.set(g.lb);
    readRM(g, i, size);
    g.f.set(g.la);
    alu(g, kind, size);
    if (kind !== ALU_CMP) { g.f.get(g.v); writeRM(g, i, size); }
    return true;
  };
  EMIT.set(b, eg);
  EMIT.set(b + 1, eg);
  // aluGE: op Gb/Gv, Eb/Ev (the r/m operand is read first)
  const ge: Emit = (g, i) => {
    if (!simple(kind)) return false;
    const size = i.opSize;
    readRM(g, i, size);
    g.f.set(g.lb);
    g.getR(size, regOf(i, i.reg, size));
    g.f.set(g.la);
    alu(g, kind, size);
    if (kind !== ALU_CMP) { g.f.get(g.v); g.setR(size, regOf(i, i.reg, size)); }
    return true;
  };
  EMIT.set(b + 2, ge);
  EMIT.set(b + 3, ge);
  // aluAccImm
  const acc: Emit = (g, i) => {
    if (!simple(kind)) return false;
    const size = i.opSize;
    g.getR(size, RAX);
    g.f.set(g.la);
    imm(g, i, size);
    g.f.set(g.lb);
    alu(g, kind, size);
    if (kind !== ALU_CMP) { g.f.get(g.v); g.setR(size, RAX); }
    return true;
  };
  EMIT.set(b + 4, acc);
  EMIT.set(b + 5, acc);
}

// aluEImm: 80 81 83 /digit
const group1: Emit = (g, i) => {
  const kind = i.regOp;
  if (!simple(kind)) return false;
  const size = i.opSize;
  readRM(g, i, size);
  g.f.set(g.la);
  imm(g, i, size);
  g.f.set(g.lb);
  alu(g, kind, size);
  if (kind !== ALU_CMP) { g.f.get(g.v); writeRM(g, i, size); }
  return true;
};
EMIT.set(0x80, group1);
EMIT.set(0x81, group1);
EMIT.set(0x83, group1);

// TEST Ev, Gv (84 85): the r/m operand first
const testEG: Emit = (g, i) => {
  const size = i.opSize;
  readRM(g, i, size);
  g.getR(size, regOf(i, i.reg, size));
  g.f.op(Op.I64And).set(g.v);
  g.setLazy(FlagOp.Logic, size, null, null);
  return true;
};
EMIT.set(0x84, testEG);
EMIT.set(0x85, testEG);

// TEST AL/eAX, imm (A8 A9)
const testAcc: Emit = (g, i) => {
  const size = i.opSize;
  g.getR(size, RAX);
  imm(g, i, size);
  g.f.op(Op.I64And).set(g.v);
  g.setLazy(FlagOp.Logic, size, null, null);
  return true;
};
EMIT.set(0xa8, testAcc);
EMIT.set(0xa9, testAcc);

// F6/F7 /0 /1: TEST Ev, imm; /2 NOT; /3 NEG (a subtraction from zero); multiply, divide: handler
const group3: Emit = (g, i) => {
  const size = i.opSize;
  const f = g.f;
  switch (i.regOp) {
    case 0: case 1:
      readRM(g, i, size);
      imm(g, i, size);
      f.op(Op.I64And).set(g.v);
      g.setLazy(FlagOp.Logic, size, null, null);
      return true;
    case 2:
      readRM(g, i, size);
      f.i64(-1, -1).op(Op.I64Xor);
      g.mask(size);
      writeRM(g, i, size);
      return true;
    case 3:
      readRM(g, i, size);
      f.set(g.lb);
      f.i64(0, 0).set(g.la);
      alu(g, ALU_SUB, size);
      f.get(g.v);
      writeRM(g, i, size);
      return true;
    default:
      return false;
  }
};
EMIT.set(0xf6, group3);
EMIT.set(0xf7, group3);

// ---------------------------------------------------------------- moves

// MOV Ev, Gv (88 89)
const movEG: Emit = (g, i) => {
  const size = i.opSize;
  g.getR(size, regOf(i, i.reg, size));
  if (i.mod !== 3) g.ea(i);
  writeRM(g, i, size);
  return true;
};
EMIT.set(0x88, movEG);
EMIT.set(0x89, movEG);

// MOV Gv, Ev (8A 8B); 8B from memory at 32/64 bits runs loadR64 (low half first)
const movGE: Emit = (g, i) => {
  const size = i.opSize;
  if (i.mod === 3) g.getR(size, regOf(i, i.rm, size));
  else { g.ea(i); g.load(size, size === 8 && i.op === 0x8b ? 8 : size === 8 ? 9 : size); }
  g.setR(size, regOf(i, i.reg, size));
  return true;
};
EMIT.set(0x8a, movGE);
EMIT.set(0x8b, movGE);

// MOV r, imm (B0-BF)
for (let b = 0xb0; b <= 0xbf; b++) {
  EMIT.set(b, (g, i) => {
    const size = i.opSize;
    g.f.i64(i.imm >>> 0, i.immHi | 0);
    g.setR(size, regOf(i, i.opReg, size));
    return true;
  });
}

// MOV Ev, imm (C6 C7 /0)
const movEImm: Emit = (g, i) => {
  const size = i.opSize;
  if (i.mod !== 3) g.ea(i);
  g.f.i64(i.imm >>> 0, i.immHi | 0);
  writeRM(g, i, size);
  return true;
};
EMIT.set(0xc6, movEImm);
EMIT.set(0xc7, movEImm);

// LEA (8D): the exact address arithmetic, no segment
EMIT.set(0x8d, (g, i) => {
  if (i.mod === 3) return false;
  const size = i.opSize;
  g.ea(i, true);
  g.f.get(g.ad);
  g.setR(size, i.reg);
  return true;
});

// MOVZX (0F B6 B7) and MOVSX/MOVSXD (0F BE BF, 63): aux = source size
const movx = (signed: boolean): Emit => (g, i) => {
  const src = i.aux;
  readRM(g, i, src);
  if (signed) g.sext(src);
  g.setR(i.opSize, i.reg);
  return true;
};
EMIT.set(MAP_0F | 0xb6, movx(false));
EMIT.set(MAP_0F | 0xb7, movx(false));
EMIT.set(MAP_0F | 0xbe, movx(true));
EMIT.set(MAP_0F | 0xbf, movx(true));
EMIT.set(0x63, movx(true));

// NOP (90 without REX.B, 0F 1F)
EMIT.set(0x90, (_g, i) => i.opReg === 0 && i.prefix !== 0xf3);
EMIT.set(MAP_0F | 0x1f, () => true);

// ---------------------------------------------------------------- conditionals

// SETcc Eb (0F 90-9F)
for (let cc = 0; cc < 16; cc++) {
  EMIT.set(MAP_0F | (0x90 + cc), (g, i) => {
    if (i.mod !== 3) g.ea(i);
    g.cond(i.aux);
    g.f.op(Op.I64ExtendI32U);
    writeRM(g, i, 1);
    return true;
  });
  // CMOVcc Gv, Ev (0F 40-4F): the source is read even when the condition is false
  EMIT.set(MAP_0F | (0x40 + cc), (g, i) => {
    const size = i.opSize;
    if (size === 2) return false;
    readRM(g, i, size);
    g.f.set(g.lb);
    g.cond(i.aux);
    g.open('if');
    g.f.get(g.lb);
    g.setR(size, i.reg);
    g.close();
    if (size === 4) { g.f.get(g.r[i.reg]!); g.setR(4, i.reg); }
    return true;
  });
}

// ---------------------------------------------------------------- stack

// PUSH r64 (50-57): cpu.push64 writes, then moves RSP
for (let b = 0x50; b <= 0x57; b++) {
  EMIT.set(b, (g, i) => {
    if (i.opSize !== 8) return false;
    const f = g.f;
    f.get(g.r[i.opReg]!).set(g.v);
    f.get(g.r[RSP]!).i64(8, 0).op(Op.I64Sub).set(g.ad);
    g.storeV(8);
    f.get(g.ad).set(g.r[RSP]!);
    return true;
  });
}
// POP r64 (58-5F): cpu.pop64 reads (high half first), moves RSP, then the register is written
for (let b = 0x58; b <= 0x5f; b++) {
  EMIT.set(b, (g, i) => {
    if (i.opSize !== 8) return false;
    const f = g.f;
    f.get(g.r[RSP]!).set(g.ad);
    g.load(8, 9);
    f.set(g.v);
    f.get(g.r[RSP]!).i64(8, 0).op(Op.I64Add).set(g.r[RSP]!);
    f.get(g.v).set(g.r[i.opReg]!);
    return true;
  });
}

// ---------------------------------------------------------------- shifts and multiply

/** Group 2 with a constant count (C0 C1 imm8, D0 D1 by one), register operand, 32/64 bits. */
const group2: Emit = (g, i) => {
  const size = i.opSize;
  if (i.mod !== 3 || (size !== 4 && size !== 8) || i.aux === 2) return false;
  const op = i.regOp;
  if (op === 2 || op === 3) return false; // RCL/RCR
  const f = g.f;
  const bits = size * 8;
  const count = (i.aux === 0 ? i.imm : 1) & (size === 8 ? 63 : 31);
  const r = i.rm;
  if (count === 0) { g.getR(size, r); g.setR(size, r); return true; }
  const msb = (local: number): void => { f.get(local).i64(bits - 1, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And); };
  if (op < 2) {
    // rotates keep the other flags: materialise them first, as the handler does
    g.arithFlags();
    f.i32(~0x801).op(Op.I32And).set(g.s);
  }
  g.getR(size, r);
  f.set(g.la);
  // result into v, carry (i32 0/1) into off
  switch (op) {
    case 4: case 6:
      f.get(g.la).i64(count, 0).op(Op.I64Shl); g.mask(size); f.set(g.v);
      f.get(g.la).i64(bits - count, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And).set(g.off);
      break;
    case 5:
      f.get(g.la).i64(count, 0).op(Op.I64ShrU).set(g.v);
      f.get(g.la).i64(count - 1, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And).set(g.off);
      break;
    case 7:
      f.get(g.la); g.sext(size); f.i64(count, 0).op(Op.I64ShrS); g.mask(size); f.set(g.v);
      f.get(g.la); g.sext(size); f.i64(count - 1, 0).op(Op.I64ShrS).op(Op.I32WrapI64).i32(1).op(Op.I32And).set(g.off);
      break;
    default:
      if (size === 8) { f.get(g.la).i64(count, 0).op(op === 0 ? Op.I64Rotl : Op.I64Rotr).set(g.v); }
      else { f.get(g.la).op(Op.I32WrapI64).i32(count).op(op === 0 ? Op.I32Rotl : Op.I32Rotr).op(Op.I64ExtendI32U).set(g.v); }
      break;
  }
  if (op >= 4) {
    g.resultFlags(size);
    f.get(g.off).op(Op.I32Or); // CF
    if (op === 4 || op === 6) { msb(g.v); f.get(g.off).op(Op.I32Xor).i32(11).op(Op.I32Shl).op(Op.I32Or); }
    else if (op === 5) { msb(g.la); f.i32(11).op(Op.I32Shl).op(Op.I32Or); }
  } else if (op === 0) {
    f.get(g.s);
    f.get(g.v).op(Op.I32WrapI64).i32(1).op(Op.I32And).tee(g.off).op(Op.I32Or);
    msb(g.v); f.get(g.off).op(Op.I32Xor).i32(11).op(Op.I32Shl).op(Op.I32Or);
  } else {
    f.get(g.s);
    msb(g.v); f.tee(g.off).op(Op.I32Or);
    f.get(g.v).i64(bits - 2, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And).get(g.off).op(Op.I32Xor).i32(11).op(Op.I32Shl).op(Op.I32Or);
  }
  g.setEager();
  f.get(g.v);
  g.setR(size, r);
  return true;
};
EMIT.set(0xc1, group2);
EMIT.set(0xd1, group2);

/** IMUL Gv, Ev (0F AF) and IMUL Gv, Ev, imm (69 6B): 32 and 64 bits. */
const imulG: Emit = (g, i) => {
  const size = i.opSize;
  if (size !== 4 && size !== 8) return false;
  const f = g.f;
  readRM(g, i, size);
  g.sext(size);
  f.set(g.lb);
  if (i.aux === 1) { f.i64(i.imm >>> 0, size === 8 ? i.immHi | 0 : 0); g.sext(size); }
  else { g.getR(size, i.reg); g.sext(size); }
  f.set(g.la);
  f.get(g.la).get(g.lb).op(Op.I64Mul).set(g.v);
  // overflow (i32) into off
  if (size === 4) {
    f.get(g.v).get(g.v).op(Op.I64Extend32S).op(Op.I64Ne).set(g.off);
  } else {
    // the product fits in 64 bits iff a = 0, or (a = -1 and b != MIN), or v / a = b (no trap: a != 0, -1)
    f.get(g.la).i64(-1, -1).op(Op.I64Eq);
    g.open('if', T.I32);
    f.get(g.lb).i64(0, 0x80000000 | 0).op(Op.I64Eq);
    f.else();
    f.get(g.la).op(Op.I64Eqz);
    g.open('if', T.I32);
    f.i32(0);
    f.else();
    f.get(g.v).get(g.la).op(Op.I64DivS).get(g.lb).op(Op.I64Ne);
    g.close();
    g.close();
    f.set(g.off);
  }
  // setMulFlags: CF = OF = overflow; SF, PF, ZF from the low result
  f.get(g.off).i32(0x801).op(Op.I32Mul);
  msb(g, size); f.i32(7).op(Op.I32Shl).op(Op.I32Or);
  g.parity(); f.op(Op.I32Or);
  f.get(g.v); g.mask(size); f.op(Op.I64Eqz).i32(6).op(Op.I32Shl).op(Op.I32Or);
  g.setEager();
  f.get(g.v);
  g.setR(size, i.reg);
  return true;
};
function msb(g: Gen, size: number): void {
  g.f.get(g.v).i64(size * 8 - 1, 0).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And);
}
EMIT.set(MAP_0F | 0xaf, imulG);
EMIT.set(0x69, imulG);
EMIT.set(0x6b, imulG);

/**
 * SSE forms (0F map) whose handlers read no general register but their address registers and
 * touch no arithmetic flag: movd/movq with a register operand, conversions to and from integers,
 * comisd/ucomisd, movmsk, pmovmskb and pinsrw/pextrw are not among them.
 */
const PURE_SSE = new Set<number>();
for (const b of [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x28, 0x29, 0x2b, 0x77, 0x7f, 0xc2, 0xc6, 0xd6]) PURE_SSE.add(b);
for (let b = 0x51; b <= 0x6d; b++) PURE_SSE.add(b);
for (let b = 0x6f; b <= 0x76; b++) PURE_SSE.add(b);
for (let b = 0xd1; b <= 0xff; b++) if (b !== 0xd6 && b !== 0xd7) PURE_SSE.add(b);

/**
 * x87 forms (D8-DF) touch no general register and no arithmetic flag except fnstsw ax (DF E0),
 * fcomi/fucomi[p] (DB/DF F0-FF: they set ZF PF CF) and fcmovcc (DA/DB C0-DF: they read flags).
 */
function pureX87(i: Insn): boolean {
  if (i.mod !== 3) return true;
  if (i.op === 0xdf && i.regOp === 4) return false;
  if ((i.op === 0xdb || i.op === 0xdf) && (i.regOp === 5 || i.regOp === 6)) return false;
  if ((i.op === 0xda || i.op === 0xdb) && i.regOp <= 3) return false;
  return true;
}

/** Registers a handler call of i must see (see runtime.ts hp), or null when it needs all state. */
export function pureHandler(i: Insn): number[] | null {
  const memOperand = i.hasModRM && i.mod !== 3;
  const b = i.op & 0xff;
  if (i.op >= 0xd8 && i.op <= 0xdf) {
    if (!pureX87(i)) return null;
  } else if ((i.op >> 8) !== 0x0f) {
    return null;
  } else if (!PURE_SSE.has(b) && !((b === 0x6e || b === 0x7e) && memOperand)) {
    return null;
  }
  const regs: number[] = [];
  if (memOperand) {
    if (i.base >= 0 && i.base < 16) regs.push(i.base);
    if (i.index >= 0 && i.index < 16) regs.push(i.index);
  }
  return regs;
}
