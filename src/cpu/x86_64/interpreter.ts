/**
 * The interpreter loop and its code cache.
 *
 * Instructions are decoded once per address and kept per 4 KiB page. Straight-line successors
 * and taken-branch targets are linked from each decoded instruction, so the loop usually moves
 * from one instruction to the next by following a pointer, with no lookup and no allocation.
 * When a page holding decoded code is written (self-modifying or freshly loaded code), memory
 * reports it, the page's instructions are invalidated (their addr set to -1, which breaks every
 * link to them) and the page is decoded again on next use. Given a SharedCode (code-cache.ts),
 * the pages decoded from a program's pristine image are kept for its next runs.
 */
import { Memory, MemoryFault, MemoryLimitExceeded, PAGE_SIZE } from '../../mem/memory.js';
import { Cpu, CpuException, Stop, SIGSEGV, SIGBUS } from './cpu.js';
import type { Insn } from './insn.js';
import { decode } from './decode.js';
import { jitConfig, MAX_BLOCK, translate } from './jit.js';
import { CodePage, ICACHE_SIZE, SharedCode } from './code-cache.js';
import { compileRegion, runRegion, wasmAvailable, type Region } from './wasm/region.js';

export class Interpreter {
  private readonly pages = new Map<number, CodePage>();
  private readonly icache: Array<Insn | null>;
  /** The exception that ended the last slice with Stop.Fault. */
  fault: CpuException | null = null;
  /** Set when a memory limit was hit (the run fails with that reason, no signal). */
  limitError: MemoryLimitExceeded | null = null;

  /**
   * The register state `run` executes: one Cpu per guest thread, all sharing this code cache and
   * the memory (the machine's scheduler switches it between slices).
   */
  constructor(
    public cpu: Cpu,
    private readonly shared: SharedCode | null = null,
  ) {
    const mem: Memory = cpu.mem;
    mem.onCodeWrite = (pn) => this.invalidatePage(pn);
    this.icache = shared !== null ? shared.icache : new Array<Insn | null>(ICACHE_SIZE).fill(null);
    if (shared !== null) {
      // the shared pages are decoded code of this memory from the start: writes must find them
      for (const [pn, page] of shared.pages) {
        mem.markCode(pn);
        if (page.straddles) mem.markCode(pn + 1);
      }
    }
  }

  /**
   * End of the run: kill the instructions decoded into private pages (a later run sharing this
   * code must never follow a link into them) and count the run's instructions (statistics).
   */
  retire(): void {
    for (const page of this.pages.values()) if (!page.shared) page.kill();
    this.pages.clear();
    if (this.shared !== null) this.shared.retired += this.cpu.icount;
  }

  private invalidatePage(pn: number): void {
    for (const n of [pn, pn - 1]) {
      const page = this.pages.get(n) ?? this.shared?.pages.get(n);
      if (page === undefined) continue;
      if (page.shared) this.shared!.evict(n);
      else page.kill();
      this.pages.delete(n);
      // compiled code running now must not go on with stale instructions
      if (this.cpu.stop === Stop.None) this.cpu.stop = Stop.Refetch;
    }
  }

  /**
   * Called with each newly decoded instruction before it first runs (a profiler replaces the
   * handlers it watches). Only the decoder's slow path looks at it.
   */
  onDecode: ((insn: Insn) => void) | null = null;

  /** Blocks compiled so far (statistics, tests). */
  blocksCompiled = 0;
  /** Compile blocks at hot heads (false: plain interpretation, for comparison tests). */
  jit = jitConfig.enabled;

  /** Regions compiled so far, and compiled but left for a JavaScript block (statistics, tests). */
  regionsCompiled = 0;
  regionsRejected = 0;

