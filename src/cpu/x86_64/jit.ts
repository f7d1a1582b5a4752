/**
 * Block translator: a hot straight-line run of decoded instructions (one page at most, ending at
 * the first control transfer) becomes one generated JavaScript function. The most frequent
 * instruction forms are emitted inline as their semantics, with register numbers, immediates and
 * displacements as literal constants; every other instruction is a call of its handler.
 *
 * Exactness: before each instruction that can fault (memory access, handler call) the block
 * stores cpu.curAddr (and cpu.rip = nextAddr before handler calls) and brings cpu.icount up to the
 * number of retired instructions. After every memory write or handler call it checks cpu.stop,
 * which a code-page invalidation sets to Stop.Refetch, and leaves with RIP at the next instruction.
 * Lazy flags are stored with the same values as the handlers; stores of an ALU instruction are
 * dropped only when a later instruction of the block overwrites all of them and nothing in between
 * can fault or read flags.
 */
import { specialize } from './ops/fast.js';
import { lea, movRegImm, aluAccImm, movEImm } from './ops/integer.js';
import { jcc, jmpRel } from './ops/control.js';
import { group2 } from './ops/shift.js';
import { Cpu as CpuClass } from './cpu.js';
import { hostEnv } from '../../mem/arena.js';
import { BASE_RIP, NO_REG, type Insn, type Handler } from './insn.js';
import type { Cpu } from './cpu.js';

/** Executions of a block head before it is compiled (tests lower it to compile at once). */
/**
 * hot: executions of a block head before it is compiled. warmup: instructions a run must have
 * retired before anything is compiled — a contract call retires a few hundred thousand, and for
 * those the compile cost (new functions start in V8's bytecode interpreter) exceeds the gain, so
 * only long runs pay it and profit from it.
 */
const force = hostEnv('QVM_JIT_FORCE') === '1';
/**
 * wasm: translate to WebAssembly regions (wasm/region.ts) rather than JavaScript blocks.
 * Environment: QVM_JIT=js uses the JavaScript blocks, QVM_JIT_FORCE=1 translates from the first
 * execution of a head (tests: whether code is translated must never change a result).
 */
export const jitConfig = {
  /** Translate at all (QVM_JIT=off: interpret only). */
  enabled: hostEnv('QVM_JIT') !== 'off',
  hot: force ? 1 : 200,
  warmup: force ? 0 : 2_000_000,
  wasm: hostEnv('QVM_JIT') !== 'js',
  /**
   * A region is kept only if it emits at least this many instructions inline per handler call
   * (0: keep every region, for tests); otherwise its head gets a JavaScript block.
   */
  callRatio: force ? 0 : 3,
};

/** What runs guest code: wasm regions (default), JavaScript blocks, the interpreter alone, or wasm from the first instruction. */
export type TranslatorMode = 'wasm' | 'js' | 'off' | 'force';

/**
 * Sets the translator for the runs that start afterwards in this thread (the CLI's --jit). Results,
 * gas and faults are the same in every mode; only the speed differs.
 */
export function setTranslatorMode(mode: TranslatorMode): void {
  jitConfig.enabled = mode !== 'off';
  jitConfig.wasm = mode !== 'js';
  jitConfig.hot = mode === 'force' ? 1 : 200;
  jitConfig.warmup = mode === 'force' ? 0 : 2_000_000;
  jitConfig.callRatio = mode === 'force' ? 0 : 3;
}
export const MAX_BLOCK = 64;


/** What an inline instruction does to the lazy flags. */
const enum FlagW {
  None = 0,
  /** fOp, fSize, fA*, fB*, fRes* (Add/Sub). */
  Full = 1,
  /** fOp, fSize, fRes* (Logic). */
  Logic = 2,
}

interface Emitted {
  code: string;
  /** Can fault (memory access). */
  faults: boolean;
  /** Writes memory (stop check after it). */
  writes: boolean;
  flags: FlagW;
  /** Flag stores, kept apart so they can be elided. */
  flagCode: string;
  /** Lazy op (1 Add, 2 Sub, 3 Logic) whose operands and result the locals hold afterwards, or 0. */
  prodOp?: number;
  prodSize?: number;
  /** Stores eager flags in its code (ends any local flag producer). */
  eager?: boolean;
}

