/**
 * Regions: a hot block head and the blocks it reaches on the same 4 KiB page become one wasm
 * function with a `br_table` dispatcher inside a loop, so loops on the page stay in wasm. Guest
 * registers live in i64 locals, loaded from the Cpu's register file at entry and stored at every
 * exit; the lazy flags likewise (codegen.ts).
 *
 * Exactness rules (the interpreter's semantics, docs/cpu.md "WebAssembly translator"):
 *  - each block checks the remaining budget first and leaves at its head when the block would
 *    overrun it, so gas, slices and thread switches end at the instruction the interpreter ends at
 *    (the interpreter runs the tail one instruction at a time);
 *  - a fault leaves with RIP at the faulting instruction and the count of instructions before it;
 *  - a write that hits decoded code (the slow path, since the write TLB never holds code pages)
 *    stops the region after that instruction and the run loop fetches again (self-modifying code;
 *    mprotect/munmap invalidate through the same hook, and only between regions);
 *  - instructions the emitters do not cover run their interpreter handler; control transfers the
 *    region does not follow (indirect jumps, syscalls, string ops...) end it before them.
 * A region never spans pages: invalidating its page kills its head, so it can no longer be entered.
 */
import { encodeModule, T, Op, type FuncImport } from './encoder.js';
import { Gen, X_FS, X_GS, flagsFn } from './codegen.js';
import { branchOf, emitBranchEffects, emitForm, pureHandler } from './forms.js';
import { Exit, flagsIn, flagsOut, runtime } from './runtime.js';
import { arena, hostEnv } from '../../../mem/arena.js';
import { PAGE_SIZE } from '../../../mem/memory.js';
import { Cpu, X_COUNT, X_RIP } from '../cpu.js';
import type { Insn } from '../insn.js';

const IMPORTS: FuncImport[] = [
  { name: 'rd', params: [T.I32, T.I32, T.I32, T.I32], results: [T.I32] },
  { name: 'wr', params: [T.I32, T.I32, T.I32, T.I32, T.I32, T.I32], results: [T.I32] },
  { name: 'h', params: [T.I32, T.I32], results: [T.I32] },
  { name: 'hp', params: [T.I32, T.I32], results: [T.I32] },
];

/** Bounds of one region: instructions per block, blocks, instructions in all. */
const MAX_BLOCK_LEN = 64;
const MAX_BLOCKS = 128;
const MAX_INSNS = 1024;

const TWO32 = 4294967296;

type RegionFn = (file: number, tlb: number, budget: number, entry: number) => number;

export class Region {
  constructor(
    readonly fn: RegionFn,
    /** Instructions handler calls and slow paths name by index. */
    readonly insns: readonly Insn[],
    /** Block index by start address: where the region can be entered. */
    readonly entries: ReadonlyMap<number, number>,
    /** Instructions per block: entering at a block needs at least this much budget. */
    readonly blockLens: readonly number[],
    /** Instructions emitted inline / as handler calls (statistics). */
    readonly inlined: number,
    readonly called: number,
  ) {}
}

interface BlockPlan {
  addr: number;
  insns: Insn[];
  /** The last instruction is a branch the region follows. */
  branch: boolean;
  /** Where control goes when the block falls off its end (not after a branch). */
  next: number;
}

/** Statistics of the translator (tests, benchmarks). */
export const wasmStats = { regions: 0, failed: 0, entries: 0, retired: 0 };

/** True when this realm can run regions (a shared wasm arena exists). */
export function wasmAvailable(cpu: Cpu): boolean {
  return arena.memory !== null && cpu.file >= 0;
}

/**
 * Build and compile the region at `head`, or null when not even its first instruction can be
 * translated. `fetch` decodes (null where decoding faults).
 */
export function compileRegion(head: Insn, fetch: (addr: number) => Insn | null): Region | null {
  const pn = Math.floor(head.addr / PAGE_SIZE);
  const plans: BlockPlan[] = [];
  const index = new Map<number, number>();
  const work: number[] = [head.addr];
  let total = 0;
  while (work.length > 0 && plans.length < MAX_BLOCKS && total < MAX_INSNS) {
    const a = work.shift()!;
    if (index.has(a) || Math.floor(a / PAGE_SIZE) !== pn) continue;
    const list: Insn[] = [];
    let cur = a;
    let branch = false;
    while (list.length < MAX_BLOCK_LEN && total + list.length < MAX_INSNS) {
      if (Math.floor(cur / PAGE_SIZE) !== pn) break;
      const insn = fetch(cur);
      if (insn === null || insn.addr !== cur) break;
      if (insn.term) {
        const b = branchOf(insn);
        if (b !== null) {
          list.push(insn);
          branch = true;
          if (b.target !== null) work.push(b.target);
          if (b.cc >= 0 || insn.op === 0xe8) work.push(insn.nextAddr);
        }
        break;
      }
      list.push(insn);
      cur = insn.nextAddr;
    }
    if (list.length === 0) {
      if (a === head.addr) return null;
      continue;
    }
    if (!branch) work.push(cur);
    index.set(a, plans.length);
    plans.push({ addr: a, insns: list, branch, next: cur });
    total += list.length;
  }
  if (plans.length === 0) return null;
  return emitRegion(plans, index);
}

