/**
 * A pristine program image: the mappings and page contents of a freshly loaded program before it
 * runs (its ELF segments; no stack, which depends on the call's arguments). Built once per program
 * by loading into a scratch Memory, then installed into the Memory of every run of that program
 * (Memory.installImage): the runs share these frames read-only and copy a page on its first write.
 *
 * Nothing ever writes these frames after capture, so an image is the same for every run and every
 * node; it depends only on the program's bytes.
 */
import { FramePool, defaultFramePool } from './frames.js';
import { Memory, PAGE_SIZE, type Mapping } from './memory.js';

export interface PristinePage {
  /** Page number (address / PAGE_SIZE). */
  readonly pn: number;
  readonly prot: number;
  readonly data: Uint8Array;
}

/** An image dropped by its cache gives its frames back to the arena's spare frames. */
const imageFinalizer = new FinalizationRegistry<readonly Uint8Array[]>((frames) => {
  for (const f of frames) defaultFramePool.release(f);
});

export class PristineImage {
  constructor(
    readonly maps: readonly Mapping[],
    readonly pages: readonly PristinePage[],
    readonly mappedBytes: number,
  ) {
    imageFinalizer.register(this, pages.map((p) => p.data));
  }

  /** Bytes held by the image's frames. */
  get bytes(): number {
    return this.pages.length * PAGE_SIZE;
  }
}

/**
 * Capture the image `load` builds. `load` receives a scratch memory without limits (the run that
 * installs the image applies its own) whose frames then belong to the image for good.
 */
export function captureImage(load: (mem: Memory) => void): PristineImage {
  const mem = new Memory({ maxResidentBytes: Infinity, maxMappedBytes: Infinity }, new FramePool(0));
  load(mem);
  mem.keepFrames();
  return new PristineImage(mem.mappings().map((m) => ({ ...m })), mem.residentPageList(), mem.mappedTotal);
}