const TWO32 = '4294967296';

function eaCode(cpu: Cpu, i: Insn, k: number): string {
  if (i.addrSize !== 8 || i.seg !== 0) return `a = cpu.ea(i${k});`;
  if (i.base === BASE_RIP) {
    if (i.index !== NO_REG) return `a = cpu.ea(i${k});`;
    return `a = ${cpu.ea(i)};`;
  }
  let s = `s = ${i.disp}`;
  let h = 'h = 0';
  if (i.base !== NO_REG) { s += ` + lo[${i.base}]`; h += ` + hi[${i.base}]`; }
  if (i.index !== NO_REG) { s += ` + lo[${i.index}] * ${i.scale}`; h += ` + hi[${i.index}] * ${i.scale}`; }
  return `${s}; ${h}; a = ((h + Math.floor(s / ${TWO32})) | 0) * ${TWO32} + (s >>> 0);`;
}

function flagsFull(op: number, size: number, aLo: string, aHi: string, bLo: string, bHi: string, rLo: string, rHi: string): string {
  return `cpu.fOp = ${op}; cpu.fSize = ${size}; cpu.fALo = ${aLo}; cpu.fAHi = ${aHi}; cpu.fBLo = ${bLo}; cpu.fBHi = ${bHi}; cpu.fResLo = ${rLo}; cpu.fResHi = ${rHi};`;
}

function flagsLogic(size: number, rLo: string, rHi: string): string {
  return `cpu.fOp = 3; cpu.fSize = ${size}; cpu.fResLo = ${rLo}; cpu.fResHi = ${rHi};`;
}

const ADD = 0, OR = 1, AND = 4, SUB = 5, XOR = 6, CMP = 7;

/** ALU op on register d with source (bLo, bHi) expressions; size 4 or 8. */
function aluCode(kind: number, size: number, d: number, bLo: string, bHi: string): Emitted | null {
  const e = aluCode0(kind, size, d, bLo, bHi);
  if (e !== null) { e.prodOp = e.flags === FlagW.Logic ? 3 : kind === ADD ? 1 : 2; e.prodSize = size; }
  return e;
}

function aluCode0(kind: number, size: number, d: number, bLo: string, bHi: string): Emitted | null {
  const e: Emitted = { code: '', faults: false, writes: false, flags: FlagW.Full, flagCode: '' };
  if (size === 8) {
    switch (kind) {
      case ADD:
        e.code = `aLo = lo[${d}]; aHi = hi[${d}]; bLo = ${bLo}; bHi = ${bHi}; t = aLo + bLo; rLo = t >>> 0; rHi = (aHi + bHi + (t >= ${TWO32} ? 1 : 0)) >>> 0; lo[${d}] = rLo; hi[${d}] = rHi;`;
        e.flagCode = flagsFull(1, 8, 'aLo', 'aHi', 'bLo', 'bHi', 'rLo', 'rHi');
        return e;
      case SUB: case CMP:
        e.code = `aLo = lo[${d}]; aHi = hi[${d}]; bLo = ${bLo}; bHi = ${bHi}; t = aLo - bLo; rLo = t >>> 0; rHi = (aHi - bHi - (t < 0 ? 1 : 0)) >>> 0;` +
          (kind === SUB ? ` lo[${d}] = rLo; hi[${d}] = rHi;` : '');
        e.flagCode = flagsFull(2, 8, 'aLo', 'aHi', 'bLo', 'bHi', 'rLo', 'rHi');
        return e;
      case AND: case OR: case XOR: {
        const o = kind === AND ? '&' : kind === OR ? '|' : '^';
        e.code = `rLo = (lo[${d}] ${o} ${bLo}) >>> 0; rHi = (hi[${d}] ${o} ${bHi}) >>> 0; lo[${d}] = rLo; hi[${d}] = rHi;`;
        e.flags = FlagW.Logic;
        e.flagCode = flagsLogic(8, 'rLo', 'rHi');
        return e;
      }
      default: return null;
    }
  }
  switch (kind) {
    case ADD:
      e.code = `aLo = lo[${d}]; bLo = ${bLo}; rLo = (aLo + bLo) >>> 0; lo[${d}] = rLo; hi[${d}] = 0;`;
      e.flagCode = flagsFull(1, 4, 'aLo', '0', 'bLo', '0', 'rLo', '0');
      return e;
    case SUB: case CMP:
      e.code = `aLo = lo[${d}]; bLo = ${bLo}; rLo = (aLo - bLo) >>> 0;` + (kind === SUB ? ` lo[${d}] = rLo; hi[${d}] = 0;` : '');
      e.flagCode = flagsFull(2, 4, 'aLo', '0', 'bLo', '0', 'rLo', '0');
      return e;
    case AND: case OR: case XOR: {
      const o = kind === AND ? '&' : kind === OR ? '|' : '^';
      e.code = `rLo = (lo[${d}] ${o} ${bLo}) >>> 0; lo[${d}] = rLo; hi[${d}] = 0;`;
      e.flags = FlagW.Logic;
      e.flagCode = flagsLogic(4, 'rLo', '0');
      return e;
    }
    default: return null;
  }
}