  /** Translate the code at a hot head: a wasm region where available, else a JavaScript block. */
  private compile(head: Insn): void {
    const pn = Math.floor(head.addr / PAGE_SIZE);
    const page = this.pages.get(pn);
    if (jitConfig.wasm && wasmAvailable(this.cpu) && page?.regionRejected !== true) {
      const known = page?.region?.entries.get(head.addr);
      if (page !== undefined && page.region !== null && known !== undefined) {
        // a block of the page's region starts here: enter it there
        this.enterAt(head, page.region, known);
        return;
      }
      const r = compileRegion(head, (a) => {
        try {
          return this.fetch(a);
        } catch {
          return null;
        }
      });
      // a call of a handler from wasm costs more than the interpreter's direct call: a region
      // with many of them (x87, SSE floating point) is slower than a JavaScript block
      if (r !== null && r.called * jitConfig.callRatio <= r.inlined) {
        this.enterAt(head, r, 0);
        if (page !== undefined) page.region = r;
        this.regionsCompiled++;
        return;
      }
      if (r === null) return;
      // the page's code is mostly handler calls: its other heads get JavaScript blocks at once
      if (page !== undefined) page.regionRejected = true;
      this.regionsRejected++;
    }
    this.compileBlock(head);
  }

  private enterAt(head: Insn, r: Region, block: number): void {
    head.region = r;
    head.regionEntry = block;
    head.regionLen = r.blockLens[block]!;
  }

  /** Translate the straight-line run starting at head into a JavaScript block. */
  private compileBlock(head: Insn): void {
    const pn = Math.floor(head.addr / PAGE_SIZE);
    const list: Insn[] = [head];
    let cur = head;
    while (!cur.term && list.length < MAX_BLOCK) {
      const na = cur.nextAddr;
      if (Math.floor(na / PAGE_SIZE) !== pn) break;
      let next: Insn;
      try {
        next = this.fetch(na);
      } catch {
        break;
      }
      if (next.addr !== na) break;
      list.push(next);
      cur = next;
    }
    if (list.length < 2) return;
    const b = translate(this.cpu, list);
    if (b === null) return;
    head.block = b.fn;
    head.blockLen = list.length;
    head.blockTail = cur;
    this.blocksCompiled++;
  }

  /** Decoded instruction at addr (decoding and caching it if needed). */
  fetch(addr: number): Insn {
    const cached = this.icache[addr & (ICACHE_SIZE - 1)]!;
    if (cached !== null && cached.addr === addr) return cached;
    return this.fetchSlow(addr);
  }

  private fetchSlow(addr: number): Insn {
    const pn = Math.floor(addr / PAGE_SIZE);
    const mem = this.cpu.mem;
    const shared = this.shared;
    let page = this.pages.get(pn);
    if (page === undefined) {
      // a shared page is pristine code (any write or mprotect of it would have evicted it)
      page = shared?.pages.get(pn);
      if (page === undefined) {
        page = new CodePage(shared !== null && mem.isShared(pn));
        if (page.shared) shared!.pages.set(pn, page);
      }
      this.pages.set(pn, page);
      mem.markCode(pn);
    }
    let insn = page.insns.get(addr);
    if (insn === undefined) {
      insn = decode(mem, addr);
      if (this.onDecode !== null) this.onDecode(insn);
      // an instruction straddling into the next page must be invalidated by writes there too
      const endPn = Math.floor((addr + insn.len - 1) / PAGE_SIZE);
      if (endPn !== pn) {
        if (page.shared && !mem.isShared(endPn)) {
          // its bytes are partly not pristine: the page leaves the shared set
          shared!.evict(pn);
          page = new CodePage(false);
          this.pages.set(pn, page);
        }
        page.straddles = true;
        mem.markCode(endPn);
      }
      page.insns.set(addr, insn);
    }
    this.icache[addr & (ICACHE_SIZE - 1)] = insn;
    return insn;
  }

