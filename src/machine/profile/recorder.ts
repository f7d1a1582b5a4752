/**
 * The gas profiler of one run. It costs nothing when not asked for: nothing in the interpreter's
 * loop looks at it. When asked for, it replaces the handlers of CALL and RET instructions as they
 * are decoded (the code cache calls `decoded`; compiled blocks capture the replaced handlers too)
 * and the kernel's system-call entry of this run, so it only does work at calls, returns and
 * system calls.
 *
 * At each of those events it reads the run's gas counters (retired instructions, kernel gas, kernel
 * gas added by the contract layer, output bytes, touched pages) and charges their growth since the
 * previous event to the stack that was current: instructions to the function on top, the rest to
 * pseudo-frames above it (types.ts). Since every increment of every counter is charged exactly
 * once, the profile adds up to gasUsed exactly.
 *
 * Call stacks follow CALL/RET: a call pushes a frame named after its target, a return pops back to
 * the frame whose return address it returns to (so longjmp, exceptions and stack switches that skip
 * frames resynchronise); a return to no known address (a signal handler's, a "push; ret" jump)
 * leaves the stack as it is. Each guest thread has its own stack; the machine reports every
 * thread switch (RunHooks.switched), so each thread's instructions are charged to its own stack.
 */
import type { Cpu } from '../../cpu/x86_64/cpu.js';
import type { Handler, Insn } from '../../cpu/x86_64/insn.js';
import { callE, callRel, ret } from '../../cpu/x86_64/ops/control.js';
import type { ElfImage } from '../../elf/parse.js';
import { symbolIndexAt, type FunctionSymbol } from '../../elf/symbols.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { ThreadContext } from '../../kernel/types.js';
import { OUTPUT_GAS_PER_BYTE } from '../../kernel/gas.js';
import { syscallNames } from '../../kernel/arch/index.js';
import type { Memory } from '../../mem/memory.js';
import { GAS_PER_PAGE_TOUCHED } from '../gas.js';
import type { RunHooks } from '../threads.js';
import { buildProfile, type CallNode } from './tree.js';
import { PSEUDO_MEMORY, PSEUDO_OUTPUT, PSEUDO_STORAGE, type GasProfile } from './types.js';

/** Deeper calls are charged to the deepest frame (runaway recursion must not grow the profile without bound). */
const MAX_DEPTH = 1024;
/** How many of the last charged buckets are remembered (a ring). */
const RECENT = 16;
/** Key prefix of a call target in a stripped binary (named after the run, see tree.ts). */
export const ADDRESS_KEY = '@';

class ThreadStack {
  readonly nodes: CallNode[] = [];
  /** Return address of each frame (-1 for the root). */
  readonly rets: number[] = [];
  /** Calls made beyond MAX_DEPTH, not pushed: their returns pop nothing. */
  overflow = 0;
  constructor(root: CallNode) {
    this.nodes.push(root);
    this.rets.push(-1);
  }
  get top(): CallNode {
    return this.nodes[this.nodes.length - 1]!;
  }
}

function newNode(name: string): CallNode {
  return { name, self: 0, calls: 0, kids: new Map() };
}

function child(parent: CallNode, name: string): CallNode {
  let n = parent.kids.get(name);
  if (n === undefined) parent.kids.set(name, (n = newNode(name)));
  return n;
}

export class GasRecorder implements RunHooks {
  private readonly root: CallNode;
  private readonly stacks = new Map<Cpu, ThreadStack>();
  private cur: ThreadStack;
  private readonly names = new Map<number, string>();
  private readonly syscallNames: ReadonlyMap<number, string>;
  // the counters as charged so far
  private icount = 0;
  private kernelGas = 0;
  private externalGas = 0;
  private outputBytes = 0;
  private pages = 0;
  /** The last buckets charged (a run stopped by its gas limit reports less than it charged: see tree.ts). */
  private readonly recent: CallNode[] = new Array<CallNode>(RECENT);
  private recentAt = 0;
  private lastCpu: Cpu;

  constructor(
    private readonly kernel: Kernel,
    private readonly mem: Memory,
    private readonly img: ElfImage,
    private readonly symbols: readonly FunctionSymbol[],
    main: Cpu,
  ) {
    this.syscallNames = syscallNames('x86_64');
    this.root = newNode(this.nameOf(img.entry));
    this.root.calls = 1;
    this.cur = new ThreadStack(this.root);
    this.stacks.set(main, this.cur);
    this.lastCpu = main;
    // what was charged before the first instruction: the process image's pages, the contract's set-up
    this.charge(0, null);
    this.wrapSyscalls();
  }

  // one wrapper per handler, shared by every instruction (call sites stay as few as without it)
  private readonly onCallRel = this.wrapCall(callRel);
  private readonly onCallE = this.wrapCall(callE);
  private readonly onRet = this.wrapRet(ret);