/** Inline code for the instruction, or null to call its handler. */
function inline(cpu: Cpu, i: Insn, k: number): Emitted | null {
  const plain = (code: string, faults = false, writes = false): Emitted =>
    ({ code, faults, writes, flags: FlagW.None, flagCode: '' });
  if (i.exec === lea) {
    if ((i.opSize !== 8 && i.opSize !== 4) || i.addrSize !== 8 || i.base === BASE_RIP || i.mod === 3) return null;
    let s = `s = ${i.disp}`;
    let h = 'h = 0';
    if (i.base !== NO_REG) { s += ` + lo[${i.base}]`; h += ` + hi[${i.base}]`; }
    if (i.index !== NO_REG) { s += ` + lo[${i.index}] * ${i.scale}`; h += ` + hi[${i.index}] * ${i.scale}`; }
    const r = i.reg;
    if (i.opSize === 8) return plain(`${s}; ${h}; lo[${r}] = s >>> 0; hi[${r}] = (h + Math.floor(s / ${TWO32})) >>> 0;`);
    return plain(`${s}; lo[${r}] = s >>> 0; hi[${r}] = 0;`);
  }
  if (i.exec === aluAccImm) {
    // alu() on RAX: operands as uint32, the high half of a 32-bit operand is the stale outHi
    const kind = i.aux;
    if (kind === 2 || kind === 3) return null;
    const bLo = `${i.imm >>> 0}`, bHi = `${i.immHi >>> 0}`;
    if (i.opSize === 8) {
      const e = aluCode(kind, 8, 0, bLo, bHi);
      if (e !== null) e.code += ' cpu.outHi = rHi;';
      return e;
    }
    if (i.opSize !== 4 || i.immHi !== 0) return null;
    const e: Emitted = { code: '', faults: false, writes: false, flags: FlagW.Full, flagCode: '', prodOp: 0, prodSize: 4 };
    const w = kind !== CMP ? ' lo[0] = rLo; hi[0] = 0;' : '';
    switch (kind) {
      case ADD:
        e.code = `aLo = lo[0]; aHi = cpu.outHi >>> 0; bLo = ${bLo}; rLo = (aLo + bLo) >>> 0; cpu.outHi = 0;${w}`;
        e.flagCode = flagsFull(1, 4, 'aLo', 'aHi', 'bLo', '0', 'rLo', '0');
        e.prodOp = 1;
        return e;
      case SUB: case CMP:
        e.code = `aLo = lo[0]; aHi = cpu.outHi >>> 0; bLo = ${bLo}; rLo = (aLo - bLo) >>> 0; cpu.outHi = 0;${w}`;
        e.flagCode = flagsFull(2, 4, 'aLo', 'aHi', 'bLo', '0', 'rLo', '0');
        e.prodOp = 2;
        return e;
      default: {
        const o = kind === AND ? '&' : kind === OR ? '|' : '^';
        e.code = `rLo = (lo[0] ${o} ${bLo}) >>> 0; rHi = ((cpu.outHi >>> 0) ${o} 0) >>> 0; cpu.outHi = rHi;${w}`;
        e.flags = FlagW.Logic;
        e.flagCode = flagsLogic(4, 'rLo', 'rHi');
        e.prodOp = 3;
        return e;
      }
    }
  }
  if (i.exec === group2 && i.mod === 3 && i.opSize === 4 && i.aux === 0 && i.regOp >= 4 && !i.lock) {
    // SHL/SAL/SHR/SAR r32, imm8: eager flags as group2 computes them
    const c = i.imm & 31;
    const r = i.rm;
    if (c === 0) return plain(`hi[${r}] = 0;`);
    const res = '(rLo === 0 ? 64 : 0) | ((rLo >>> 31) !== 0 ? 128 : 0) | (P(rLo) !== 0 ? 4 : 0) | (t !== 0 ? 1 : 0)';
    let code: string;
    if (i.regOp === 4 || i.regOp === 6) {
      code = `aLo = lo[${r}]; t = (aLo >>> ${32 - c}) & 1; rLo = (aLo << ${c}) >>> 0; ` +
        `cpu.fOp = 0; cpu.eflags = (${res} | ((((rLo >>> 31) ^ t) !== 0) ? 2048 : 0)) & 2261;`;
    } else if (i.regOp === 5) {
      code = `aLo = lo[${r}]; t = (aLo >>> ${c - 1}) & 1; rLo = aLo >>> ${c}; ` +
        `cpu.fOp = 0; cpu.eflags = (${res} | ((aLo >>> 31) !== 0 ? 2048 : 0)) & 2261;`;
    } else {
      code = `aLo = lo[${r}]; t = ((aLo | 0) >> ${c - 1}) & 1; rLo = ((aLo | 0) >> ${c}) >>> 0; ` +
        `cpu.fOp = 0; cpu.eflags = (${res}) & 2261;`;
    }
    const e = plain(`${code} lo[${r}] = rLo; hi[${r}] = 0;`);
    e.eager = true;
    return e;
  }
  if (i.exec === movEImm && i.mod !== 3) {
    if (i.opSize === 1) return plain(`${eaCode(cpu, i, k)} mem.write8(a, ${i.imm});`, true, true);
    if (i.opSize === 4) return plain(`${eaCode(cpu, i, k)} mem.write32(a, ${i.imm});`, true, true);
    if (i.opSize === 8) return plain(`${eaCode(cpu, i, k)} mem.write64(a, ${i.imm}, ${i.immHi});`, true, true);
    return null;
  }
  if (i.exec === movRegImm) {
    if (i.opSize === 8) return plain(`lo[${i.opReg}] = ${i.imm >>> 0}; hi[${i.opReg}] = ${i.immHi >>> 0};`);
    if (i.opSize === 4) return plain(`lo[${i.opReg}] = ${i.imm >>> 0}; hi[${i.opReg}] = 0;`);
    return null;
  }
  // the specialised forms of ops/fast.ts, only where the specialised handler is in effect
  if (specialize(i) !== i.exec) return null;
  const op = i.op;
  const size = i.opSize;
  const reg = i.mod === 3;
  if (op === 0x0fb6 || op === 0x0fb7) {
    if (!reg) {
      return plain(`${eaCode(cpu, i, k)} lo[${i.reg}] = mem.${op === 0x0fb6 ? 'read8' : 'read16'}(a); hi[${i.reg}] = 0;`, true);
    }
    return plain(`lo[${i.reg}] = lo[${i.rm}] & 0xff; hi[${i.reg}] = 0;`);
  }
  if (op === 0x84) {
    return { code: `rLo = lo[${i.rm}] & lo[${i.reg}] & 0xff;`, faults: false, writes: false, flags: FlagW.Logic, flagCode: flagsLogic(1, 'rLo', '0'), prodOp: 3, prodSize: 1 };
  }
  if (op === 0x80) {
    return {
      code: `${eaCode(cpu, i, k)} aLo = mem.read8(a); bLo = (${i.imm}); rLo = (aLo - bLo) & 0xff;`, faults: true, writes: false, flags: FlagW.Full,
      flagCode: flagsFull(2, 1, 'aLo', '0', 'bLo', '0', 'rLo', '0'), prodOp: 2, prodSize: 1,
    };
  }
  if (size !== 4 && size !== 8) return null;
  if (op < 0x40 && (op & 7) === 1 && reg) {
    return aluCode(i.aux, size, i.rm, `lo[${i.reg}]`, `hi[${i.reg}]`);
  }
  if ((op === 0x81 || op === 0x83) && reg) {
    return aluCode(i.regOp, size, i.rm, `(${i.imm})`, `(${i.immHi})`);
  }
  if (op === 0x85 && reg) {
    if (size === 8) {
      return { code: `rLo = (lo[${i.rm}] & lo[${i.reg}]) >>> 0; rHi = (hi[${i.rm}] & hi[${i.reg}]) >>> 0;`, faults: false, writes: false, flags: FlagW.Logic, flagCode: flagsLogic(8, 'rLo', 'rHi'), prodOp: 3, prodSize: 8 };
    }
    return { code: `rLo = (lo[${i.rm}] & lo[${i.reg}]) >>> 0;`, faults: false, writes: false, flags: FlagW.Logic, flagCode: flagsLogic(4, 'rLo', '0'), prodOp: 3, prodSize: 4 };
  }
  if (op === 0x89) {
    if (reg) return plain(size === 8 ? `lo[${i.rm}] = lo[${i.reg}]; hi[${i.rm}] = hi[${i.reg}];` : `lo[${i.rm}] = lo[${i.reg}]; hi[${i.rm}] = 0;`);
    if (size === 8) return plain(`${eaCode(cpu, i, k)} mem.write64(a, lo[${i.reg}], hi[${i.reg}]);`, true, true);
    return plain(`${eaCode(cpu, i, k)} mem.write32(a, lo[${i.reg}]);`, true, true);
  }
  if (op === 0x8b && !reg) {
    if (size === 8) return plain(`${eaCode(cpu, i, k)} t = mem.read32(a); hi[${i.reg}] = mem.read32(a + 4); lo[${i.reg}] = t;`, true);
    return plain(`${eaCode(cpu, i, k)} lo[${i.reg}] = mem.read32(a); hi[${i.reg}] = 0;`, true);
  }
  return null;
}