  /**
   * Run until a syscall, a fault, or `maxInsns` retired instructions. RIP is always the address
   * of the next instruction to execute (for a fault: of the faulting one).
   */
  run(maxInsns: number): Stop {
    const cpu = this.cpu;
    cpu.icountLimit = cpu.icount + maxInsns;
    cpu.stop = Stop.None;
    let insn: Insn | null = null;
    try {
      insn = this.fetch(cpu.rip);
      let head = this.jit;
      for (;;) {
        if (head) {
          const reg = insn.region;
          const blk = insn.block;
          if (reg !== null) {
            if (cpu.icountLimit - cpu.icount >= insn.regionLen) {
              cpu.curAddr = insn.addr;
              if (runRegion(cpu, reg, insn.regionEntry) !== 0) {
                const s: Stop = cpu.stop as Stop;
                cpu.stop = Stop.None;
                if (s !== Stop.Refetch && s !== Stop.None) return s;
              }
              insn = this.fetch(cpu.rip);
              continue;
            }
          } else if (blk !== null) {
            if (cpu.icountLimit - cpu.icount >= insn.blockLen) {
              blk(cpu);
              insn = insn.blockTail!;
              if (cpu.stop !== Stop.None) {
                const s = cpu.stop;
                cpu.stop = Stop.None;
                if (s !== Stop.Refetch) return s;
                insn = this.fetch(cpu.rip);
                continue;
              }
              const rip = cpu.rip;
              let next: Insn | null = insn.nextInsn;
              if (next === null || next.addr !== rip) {
                next = insn.jumpInsn;
                if (next === null || next.addr !== rip) {
                  next = this.fetch(rip);
                  if (rip === insn.nextAddr) insn.nextInsn = next;
                  else insn.jumpInsn = next;
                }
              }
              insn = next;
              continue;
            }
          } else if (++insn.hits >= jitConfig.hot && cpu.icount >= jitConfig.warmup) {
            insn.hits = -0x40000000; // one attempt: a head that cannot form a block stays interpreted
            this.compile(insn);
            continue;
          }
        }
        if (cpu.icount >= cpu.icountLimit) {
          cpu.rip = insn.addr;
          return Stop.Budget;
        }
        cpu.curAddr = insn.addr;
        cpu.rip = insn.nextAddr;
        insn.exec(cpu, insn);
        cpu.icount++;
        if (cpu.stop !== Stop.None) {
          const s = cpu.stop;
          cpu.stop = Stop.None;
          if (s !== Stop.Refetch) return s;
          insn = this.fetch(cpu.rip);
          head = this.jit;
          continue;
        }
        head = insn.term && this.jit;
        const rip = cpu.rip;
        let next: Insn | null = insn.nextInsn;
        if (next !== null && next.addr === rip) {
          insn = next;
          continue;
        }
        next = insn.jumpInsn;
        if (next !== null && next.addr === rip) {
          insn = next;
          continue;
        }
        next = this.fetch(rip);
        if (rip === insn.nextAddr) insn.nextInsn = next;
        else insn.jumpInsn = next;
        insn = next;
      }
    } catch (e) {
      return this.onException(e, insn);
    }
  }

  private onException(e: unknown, insn: Insn | null): Stop {
    const cpu = this.cpu;
    // a fetch fault happens before the instruction starts: RIP is the unfetchable address itself
    const at = e instanceof MemoryFault && e.access === 'exec' ? e.addr : insn !== null ? cpu.curAddr : cpu.rip;
    cpu.rip = at;
    if (e instanceof CpuException) {
      this.fault = e;
      return Stop.Fault;
    }
    if (e instanceof MemoryFault) {
      const what = e.access === 'exec' ? 'instruction fetch from' : e.access === 'write' ? 'write to' : 'read from';
      const faultAt = e.access === 'exec' ? e.addr : at;
      this.fault = new CpuException(
        SIGSEGV,
        `segmentation fault: ${what} ${e.kind === 'unmapped' ? 'unmapped ' : 'protected '}address 0x${e.addr.toString(16)} at rip 0x${faultAt.toString(16)}`,
        e.addr,
        e.kind === 'unmapped' ? 1 : 2,
      );
      return Stop.Fault;
    }
    if (e instanceof MemoryLimitExceeded) {
      this.limitError = e;
      return Stop.Fault;
    }
    if (e instanceof RangeError) {
      this.fault = new CpuException(SIGBUS, `bus error: ${e.message} at rip 0x${at.toString(16)}`, 0, 2);
      return Stop.Fault;
    }
    throw e;
  }
}