function emitRegion(plans: BlockPlan[], index: Map<number, number>): Region | null {
  const g = new Gen();
  const f = g.f;
  const insns: Insn[] = [];
  let inlined = 0, called = 0;
  g.loadState();
  f.get(g.entry).set(g.pc);
  g.exitLabel = g.open('block');
  const top = g.open('loop');
  const n = plans.length;
  // return addresses of the region's calls that are blocks of the region
  const returnSites: number[] = [];
  for (const p of plans) {
    const last = p.insns[p.insns.length - 1]!;
    if (p.branch && last.op === 0xe8 && index.has(last.nextAddr) && !returnSites.includes(last.nextAddr)) returnSites.push(last.nextAddr);
  }
  for (let b = n - 1; b >= 0; b--) g.open('block');
  f.get(g.pc);
  f.brTable(plans.map((_, b) => b), n);
  const goTo = (addr: number, from: number): void => {
    const t = index.get(addr);
    if (t === undefined) { g.exitTo(addr, 0); return; }
    if (t === from + 1) return; // falls into the next block's code
    f.i32(t).set(g.pc);
    g.br(top);
  };
  for (let b = 0; b < n; b++) {
    g.close(); // the end of block label b: its code follows
    const p = plans[b]!;
    const len = p.insns.length;
    // leave at the head when the block does not fit the budget
    f.get(g.budget).get(g.cnt).op(Op.I32Sub).i32(len).op(Op.I32LtS);
    g.open('if');
    g.exitTo(p.addr, 0);
    g.close();
    g.known = null;
    const last = p.branch ? len - 1 : len;
    for (let pos = 0; pos < last; pos++) {
      const i = p.insns[pos]!;
      g.k = insns.length;
      g.pos = pos;
      insns.push(i);
      if (emitForm(g, i)) inlined++;
      else { g.callHandler(pureHandler(i)); called++; }
    }
    if (!p.branch) {
      f.get(g.cnt).i32(len).op(Op.I32Add).set(g.cnt);
      goTo(p.next, b);
      continue;
    }
    const i = p.insns[len - 1]!;
    g.k = insns.length;
    g.pos = len - 1;
    insns.push(i);
    inlined++;
    const br = branchOf(i)!;
    emitBranchEffects(g, i);
    if (br.target === null) {
      // ret: the target is on the stack; a return to a call site of this region stays in it
      f.get(g.cnt).i32(len).op(Op.I32Add).set(g.cnt);
      f.set(g.exitRip);
      for (const site of returnSites) {
        f.get(g.exitRip);
        g.i64n(site);
        f.op(Op.I64Eq);
        g.open('if');
        f.i32(index.get(site)!).set(g.pc);
        g.br(top);
        g.close();
      }
      f.get(g.exitRip);
      g.exitDynamic(0);
      continue;
    }
    if (br.cc >= 0) {
      g.cond(br.cc);
      f.get(g.cnt).i32(len).op(Op.I32Add).set(g.cnt);
      g.open('if');
      goTo(br.target, -2);
      g.close();
      goTo(i.nextAddr, b);
      continue;
    }
    f.get(g.cnt).i32(len).op(Op.I32Add).set(g.cnt);
    goTo(br.target, b);
  }
  g.close(); // loop
  f.op(Op.Unreachable);
  g.close(); // exit
  g.epilogue();
  const mem = arena.memory;
  if (mem === null) return null;
  const bytes = encodeModule(IMPORTS, [f, flagsFn()], 65536);
  try {
    const module = new WebAssembly.Module(bytes);
    const inst = new WebAssembly.Instance(module, { env: { mem, ...runtime.imports } });
    const fn = inst.exports['run'] as RegionFn;
    wasmStats.regions++;
    return new Region(fn, insns, index, plans.map((p) => p.insns.length), inlined, called);
  } catch (e) {
    wasmStats.failed++;
    if (hostEnv('QVM_WASM_DEBUG') !== undefined) throw e;
    return null;
  }
}

/**
 * Run a region on cpu: returns Exit.Ok (cpu.rip is where to go on) or Exit.Stop (cpu.stop says
 * why); a fault is rethrown with cpu.curAddr and cpu.rip at the faulting instruction.
 */
export function runRegion(cpu: Cpu, r: Region, entry: number): number {
  const x = cpu.x;
  runtime.cpu = cpu;
  runtime.insns = r.insns;
  const base = cpu.icount;
  runtime.base = base;
  flagsOut(cpu);
  // segment bases are non-negative numbers (arch_prctl keeps them below 2^47)
  x[X_FS] = cpu.fsBase % TWO32; x[X_FS + 1] = Math.floor(cpu.fsBase / TWO32);
  x[X_GS] = cpu.gsBase % TWO32; x[X_GS + 1] = Math.floor(cpu.gsBase / TWO32);
  const left = cpu.icountLimit - cpu.icount;
  const code = r.fn(cpu.file, cpu.mem.wasmTlb, left > 0x40000000 ? 0x40000000 : left, entry);
  flagsIn(cpu);
  const count = x[X_COUNT]!;
  cpu.icount = base + count;
  cpu.rip = (x[X_RIP + 1]! >>> 0) * TWO32 + (x[X_RIP]! >>> 0);
  wasmStats.entries++;
  wasmStats.retired += count;
  if (code === Exit.Fault) {
    cpu.curAddr = cpu.rip;
    const e = runtime.error;
    runtime.error = null;
    throw e;
  }
  return code;
}