function zeroExpr(size: number): string {
  return size === 1 ? '(rLo & 0xff) === 0' : size === 2 ? '(rLo & 0xffff) === 0' : size === 4 ? 'rLo === 0' : '(rLo === 0 && rHi === 0)';
}

/** Condition cc from the locals of the last flag producer, as Cpu.cond's fast paths compute it. */
export function condExpr(op: number, size: number, cc: number): string | null {
  if (size === 2) return null;
  const zero = zeroExpr(size);
  if (op === 2) {
    const below = size === 1 ? '(aLo & 0xff) < (bLo & 0xff)' : size === 4 ? 'aLo >>> 0 < bLo >>> 0'
      : '(aHi >>> 0 < bHi >>> 0 || (aHi === bHi && aLo >>> 0 < bLo >>> 0))';
    const less = size === 1 ? '(aLo << 24) < (bLo << 24)' : size === 4 ? '(aLo | 0) < (bLo | 0)'
      : '((aHi | 0) < (bHi | 0) || (aHi === bHi && aLo >>> 0 < bLo >>> 0))';
    switch (cc) {
      case 2: return below;
      case 3: return `!(${below})`;
      case 4: return zero;
      case 5: return `!(${zero})`;
      case 6: return `(${zero} || ${below})`;
      case 7: return `!(${zero} || ${below})`;
      case 12: return less;
      case 13: return `!(${less})`;
      case 14: return `(${zero} || ${less})`;
      case 15: return `!(${zero} || ${less})`;
      default: return null;
    }
  }
  if (op === 3) {
    const sign = size === 1 ? '((rLo >>> 7) & 1) !== 0' : size === 4 ? '(rLo >>> 31) !== 0' : '(rHi >>> 31) !== 0';
    switch (cc) {
      case 4: return zero;
      case 5: return `!(${zero})`;
      case 8: case 12: return sign;
      case 9: case 13: return `!(${sign})`;
      default: return null;
    }
  }
  if (op === 1) {
    if (cc === 4) return zero;
    if (cc === 5) return `!(${zero})`;
  }
  return null;
}

