/**
 * x87 instruction execution: opcodes D8-DF (memory and register forms).
 *
 * Order of effects: memory operands are read before any state changes, and stores write memory
 * before the stack is popped or flags are merged, so a page fault leaves the FPU state intact
 * and the instruction can be restarted.
 */
import { CF, CpuException, PF, SIGFPE, SIGILL, ZF, type Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import {
  classify, CMP_EQ, CMP_GT, CMP_LT, CMP_UN, DE, F80, f80AddSub, f80Compare, f80Div, f80FromBCD, f80FromF32,
  f80FromF64, f80FromI32, f80FromI64, f80Mul, f80Prem, f80RoundInt, f80Scale, f80Sqrt, f80ToBCD, f80ToF32I,
  f80ToF64I, f80ToIntI, f80Xtract, FClass, type FpCtx, quietLoad, setIndefinite,
} from './float80.js';
import { f80Atan2, f80Cos, f80F2xm1, f80SinCos, f80Tan, f80Yl2x, f80Yl2xp1, loadConstant, CONST_L2E, CONST_L2T, CONST_LG2, CONST_LN2, CONST_ONE, CONST_PI, CONST_ZERO } from './transcendental.js';
import { FSW_C0, FSW_C1, FSW_C2, FSW_C3, FSW_ES, X87 } from './state.js';

const A = new F80(), B = new F80(), R = new F80(), R2 = new F80();
const BUF10 = new Uint8Array(10);
const ENV = new Uint8Array(108);

/** SIGFPE si_code values. */
const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

function unimplemented(insn: Insn): never {
  const bytes = Array.from(insn.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new CpuException(SIGILL, `unimplemented x87 instruction ${bytes || insn.op.toString(16)} (modrm ${insn.mod}/${insn.regOp}/${insn.rm & 7})`, 0, 2);
}

/**
 * Raise SIGFPE if an unmasked x87 exception is pending (ES set), as the next waiting FP
 * instruction (or FWAIT) does on real hardware. Exported for FWAIT (0x9B).
 */
export function x87CheckPending(cpu: Cpu): void {
  const x = cpu.x87;
  if ((x.sw & FSW_ES) === 0) return;
  const err = x.sw & ~x.cw & 0x3f;
  const code = err & 0x01 ? FPE_FLTINV : err & 0x04 ? FPE_FLTDIV : err & 0x08 ? FPE_FLTOVF : err & 0x12 ? FPE_FLTUND : err & 0x20 ? FPE_FLTRES : 0;
  throw new CpuException(SIGFPE, 'x87 floating-point exception', cpu.curAddr, code);
}

/** FCW as stored: bits 7 and 13-15 read as zero, bit 6 as one. */
function normalizeCw(v: number): number {
  return (v & 0x1f3f) | 0x40;
}

// ---------------------------------------------------------------------------------------------

export function execX87(cpu: Cpu, insn: Insn): void {
  const x = cpu.x87;
  const op = insn.op & 7;
  const reg = insn.regOp;
  x.insnFop = fopOf(insn);
  if (insn.mod !== 3) {
    // non-waiting control instructions: FNSTENV, FNSTCW, FNSAVE, FNSTSW m16
    const noWait = (op === 1 && (reg === 6 || reg === 7)) || (op === 5 && (reg === 6 || reg === 7));
    if (!noWait) x87CheckPending(cpu);
    execMem(cpu, x, insn, op, reg);
  } else {
    const i = insn.rm & 7;
    // FNSTSW AX, FNCLEX, FNINIT (and the 287 no-ops FNENI/FNDISI/FNSETPM) do not wait
    const noWait = (op === 7 && reg === 4 && i === 0) || (op === 3 && reg === 4 && i <= 4);
    if (!noWait) x87CheckPending(cpu);
    execReg(cpu, x, insn, op, reg, i);
  }
}

function fopOf(insn: Insn): number {
  return ((insn.op & 7) << 8) | (insn.mod << 6) | (insn.regOp << 3) | (insn.rm & 7);
}

// ---------------------------------------------------------------------------------------------
// arithmetic helpers

/** Arithmetic by /reg: 0 add, 1 mul, 4 x-y, 5 y-x, 6 x/y, 7 y/x. */
function arith(ctx: FpCtx, kind: number, xv: F80, yv: F80, out: F80, xDen: boolean, yDen: boolean): void {
  const a = kind === 5 || kind === 7 ? yv : xv;
  const b = kind === 5 || kind === 7 ? xv : yv;
  const aDen = kind === 5 || kind === 7 ? yDen : xDen;
  const bDen = kind === 5 || kind === 7 ? xDen : yDen;
  const den = (aDen ? 1 : 0) | (bDen ? 2 : 0);
  switch (kind) {
    case 0: f80AddSub(ctx, a, b, false, out, den); break;
    case 1: f80Mul(ctx, a, b, out, den); break;
    case 4: case 5: f80AddSub(ctx, a, b, true, out, den); break;
    default: f80Div(ctx, a, b, out, den); break;
  }
}

/** Set C3 C2 C0 from a comparison result (C1 = 0). */
function setCompareCC(x: X87, r: number): void {
  const bits = r === CMP_GT ? 0 : r === CMP_LT ? FSW_C0 : r === CMP_EQ ? FSW_C3 : FSW_C3 | FSW_C2 | FSW_C0;
  x.setCC(bits);
}

/** Set ZF PF CF from a comparison result; OF SF AF cleared (FCOMI family). */
function setCompareFlags(cpu: Cpu, r: number): void {
  cpu.setFlagsEager(r === CMP_GT ? 0 : r === CMP_LT ? CF : r === CMP_EQ ? ZF : ZF | PF | CF);
}

/** Load the memory operand of an arithmetic/compare form into B; returns whether it was a denormal. */
function loadMemOperand(cpu: Cpu, ctx: FpCtx, op: number, addr: number): boolean {
  const saved = ctx.exc;
  ctx.exc = 0;
  switch (op) {
    case 0: f80FromF32(ctx, cpu.mem.read32s(addr), B); break;
    case 4: {
      const lo = cpu.mem.read32s(addr);
      f80FromF64(ctx, lo, cpu.mem.read32s(addr + 4), B);
      break;
    }
    case 2: f80FromI32(cpu.mem.read32s(addr), B); break;
    default: f80FromI32((cpu.mem.read16(addr) << 16) >> 16, B); break;
  }
  const den = (ctx.exc & DE) !== 0;
  ctx.exc = saved;
  return den;
}

// ---------------------------------------------------------------------------------------------
// memory forms

function execMem(cpu: Cpu, x: X87, insn: Insn, op: number, reg: number): void {
  const form = MEM_FORMS[op]?.[reg];
  if (!form) unimplemented(insn);
  form(cpu, x, insn, cpu.ea(insn), reg);
}

/** One memory form of an x87 instruction: `addr` is its operand's address, `reg` its ModRM reg field. */
type MemForm = (cpu: Cpu, x: X87, insn: Insn, addr: number, reg: number) => void;

/** D8/DA/DC/DE with a memory operand: ST0 op= m (reg 0-1, 4-7), FCOM/FCOMP m (reg 2-3). */
const memArith: MemForm = (cpu, x, insn, addr, reg) => {
  const ctx = x.begin();
  const den = loadMemOperand(cpu, ctx, insn.op & 7, addr);
  if (reg === 2 || reg === 3) {
    let r: number;
    if (x.isEmpty(0)) { x.stackUnderflow(); r = CMP_UN; }
    else r = f80CompareDen(ctx, x.get(0, A), B, den);
    setCompareCC(x, r);
    x.end();
    if (reg === 3) x.pop();
    return;
  }
  if (x.isEmpty(0)) { x.stackUnderflow(); setIndefinite(R); }
  else arith(ctx, reg, x.get(0, A), B, R, false, den);
  x.put(0, R);
  x.end();
};

const fldM32: MemForm = (cpu, x, _insn, addr) => {
  const ctx = x.begin();
  const v = cpu.mem.read32s(addr);
  // on stack overflow the operand is not examined (no DE for a denormal)
  if (!x.pushWouldOverflow()) { f80FromF32(ctx, v, A); quietLoad(ctx, A); }
  x.push(A);
  x.end();
};

/** FST (reg 2) / FSTP (reg 3) m32fp. */
const fstM32: MemForm = (cpu, x, _insn, addr, reg) => {
  const ctx = x.begin();
  let v: number;
  if (x.isEmpty(0)) { x.stackUnderflow(); v = 0xffc00000 | 0; }
  else v = f80ToF32I(ctx, x.get(0, A));
  cpu.mem.write32(addr, v);
  x.end();
  if (reg === 3) x.pop();
};

const fldenv: MemForm = (cpu, x, insn, addr) => {
  const is16 = insn.opSize === 2;
  x.loadEnv(cpu.mem.read(addr, is16 ? 14 : 28), 0, is16);
};

const fldcw: MemForm = (cpu, x, _insn, addr) => {
  x.cw = normalizeCw(cpu.mem.read16(addr));
  x.updateSummary();
};

/** FNSTENV: store, then mask all exceptions. */
const fnstenv: MemForm = (cpu, x, insn, addr) => {
  const is16 = insn.opSize === 2;
  x.storeEnv(ENV, 0, is16);
  cpu.mem.write(addr, ENV.subarray(0, is16 ? 14 : 28));
  x.cw |= 0x3f;
  x.updateSummary();
};

const fnstcw: MemForm = (cpu, x, _insn, addr) => cpu.mem.write16(addr, x.cw);

const fildM32: MemForm = (cpu, x, _insn, addr) => {
  x.begin();
  f80FromI32(cpu.mem.read32s(addr), A);
  x.push(A);
  x.end();
};

/** FISTTP (reg 1) / FIST (reg 2) / FISTP (reg 3) m32int. */
const fistM32: MemForm = (cpu, x, _insn, addr, reg) => storeInt(cpu, x, addr, 32, reg === 1, reg !== 2);

const fldM80: MemForm = (cpu, x, _insn, addr) => {
  const mem = cpu.mem;
  const lo = mem.read32s(addr), hi = mem.read32s(addr + 4), se = mem.read16(addr + 8);
  A.se = se; A.hi = hi >>> 0; A.lo = lo >>> 0;
  pushA(x);
};

const fstpM80: MemForm = (cpu, x, _insn, addr) => {
  x.begin();
  if (x.isEmpty(0)) { x.stackUnderflow(); setIndefinite(A); }
  else x.get(0, A);
  writeF80(cpu, addr, A);
  x.end();
  x.pop();
};

const fldM64: MemForm = (cpu, x, _insn, addr) => {
  const ctx = x.begin();
  const lo = cpu.mem.read32s(addr);
  const hi = cpu.mem.read32s(addr + 4);
  // on stack overflow the operand is not examined (no DE for a denormal)
  if (!x.pushWouldOverflow()) { f80FromF64(ctx, lo, hi, A); quietLoad(ctx, A); }
  x.push(A);
  x.end();
};

const fisttpM64: MemForm = (cpu, x, _insn, addr) => storeInt64(cpu, x, addr, true);

/** FST (reg 2) / FSTP (reg 3) m64fp. */
const fstM64: MemForm = (cpu, x, _insn, addr, reg) => {
  const ctx = x.begin();
  let lo: number, hi: number;
  if (x.isEmpty(0)) { x.stackUnderflow(); lo = 0; hi = 0xfff80000; }
  else { lo = f80ToF64I(ctx, x.get(0, A)); hi = ctx.outHi; }
  cpu.mem.write64(addr, lo | 0, hi | 0);
  x.end();
  if (reg === 3) x.pop();
};

const frstor: MemForm = (cpu, x, insn, addr) => {
  const is16 = insn.opSize === 2;
  const envLen = is16 ? 14 : 28;
  const img = cpu.mem.read(addr, envLen + 80);
  x.loadEnv(img, 0, is16);
  for (let i = 0; i < 8; i++) x.readReg80(img, envLen + 10 * i, (x.top + i) & 7);
};

/** FNSAVE: store environment and registers, then FNINIT. */
const fnsave: MemForm = (cpu, x, insn, addr) => {
  const is16 = insn.opSize === 2;
  const envLen = is16 ? 14 : 28;
  x.storeEnv(ENV, 0, is16);
  for (let i = 0; i < 8; i++) x.writeReg80(ENV, envLen + 10 * i, (x.top + i) & 7);
  cpu.mem.write(addr, ENV.subarray(0, envLen + 80));
  x.reset();
};

const fnstswM16: MemForm = (cpu, x, _insn, addr) => cpu.mem.write16(addr, x.fsw);

const fildM16: MemForm = (cpu, x, _insn, addr) => {
  f80FromI32((cpu.mem.read16(addr) << 16) >> 16, A);
  pushA(x);
};

/** FISTTP (reg 1) / FIST (reg 2) / FISTP (reg 3) m16int. */
const fistM16: MemForm = (cpu, x, _insn, addr, reg) => storeInt(cpu, x, addr, 16, reg === 1, reg !== 2);

const fbld: MemForm = (cpu, x, _insn, addr) => {
  f80FromBCD(cpu.mem.read(addr, 10), A);
  pushA(x);
};

const fildM64: MemForm = (cpu, x, _insn, addr) => {
  const lo = cpu.mem.read32s(addr);
  f80FromI64(lo, cpu.mem.read32s(addr + 4), A);
  pushA(x);
};

const fbstp: MemForm = (cpu, x, _insn, addr) => {
  const ctx = x.begin();
  if (x.isEmpty(0)) {
    x.stackUnderflow();
    BUF10.fill(0); BUF10[7] = 0xc0; BUF10[8] = 0xff; BUF10[9] = 0xff;
  } else f80ToBCD(ctx, x.get(0, A), BUF10);
  cpu.mem.write(addr, BUF10);
  x.end();
  x.pop();
};

const fistpM64: MemForm = (cpu, x, _insn, addr) => storeInt64(cpu, x, addr, false);

const ARITH = [memArith, memArith, memArith, memArith, memArith, memArith, memArith, memArith];

/** The memory forms by opcode (D8 + index) and ModRM reg; null: an encoding that does not exist (#UD). */
const MEM_FORMS: readonly (readonly (MemForm | null)[])[] = [
  /* D8 */ ARITH,
  /* D9 */ [fldM32, null, fstM32, fstM32, fldenv, fldcw, fnstenv, fnstcw],
  /* DA */ ARITH,
  /* DB */ [fildM32, fistM32, fistM32, fistM32, null, fldM80, null, fstpM80],
  /* DC */ ARITH,
  /* DD */ [fldM64, fisttpM64, fstM64, fstM64, frstor, null, fnsave, fnstswM16],
  /* DE */ ARITH,
  /* DF */ [fildM16, fistM16, fistM16, fistM16, fbld, fildM64, fbstp, fistpM64],
];

/** Pushes A, a value already read from memory (a fault before this leaves the stack as it was). */
function pushA(x: X87): void {
  x.begin();
  x.push(A);
  x.end();
}

/** FIST/FISTP/FISTTP to a 16- or 32-bit integer; an empty ST0 stores the integer indefinite. */
function storeInt(cpu: Cpu, x: X87, addr: number, bits: 16 | 32, truncate: boolean, pop: boolean): void {
  const ctx = x.begin();
  let v: number;
  if (x.isEmpty(0)) { x.stackUnderflow(); v = bits === 32 ? 0x80000000 | 0 : 0x8000; }
  else v = f80ToIntI(ctx, x.get(0, A), bits, truncate);
  if (bits === 32) cpu.mem.write32(addr, v);
  else cpu.mem.write16(addr, v);
  x.end();
  if (pop) x.pop();
}

/** FISTP/FISTTP to a 64-bit integer (both pop); an empty ST0 stores the integer indefinite. */
function storeInt64(cpu: Cpu, x: X87, addr: number, truncate: boolean): void {
  const ctx = x.begin();
  let lo: number, hi: number;
  if (x.isEmpty(0)) { x.stackUnderflow(); lo = 0; hi = 0x80000000; }
  else { lo = f80ToIntI(ctx, x.get(0, A), 64, truncate); hi = ctx.outHi; }
  cpu.mem.write64(addr, lo | 0, hi | 0);
  x.end();
  x.pop();
}

function writeF80(cpu: Cpu, addr: number, v: F80): void {
  const mem = cpu.mem;
  mem.checkWritable(addr, 10);
  mem.write32(addr, v.lo | 0);
  mem.write32(addr + 4, v.hi | 0);
  mem.write16(addr + 8, v.se);
}

/** Compare where the memory operand (b) may have come from a denormal float32/64. */
function f80CompareDen(ctx: FpCtx, a: F80, b: F80, bDen: boolean): number {
  const r = f80Compare(ctx, a, b, false);
  if (bDen && r !== CMP_UN) ctx.exc |= DE;
  return r;
}

// ---------------------------------------------------------------------------------------------
// register forms

function execReg(cpu: Cpu, x: X87, insn: Insn, op: number, reg: number, i: number): void {
  switch (op) {
    case 0: // D8: ST0 = ST0 op ST(i); fcom/fcomp ST(i)
      if (reg === 2 || reg === 3) { fcom(x, insn, i, false, reg === 3 ? 1 : 0); return; }
      regArith(x, insn, reg, i, 0, false);
      return;
    case 4: // DC: ST(i) = ST(i) op ST0; D0-DF: fcom2/fcomp3 aliases
      if (reg === 2 || reg === 3) { fcom(x, insn, i, false, reg === 3 ? 1 : 0); return; }
      regArith(x, insn, reg, i, i, false);
      return;
    case 6: // DE: ...p forms
      if (reg === 2) { fcom(x, insn, i, false, 1); return; } // fcomp5 alias
      if (reg === 3) {
        if (i !== 1) unimplemented(insn);
        fcom(x, insn, 1, false, 2); // FCOMPP
        return;
      }
      regArith(x, insn, reg, i, i, true);
      return;
    case 1:
      execD9(x, insn, reg, i);
      return;
    case 2: // DA
      if (reg <= 3) { fcmov(cpu, x, insn, i, reg, false); return; }
      if (reg === 5 && i === 1) { fcom(x, insn, 1, true, 2); return; } // FUCOMPP
      unimplemented(insn);
    // falls through (unreachable)
    case 3: // DB
      if (reg <= 3) { fcmov(cpu, x, insn, i, reg, true); return; }
      if (reg === 4) {
        switch (i) {
          case 2: // FNCLEX
            x.sw &= ~(0x3f | 0x40 | 0x80 | 0x8000);
            return;
          case 3: // FNINIT
            x.reset();
            return;
          case 0: case 1: case 4: // FNENI, FNDISI, FNSETPM: no-ops since the 387
            return;
          default:
            unimplemented(insn);
        }
      }
      if (reg === 5 || reg === 6) { fcomi(cpu, x, insn, i, reg === 5, false); return; }
      unimplemented(insn);
    // falls through (unreachable)
    case 5: // DD
      switch (reg) {
        case 0: // FFREE (clears C1)
          x.begin();
          x.free(i);
          x.end();
          return;
        case 1: // FXCH4 alias
          fxch(x, insn, i);
          return;
        case 2: case 3: // FST / FSTP ST(i)
          fstReg(x, insn, i, reg === 3);
          return;
        case 4: case 5: // FUCOM / FUCOMP
          fcom(x, insn, i, true, reg === 5 ? 1 : 0);
          return;
        default:
          unimplemented(insn);
      }
    // falls through (unreachable)
    default: // DF
      switch (reg) {
        case 0: // FFREEP (undocumented): free ST(i) and pop; clears C1
          x.begin();
          x.free(i);
          x.end();
          x.pop();
          return;
        case 1: // FXCH7 alias
          fxch(x, insn, i);
          return;
        case 2: case 3: // FSTP8 / FSTP9 aliases
          fstReg(x, insn, i, true);
          return;
        case 4:
          if (i !== 0) unimplemented(insn);
          cpu.setReg(2, 0, x.fsw, 0); // FNSTSW AX
          return;
        case 5: case 6: // FUCOMIP / FCOMIP
          fcomi(cpu, x, insn, i, reg === 5, true);
          return;
        default:
          unimplemented(insn);
      }
  }
}

/** Register arithmetic: x = ST0, y = ST(i); result to ST(dst); optional pop. */
function regArith(x: X87, insn: Insn, reg: number, i: number, dst: number, pop: boolean): void {
  const ctx = x.begin();
  if (x.isEmpty(0) || x.isEmpty(i)) { x.stackUnderflow(); setIndefinite(R); }
  else arith(ctx, reg, x.get(0, A), x.get(i, B), R, false, false);
  x.put(dst, R);
  x.end();
  if (pop) x.pop();
}

/** FCOM/FUCOM ST(i) with `pops` pops (0, 1, 2). */
function fcom(x: X87, insn: Insn, i: number, quiet: boolean, pops: number): void {
  const ctx = x.begin();
  let r: number;
  if (x.isEmpty(0) || x.isEmpty(i)) { x.stackUnderflow(); r = CMP_UN; }
  else r = f80Compare(ctx, x.get(0, A), x.get(i, B), quiet);
  setCompareCC(x, r);
  x.end();
  for (let k = 0; k < pops; k++) x.pop();
}

/** FCOMI family: C1 is only written (0) on stack underflow. */
function fcomi(cpu: Cpu, x: X87, insn: Insn, i: number, quiet: boolean, pop: boolean): void {
  const ctx = x.begin();
  let r: number;
  const under = x.isEmpty(0) || x.isEmpty(i);
  if (under) { x.stackUnderflow(); r = CMP_UN; }
  else r = f80Compare(ctx, x.get(0, A), x.get(i, B), quiet);
  setCompareFlags(cpu, r);
  x.end(!under);
  if (pop) x.pop();
}

/**
 * FCMOVcc: DA = B/E/BE/U, DB = NB/NE/NBE/NU. An empty operand is a stack underflow whose
 * masked response writes the indefinite to ST0 whatever the condition; C1 is only written then.
 */
function fcmov(cpu: Cpu, x: X87, insn: Insn, i: number, reg: number, negate: boolean): void {
  const cc = [2, 4, 6, 10][reg]! + (negate ? 1 : 0);
  x.begin();
  if (x.isEmpty(0) || x.isEmpty(i)) {
    x.stackUnderflow();
    setIndefinite(R);
    x.put(0, R);
    x.end();
    return;
  }
  if (cpu.cond(cc)) x.put(0, x.get(i, A));
  x.end(true);
}

function fxch(x: X87, insn: Insn, i: number): void {
  x.begin();
  if (x.isEmpty(0) || x.isEmpty(i)) {
    x.stackUnderflow();
    if (x.isEmpty(0)) { setIndefinite(A); x.put(0, A); }
    if (x.isEmpty(i)) { setIndefinite(A); x.put(i, A); }
  }
  x.get(0, A);
  x.get(i, B);
  x.put(0, B);
  x.put(i, A);
  x.end();
}

function fstReg(x: X87, insn: Insn, i: number, pop: boolean): void {
  x.begin();
  if (x.isEmpty(0)) { x.stackUnderflow(); setIndefinite(A); }
  else x.get(0, A);
  x.put(i, A);
  x.end();
  if (pop) x.pop();
}

// ---------------------------------------------------------------------------------------------
// D9 register forms

const CONST_BY_INDEX = [CONST_ONE, CONST_L2T, CONST_L2E, CONST_PI, CONST_LG2, CONST_LN2, CONST_ZERO];

function execD9(x: X87, insn: Insn, reg: number, i: number): void {
  switch (reg) {
    case 0: { // FLD ST(i)
      const ctx = x.begin();
      if (x.isEmpty(i)) {
        // underflow wins over a simultaneous overflow: C1 = 0
        x.stackUnderflow();
        setIndefinite(A);
        x.push(A);
        ctx.c1 = 0;
      } else x.push(x.get(i, A));
      x.end();
      return;
    }
    case 1: // FXCH
      fxch(x, insn, i);
      return;
    case 2: // FNOP (D0); D1-D7 invalid
      if (i !== 0) unimplemented(insn);
      return;
    case 3: // FSTP1 alias
      fstReg(x, insn, i, true);
      return;
    case 4:
      switch (i) {
        case 0: case 1: { // FCHS, FABS
          x.begin();
          if (x.isEmpty(0)) { x.stackUnderflow(); setIndefinite(A); }
          else {
            x.get(0, A);
            A.se = i === 0 ? A.se ^ 0x8000 : A.se & 0x7fff;
          }
          x.put(0, A);
          x.end();
          return;
        }
        case 4: { // FTST
          const ctx = x.begin();
          let r: number;
          if (x.isEmpty(0)) { x.stackUnderflow(); r = CMP_UN; }
          else r = f80Compare(ctx, x.get(0, A), B.setBits(0, 0, 0), false);
          setCompareCC(x, r);
          x.end();
          return;
        }
        case 5: { // FXAM
          x.get(0, A);
          let bits: number;
          if (x.isEmpty(0)) bits = FSW_C3 | FSW_C0;
          else {
            switch (classify(A.se, A.hi | 0, A.lo | 0)) {
              case FClass.Unsupported: bits = 0; break;
              case FClass.QNaN: case FClass.SNaN: bits = FSW_C0; break;
              case FClass.Normal: bits = FSW_C2; break;
              case FClass.Inf: bits = FSW_C2 | FSW_C0; break;
              case FClass.Zero: bits = FSW_C3; break;
              default: bits = FSW_C3 | FSW_C2; break;
            }
          }
          if (A.se & 0x8000) bits |= FSW_C1;
          x.setCC(bits);
          return;
        }
        default:
          unimplemented(insn);
      }
    // falls through (unreachable)
    case 5: { // constants
      if (i === 7) unimplemented(insn);
      const ctx = x.begin();
      loadConstant(ctx, CONST_BY_INDEX[i]!, A);
      x.push(A);
      x.end();
      return;
    }
    case 6:
      switch (i) {
        case 0: unaryOp(x, insn, (ctx, a, out) => f80F2xm1(ctx, a, out)); return;
        case 1: binaryPop(x, insn, (ctx, st0, st1, out) => f80Yl2x(ctx, st0, st1, out)); return;
        case 2: fptan(x); return;
        case 3: binaryPop(x, insn, (ctx, st0, st1, out) => f80Atan2(ctx, st1, st0, out)); return;
        case 4: fxtract(x, insn); return;
        case 5: fprem(x, insn, true); return;
        case 6: // FDECSTP
          x.begin();
          x.top = (x.top - 1) & 7;
          x.end();
          return;
        default: // FINCSTP
          x.begin();
          x.top = (x.top + 1) & 7;
          x.end();
          return;
      }
    default:
      switch (i) {
        case 0: fprem(x, insn, false); return;
        case 1: binaryPop(x, insn, (ctx, st0, st1, out) => f80Yl2xp1(ctx, st0, st1, out)); return;
        case 2: unaryOp(x, insn, (ctx, a, out) => f80Sqrt(ctx, a, out)); return;
        case 3: fsincos(x); return;
        case 4: unaryOp(x, insn, (ctx, a, out) => f80RoundInt(ctx, a, out)); return;
        case 5: fscale(x, insn); return;
        case 6: trig(x, insn, false); return;
        default: trig(x, insn, true); return;
      }
  }
}

type Unary = (ctx: FpCtx, a: F80, out: F80) => void;
type Binary = (ctx: FpCtx, st0: F80, st1: F80, out: F80) => void;

function unaryOp(x: X87, insn: Insn, f: Unary): void {
  const ctx = x.begin();
  if (x.isEmpty(0)) { x.stackUnderflow(); setIndefinite(R); }
  else f(ctx, x.get(0, A), R);
  x.put(0, R);
  x.end();
}

/** ST1 = f(ST0, ST1), pop (FYL2X, FYL2XP1, FPATAN). */
function binaryPop(x: X87, insn: Insn, f: Binary): void {
  const ctx = x.begin();
  if (x.isEmpty(0) || x.isEmpty(1)) { x.stackUnderflow(); setIndefinite(R); }
  else f(ctx, x.get(0, A), x.get(1, B), R);
  x.put(1, R);
  x.end();
  x.pop();
}

function fscale(x: X87, insn: Insn): void {
  const ctx = x.begin();
  if (x.isEmpty(0) || x.isEmpty(1)) { x.stackUnderflow(); setIndefinite(R); }
  else f80Scale(ctx, x.get(0, A), x.get(1, B), R);
  x.put(0, R);
  x.end();
}

function fprem(x: X87, insn: Insn, ieee: boolean): void {
  const ctx = x.begin();
  if (x.isEmpty(0) || x.isEmpty(1)) {
    x.stackUnderflow();
    setIndefinite(R);
    x.put(0, R);
    x.sw &= ~FSW_C2;
    x.end();
    return;
  }
  const cc = f80Prem(ctx, x.get(0, A), x.get(1, B), ieee, R);
  x.put(0, R);
  if (cc >= 0) {
    x.setCC(cc);
    ctx.c1 = (cc & FSW_C1) !== 0 ? 1 : 0;
  } else {
    // NaN or invalid operands: C2 (and C1) cleared, C0 and C3 unchanged
    x.sw &= ~FSW_C2;
  }
  x.end();
}

function fxtract(x: X87, insn: Insn): void {
  const ctx = x.begin();
  if (x.isEmpty(0)) {
    x.stackUnderflow();
    setIndefinite(R);
    x.put(0, R);
    x.push(R);
    ctx.c1 = 0; // underflow wins over a simultaneous overflow
    x.end();
    return;
  }
  if (x.pushWouldOverflow()) {
    // masked stack overflow: both results are the indefinite
    setIndefinite(R);
    x.put(0, R);
    x.push(R);
    x.end();
    return;
  }
  f80Xtract(ctx, x.get(0, A), R, R2);
  x.put(0, R);
  x.push(R2);
  x.end();
}

/** Set or clear C2 only (trigonometric instructions leave C0 and C3 alone). */
function setC2(x: X87, on: boolean): void {
  x.sw = on ? x.sw | FSW_C2 : x.sw & ~FSW_C2;
}

/** FSIN / FCOS: C2 = 1 and ST0 unchanged when |ST0| >= 2^63. */
function trig(x: X87, insn: Insn, cos: boolean): void {
  const ctx = x.begin();
  if (x.isEmpty(0)) {
    x.stackUnderflow();
    setIndefinite(R);
    x.put(0, R);
    setC2(x, false);
    x.end();
    return;
  }
  const ok = cos ? f80Cos(ctx, x.get(0, A), R) : f80SinCos(ctx, x.get(0, A), R, null);
  setC2(x, !ok);
  if (ok) x.put(0, R);
  x.end();
}

/**
 * FSINCOS and FPTAN replace ST(0) and push a second result. With ST(0) empty (underflow) or no
 * free register for the push (overflow), both results are the masked indefinite; returns true when
 * it handled such a stack fault (the instruction is then complete).
 */
function twoResultStackFault(x: X87, ctx: FpCtx): boolean {
  const underflow = x.isEmpty(0);
  if (!underflow && !x.pushWouldOverflow()) return false;
  if (underflow) x.stackUnderflow();
  setIndefinite(R);
  x.put(0, R);
  x.push(R);
  if (underflow) ctx.c1 = 0; // underflow wins over a simultaneous overflow
  setC2(x, false);
  x.end();
  return true;
}

/**
 * What FSINCOS and FPTAN share: ST0 := the first result in R (R2: FSINCOS's second), C2 clear.
 * False when nothing is to be pushed: a stack fault, or an operand out of range (C2 set).
 */
function twoResultStart(x: X87, sincos: boolean): boolean {
  const ctx = x.begin();
  if (twoResultStackFault(x, ctx)) return false;
  const ok = sincos ? f80SinCos(ctx, x.get(0, A), R, R2) : f80Tan(ctx, x.get(0, A), R);
  if (!ok) {
    setC2(x, true);
    x.end();
    return false;
  }
  setC2(x, false);
  x.put(0, R);
  return true;
}

function fsincos(x: X87): void {
  if (!twoResultStart(x, true)) return;
  x.push(R2);
  x.end();
}

function fptan(x: X87): void {
  if (!twoResultStart(x, false)) return;
  const c = classify(R.se, R.hi | 0, R.lo | 0);
  // a NaN result is pushed again instead of 1.0
  if (c === FClass.QNaN || c === FClass.SNaN) x.push(R);
  else x.push(R2.setBits(0x3fff, 0x80000000, 0));
  x.end();
}
