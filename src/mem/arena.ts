/**
 * The frame arena: all guest page frames of this JavaScript realm (the process, or one worker)
 * live in one shared `WebAssembly.Memory`, so the WebAssembly translator reaches every page
 * inline (docs/architecture.md, "Guest memory and the per-program cache").
 *
 * Why a *shared* memory: growing a non-shared `WebAssembly.Memory` detaches its buffer and every
 * frame view into it, while growing a shared one keeps old buffers valid (they alias the same
 * bytes). Frames can then stay plain `Uint8Array` views, as the interpreter, the kernel and the
 * loader use them, and are named by their byte offset (`frame.byteOffset`) where wasm needs it.
 *
 * Arena space is never given back to the host (a wasm memory cannot shrink): chunks that a pool
 * drops go to the arena's own free list and are cut into frames again. Where shared wasm memory is
 * not available (a browser page without cross-origin isolation) chunks are ordinary ArrayBuffers
 * and the translator stays off (`arena.memory === null`).
 */
import { defineError, QvmError } from '../errors.js';

const WASM_PAGE = 65536;

/** An environment variable of the host process (undefined in a browser). */
export function hostEnv(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}
/** Upper bound of the arena (wasm32 addresses): 4 GiB of virtual reservation, committed as used. */
const MAX_WASM_PAGES = 65536;

/** Raised when materialising a page would exceed the memory limit (or the arena is exhausted). */
export class MemoryLimitExceeded extends QvmError {
  constructor(readonly limitBytes: number) {
    super(`memory limit exceeded (${limitBytes} bytes)`);
  }
}
defineError(MemoryLimitExceeded, 'MemoryLimitExceeded', 'MEMORY_LIMIT');

export class FrameArena {
  /** The shared wasm memory holding every frame, or null when unavailable. */
  readonly memory: WebAssembly.Memory | null;
  private view: Uint8Array;
  /** Free small blocks (takeSmall), by size in bytes. */
  private readonly freeBlocks = new Map<number, number[]>();

  constructor(shared = true) {
    let memory: WebAssembly.Memory | null = null;
    // a page without cross-origin isolation may create shared wasm memory yet lack SharedArrayBuffer
    if (shared && typeof SharedArrayBuffer !== 'undefined') {
      try {
        memory = new WebAssembly.Memory({ initial: 0, maximum: MAX_WASM_PAGES, shared: true });
      } catch {
        memory = null;
      }
    }
    this.memory = memory;
    this.view = memory !== null ? new Uint8Array(memory.buffer) : new Uint8Array(0);
  }

  /**
   * `bytes` (a multiple of 64 KiB) of fresh, zeroed arena space (frame chunks: never given back). Returns the buffer it lives
   * in and its offset. Throws RangeError when the arena is full (4 GiB).
   */
  take(bytes: number): { buffer: ArrayBufferLike; offset: number } {
    if (this.memory === null) return { buffer: new ArrayBuffer(bytes), offset: 0 };
    const pages = Math.ceil(bytes / WASM_PAGE);
    let old: number;
    try {
      old = this.memory.grow(pages);
    } catch {
      // every frame of this realm is in use: the run that asked fails like one over its limit
      throw new MemoryLimitExceeded(MAX_WASM_PAGES * WASM_PAGE);
    }
    this.view = new Uint8Array(this.memory.buffer);
    return { buffer: this.memory.buffer, offset: old * WASM_PAGE };
  }

  /**
   * A zeroed block of `bytes` (a power of two up to 64 KiB) for state that translated code reads
   * (TLBs, register files), or -1 without a wasm arena. Blocks are carved from 64 KiB chunks and
   * recycled through `give`.
   */
  takeSmall(bytes: number): number {
    if (this.memory === null) return -1;
    let list = this.freeBlocks.get(bytes);
    if (list === undefined) this.freeBlocks.set(bytes, (list = []));
    let off = list.pop();
    if (off === undefined) {
      const chunk = this.take(WASM_PAGE).offset;
      for (let o = WASM_PAGE - bytes; o > 0; o -= bytes) list.push(chunk + o);
      off = chunk;
    }
    this.bytes.fill(0, off, off + bytes);
    return off;
  }

  /** Give a block from `takeSmall` back. */
  give(offset: number, bytes: number): void {
    if (this.memory === null || offset < 0) return;
    this.freeBlocks.get(bytes)?.push(offset);
  }

  /** A view of the whole arena as it is now (refreshed after growth). */
  get bytes(): Uint8Array {
    if (this.memory !== null && this.view.byteLength !== this.memory.buffer.byteLength) this.view = new Uint8Array(this.memory.buffer);
    return this.view;
  }

  /** True when `frame` is a view into this arena (so wasm can reach it). */
  holds(frame: Uint8Array): boolean {
    return this.memory !== null && frame.buffer instanceof SharedArrayBuffer;
  }
}

/** The arena of this realm (one per worker thread, like the frame pool and the program cache). */
export const arena = new FrameArena(hostEnv('QVM_NO_WASM_ARENA') === undefined);

/** Bytes of a CPU register file in the arena (see Cpu: registers, then the translator's exchange area). */
export const REGISTER_FILE = 512;

const fileFinalizer = new FinalizationRegistry<number>((off) => arena.give(off, REGISTER_FILE));

/**
 * A register file for `owner` (a Cpu) in the arena: its offset, or -1 without a wasm arena. It goes
 * back to the arena when the owner is collected (register views may outlive the run's memory).
 */
export function takeRegisterFile(owner: object): number {
  const off = arena.takeSmall(REGISTER_FILE);
  if (off >= 0) fileFinalizer.register(owner, off);
  return off;
}
