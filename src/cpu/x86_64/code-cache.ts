/**
 * Decoded code kept per 4 KiB page, and the part of it shared by every run of one program.
 *
 * A run's interpreter keeps its own map of code pages. With a SharedCode (the per-program cache of
 * the machine layer) it starts from the pages earlier runs decoded from the program's pristine
 * image, together with their links and compiled blocks. The rule that keeps this exact: a shared
 * page holds only instructions decoded from pristine bytes. So
 *  - at the start of a run every shared page is marked as code in memory (markAll), and a write,
 *    mprotect or munmap of one evicts it from the shared set for good (its instructions are killed,
 *    addr = -1, which breaks every link to them; later runs decode the pristine bytes again);
 *  - an instruction is added to a shared page only while all its bytes are still pristine;
 *  - the instructions a run decoded into private pages are killed when the run ends (retire), so
 *    no link from a shared instruction can lead a later run into them.
 */
import type { Insn } from './insn.js';
import type { Region } from './wasm/region.js';

export class CodePage {
  readonly insns = new Map<number, Insn>();
  /** Some instruction of this page ends on the next page (a write there must evict this page too). */
  straddles = false;
  /** The page's latest wasm region: later hot heads inside it enter it rather than compile anew. */
  region: Region | null = null;
  /** A region compiled for this page called handlers too often (interpreter.ts compile). */
  regionRejected = false;
  constructor(readonly shared: boolean) {}

  kill(): void {
    for (const insn of this.insns.values()) insn.addr = -1;
  }
}

/** Direct-mapped cache in front of the page maps (indexed by the low address bits). */
export const ICACHE_SIZE = 4096;

export class SharedCode {
  readonly pages = new Map<number, CodePage>();
  /** The instruction cache array, reused by the next run (entries are checked by address). */
  readonly icache: Array<Insn | null> = new Array<Insn | null>(ICACHE_SIZE).fill(null);
  /**
   * Instructions retired by all runs so far (statistics). The translator's warm-up still counts
   * per run: measured, compiling the hot heads of short calls once their total passed the warm-up
   * made a warm Go call 2-4x slower (thousands of new block functions that V8 never optimises).
   */
  retired = 0;
  /** Times a shared page was evicted because a run wrote or re-protected it (statistics). */
  evictions = 0;

  /** Rough bytes held (decoded instructions), for the cache's size bound. */
  get bytes(): number {
    let n = 0;
    for (const p of this.pages.values()) n += p.insns.size;
    return n * INSN_BYTES;
  }

  evict(pn: number): void {
    const p = this.pages.get(pn);
    if (p === undefined) return;
    p.kill();
    this.pages.delete(pn);
    this.evictions++;
  }
}

/** Approximate heap size of one decoded instruction (object, links, map entry). */
const INSN_BYTES = 400;
