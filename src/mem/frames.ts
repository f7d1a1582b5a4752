/**
 * Page frames: the 4 KiB byte arrays that hold guest pages (the memory design in
 * docs/architecture.md, "Guest memory").
 *
 * Frames are cut from large arena chunks rather than allocated one by one, and a run hands its
 * frames back when it ends, so the next run of the same node takes them from the free list instead
 * of allocating (and later collecting) a fresh Uint8Array per touched page. A frame taken from the
 * pool is always zero, exactly like a newly materialised page.
 *
 * Frames of a pristine program image (image.ts) are never returned here: they belong to the image,
 * are shared read-only by every run of that program and copied on the first write.
 */
/** Bytes per frame: the guest page size (memory.ts PAGE_SIZE). */
const PAGE_SIZE = 4096;

import { arena } from './arena.js';

/**
 * Frames that pools dropped (beyond their maxFree): arena space cannot be returned to the host,
 * so they wait here for the next pool that needs frames. Not zeroed.
 */
const spare: Uint8Array[] = [];

/** Frames per arena chunk (256 KiB). */
const CHUNK_FRAMES = 64;
/** Default number of free frames a pool keeps (64 MiB); frames released beyond it are dropped. */
export const DEFAULT_POOL_FRAMES = 16384;

export class FramePool {
  private readonly free: Uint8Array[] = [];
  /** Frames handed out since the pool was made (statistics). */
  taken = 0;
  /** Frames that had to be newly allocated (statistics: taken - allocated were recycled). */
  allocated = 0;

  constructor(readonly maxFree = DEFAULT_POOL_FRAMES) {}

  /** A zero-filled frame. */
  take(): Uint8Array {
    this.taken++;
    const f = this.free.pop() ?? spare.pop();
    if (f !== undefined) {
      f.fill(0);
      return f;
    }
    return this.refill();
  }

  /** A frame holding a copy of `src` (copy-on-write of a shared frame). */
  copyOf(src: Uint8Array): Uint8Array {
    this.taken++;
    const f = this.free.pop() ?? spare.pop() ?? this.refill();
    f.set(src);
    return f;
  }

  /** Give frames back; the caller must hold no reference to them afterwards. */
  release(frame: Uint8Array): void {
    if (this.free.length < this.maxFree) this.free.push(frame);
    else if (arena.holds(frame)) spare.push(frame);
  }

  get freeFrames(): number {
    return this.free.length;
  }

  private refill(): Uint8Array {
    // a new chunk of the arena is zero (fresh wasm pages)
    const { buffer, offset } = arena.take(CHUNK_FRAMES * PAGE_SIZE);
    for (let i = 1; i < CHUNK_FRAMES; i++) this.free.push(new Uint8Array(buffer, offset + i * PAGE_SIZE, PAGE_SIZE));
    this.allocated += CHUNK_FRAMES;
    return new Uint8Array(buffer, offset, PAGE_SIZE);
  }
}

/** A pool for callers that do not bring one (tests, single runs). */
export const defaultFramePool = new FramePool();