  decoded(insn: Insn): void {
    const h = insn.exec;
    if (h === callRel) insn.exec = this.onCallRel;
    else if (h === callE) insn.exec = this.onCallE;
    else if (h === ret) insn.exec = this.onRet;
  }

  private wrapCall(h: Handler): Handler {
    return (cpu, insn) => {
      h(cpu, insn);
      this.enter(cpu);
      this.charge(cpu.icount + 1, null);
      const st = this.cur;
      if (st.nodes.length >= MAX_DEPTH) {
        st.overflow++;
        return;
      }
      const n = child(st.top, this.nameOf(cpu.rip));
      n.calls++;
      st.nodes.push(n);
      st.rets.push(insn.nextAddr);
    };
  }

  private wrapRet(h: Handler): Handler {
    return (cpu, insn) => {
      h(cpu, insn);
      this.enter(cpu);
      this.charge(cpu.icount + 1, null);
      const st = this.cur;
      const to = cpu.rip;
      if (st.overflow > 0) {
        st.overflow--;
        return;
      }
      for (let i = st.rets.length - 1; i > 0; i--) {
        if (st.rets[i] === to) {
          st.nodes.length = i;
          st.rets.length = i;
          return;
        }
      }
    };
  }

  /** Charge the kernel's costs of each system call to the stack that made it. */
  private wrapSyscalls(): void {
    const k = this.kernel;
    const orig = k.syscall.bind(k);
    k.syscall = (nr: number, args: readonly bigint[], thread: ThreadContext): bigint => {
      const cpu = (thread as { cpu?: Cpu }).cpu;
      if (cpu !== undefined) this.enter(cpu);
      this.charge(cpu?.icount ?? this.icount, null);
      const r = orig(nr, args, thread);
      this.charge(this.icount, this.syscallNames.get(nr) ?? `#${nr}`);
      return r;
    };
  }

  switched(cpu: Cpu): void {
    this.enter(cpu);
  }

  /** Make cpu's thread the current stack (after charging what came before to the previous one). */
  private enter(cpu: Cpu): void {
    if (cpu === this.lastCpu) return;
    this.lastCpu = cpu;
    let st = this.stacks.get(cpu);
    if (st === this.cur) return;
    this.charge(cpu.icount, null);
    if (st === undefined) {
      st = new ThreadStack(child(this.root, '(thread)'));
      this.stacks.set(cpu, st);
    }
    this.cur = st;
  }

  /** Charge every counter's growth since the last charge to the current stack. */
  private charge(icount: number, syscall: string | null): void {
    const top = this.cur.top;
    const k = this.kernel;
    if (icount > this.icount) {
      this.add(top, icount - this.icount);
      this.icount = icount;
    }
    const pages = this.mem.touchedPagesTotal;
    if (pages !== this.pages) {
      this.add(child(top, PSEUDO_MEMORY), (pages - this.pages) * GAS_PER_PAGE_TOUCHED);
      this.pages = pages;
    }
    if (k.gas === this.kernelGas) return;
    const external = k.gasExternal - this.externalGas;
    const outBytes = k.stdout.length + k.stderr.length;
    const output = (outBytes - this.outputBytes) * OUTPUT_GAS_PER_BYTE;
    const sys = k.gas - this.kernelGas - external - output;
    if (sys !== 0) this.add(child(top, `[syscall ${syscall ?? 'kernel'}]`), sys);
    if (output !== 0) this.add(child(top, PSEUDO_OUTPUT), output);
    if (external !== 0) this.add(child(top, PSEUDO_STORAGE), external);
    this.kernelGas = k.gas;
    this.externalGas = k.gasExternal;
    this.outputBytes = outBytes;
  }

  private add(n: CallNode, gas: number): void {
    n.self += gas;
    this.recent[this.recentAt++ % RECENT] = n;
  }

  /** Name (or stripped-binary key) of the function at a call target. */
  private nameOf(addr: number): string {
    let n = this.names.get(addr);
    if (n !== undefined) return n;
    if (this.symbols.length === 0) n = ADDRESS_KEY + addr.toString(16);
    else {
      const i = symbolIndexAt(this.symbols, addr);
      const s = i >= 0 ? this.symbols[i]! : null;
      if (s === null || (s.size > 0 && addr >= s.addr + s.size)) n = `0x${addr.toString(16)} (no symbol)`;
      else n = addr === s.addr ? s.name : `${s.name}+0x${(addr - s.addr).toString(16)}`;
    }
    this.names.set(addr, n);
    return n;
  }

  /** The profile of the run; gasUsed is what the run reports (the meter stops at the limit). */
  finish(icount: number, gasUsed: number): GasProfile {
    this.charge(icount, null);
    const recent: CallNode[] = [];
    for (let i = Math.max(0, this.recentAt - RECENT); i < this.recentAt; i++) recent.push(this.recent[i % RECENT]!);
    return buildProfile(this.root, { gasUsed, naming: this.symbols.length > 0 ? 'symbols' : 'addresses', segments: this.img.segments, recent });
  }
}
