/**
 * The per-program cache: what every run of the same code would otherwise redo, kept across runs
 * and shared by all of them (contract calls of one contract, `qvm run` within one process).
 *
 * An entry, keyed by the SHA-256 of the ELF's bytes, holds
 *  - the parsed ELF,
 *  - the pristine image: the loaded segments, whose frames runs share copy-on-write (mem/image.ts),
 *  - the decoded instructions, their links and the blocks the translator compiled (SharedCode),
 *    kept exact by the rules in cpu/x86_64/code-cache.ts.
 *
 * Nothing in an entry depends on a run's inputs, and a run reads from it only what the same run
 * without the cache would compute itself, so results, gas and faults are identical with the cache
 * cold, warm or disabled (test/program-cache.test.ts checks this over the corpora).
 *
 * Bounded by bytes (frames of the images plus an estimate of the decoded code, checked when an
 * entry is added), least recently used entries dropped first. The byte buffer of a program is remembered by identity to skip
 * hashing it again: a caller must not change a code buffer after running it.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import type { ElfImage } from '../elf/parse.js';
import type { PristineImage } from '../mem/image.js';
import { SharedCode } from '../cpu/x86_64/code-cache.js';

/** Default bound of a cache: 256 MiB (about 100 Go contracts of 2 MiB, or thousands of C ones). */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

export interface ProgramEntry {
  readonly key: string;
  readonly elf: ElfImage;
  readonly image: PristineImage;
  readonly code: SharedCode;
  /** Runs that used this entry (statistics). */
  runs: number;
}

export interface ProgramCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export class ProgramCache {
  private readonly entries = new Map<string, ProgramEntry>();
  private readonly keys = new WeakMap<Uint8Array, string>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(readonly maxBytes = DEFAULT_CACHE_BYTES) {
    if (!(maxBytes >= 0)) throw new RangeError(`cache size must be a non-negative number of bytes, got ${maxBytes}`);
  }

  /** The entry for `bytes`, built by `build` (which may throw: nothing is cached then). */
  get(bytes: Uint8Array, build: () => { elf: ElfImage; image: PristineImage }): ProgramEntry {
    let key = this.keys.get(bytes);
    if (key === undefined) {
      key = bytesToHex(sha256(bytes));
      this.keys.set(bytes, key);
    }
    let e = this.entries.get(key);
    if (e !== undefined) {
      this.hits++;
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, e);
      return e;
    }
    this.misses++;
    const built = build();
    e = { key, elf: built.elf, image: built.image, code: new SharedCode(), runs: 0 };
    this.entries.set(key, e);
    this.trim(e);
    return e;
  }

  /** Drop an entry (a run that ended in an internal error may have left it inconsistent). */
  forget(entry: ProgramEntry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Keep the total within maxBytes, dropping least recently used entries (never `keep`). */
  trim(keep?: ProgramEntry): void {
    let total = this.bytes;
    for (const [k, e] of this.entries) {
      if (total <= this.maxBytes) break;
      if (e === keep) continue;
      total -= entryBytes(e);
      this.entries.delete(k);
      this.evictions++;
    }
  }

  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += entryBytes(e);
    return n;
  }

  stats(): ProgramCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }
}

function entryBytes(e: ProgramEntry): number {
  return e.image.bytes + e.code.bytes;
}

/** The cache runElf uses unless told otherwise (RunOptions.cache). */
export const defaultProgramCache = new ProgramCache();