export interface Block {
  fn: (cpu: Cpu) => void;
  inlined: number;
}

/**
 * Translate `insns` (consecutive, one page, only the last may be a terminator) into one function.
 * Returns null when nothing would be inlined.
 */
export function translate(cpu: Cpu, insns: Insn[]): Block | null {
  const n = insns.length;
  const em: Array<Emitted | null> = insns.map((i, k) => (i.term ? null : inline(cpu, i, k)));
  const inlined = em.filter((e) => e !== null).length;
  if (inlined === 0) return null;
  // flag elision: an inline Full writer makes earlier flag stores dead if nothing in between can
  // fault, call a handler or read flags (inline instructions never read flags)
  const keepFlags = em.map((e) => e !== null && e.flags !== FlagW.None);
  for (let k = 0; k < n; k++) {
    const e = em[k];
    if (e === null || e === undefined || e.flags === FlagW.None) continue;
    for (let j = k + 1; j < n; j++) {
      const f = em[j];
      if (f === null || f === undefined) break; // handler call: may read flags or fault
      if (f.flags === FlagW.Full) {
        // the code of f itself runs before its flag stores, but may fault only if f.faults
        if (!f.faults) keepFlags[k] = false;
        break;
      }
      if (f.faults) break;
    }
  }
  const lines: string[] = [];
  lines.push('const lo = cpu.lo, hi = cpu.hi, mem = cpu.mem;');
  lines.push('let a = 0, s = 0, h = 0, t = 0, aLo = 0, aHi = 0, bLo = 0, bHi = 0, rLo = 0, rHi = 0;');
  let pending = 0;
  let prodOp = 0, prodSize = 0;
  for (let k = 0; k < n; k++) {
    const i = insns[k]!;
    const e = em[k];
    if (k === n - 1 && i.term && (i.exec === jcc || i.exec === jmpRel)) {
      // the block's branch, inline: cannot fault
      let c: string;
      if (i.exec === jmpRel) c = 'true';
      else c = (prodOp !== 0 ? condExpr(prodOp, prodSize, i.aux) : null) ?? `cpu.cond(${i.aux})`;
      lines.push(`cpu.icount += ${pending + 1}; cpu.rip = ${c} ? ${i.target} : ${i.nextAddr};`);
      pending = 0;
      break;
    }
    if (e === null || e === undefined) {
      prodOp = 0;
      if (pending > 0) lines.push(`cpu.icount += ${pending};`);
      pending = 0;
      lines.push(`cpu.curAddr = ${i.addr}; cpu.rip = ${i.nextAddr}; h${k}(cpu, i${k}); cpu.icount += 1;`);
      if (k < n - 1) lines.push(`if (cpu.stop !== 0) return;`);
      continue;
    }
    if (e.faults) {
      if (pending > 0) lines.push(`cpu.icount += ${pending};`);
      pending = 0;
      lines.push(`cpu.curAddr = ${i.addr};`);
    }
    lines.push(e.code + (keepFlags[k] ? ' ' + e.flagCode : ''));
    pending++;
    if (e.flags !== FlagW.None) { prodOp = e.prodOp ?? 0; prodSize = e.prodSize ?? 0; }
    if (e.eager === true) prodOp = 0;
    if (e.writes) {
      lines.push(`if (cpu.stop !== 0) { cpu.icount += ${pending}; cpu.rip = ${i.nextAddr}; return; }`);
    }
  }
  const last = insns[n - 1]!;
  if (em[n - 1] !== null && !last.term) {
    lines.push(`cpu.icount += ${pending}; cpu.rip = ${last.nextAddr};`);
  }
  const params: string[] = ['P'];
  const args: Array<Handler | Insn | ((v: number) => number)> = [CpuClass.parity];
  for (let k = 0; k < n; k++) {
    if (em[k] === null) { params.push(`h${k}`); args.push(insns[k]!.exec); }
    params.push(`i${k}`); args.push(insns[k]!);
  }
  const src = `return function blk(cpu) {\n${lines.join('\n')}\n};`;

  const make = new Function(...params, src) as (...a: Array<Handler | Insn | ((v: number) => number)>) => (cpu: Cpu) => void;
  return { fn: make(...args), inlined };
}
