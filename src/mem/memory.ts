/**
 * Guest memory: a sparse, paged 47-bit user address space.
 *
 * Two layers:
 *  - mappings (VMAs): what the program has mapped, with permissions. Mapping costs nothing;
 *    a PROT_NONE reservation of hundreds of MiB is just one entry.
 *  - pages: 4 KiB Uint8Arrays, materialised (zero-filled) on first touch. Touched pages count
 *    against the memory limit and are what gas charges for.
 *
 * The CPU's hot path goes through small direct-mapped TLBs (separate for read and write), so an
 * access to a recently used page is an array lookup and a compare. A page that holds decoded
 * instructions is never entered into the write TLB: a write to it takes the slow path, which
 * tells the code cache to drop the page (self-modifying code stays correct at no hot-path cost).
 *
 * Page frames come from a FramePool (frames.ts) and go back to it when the run ends (release). A
 * run of a cached program starts from its pristine image (image.ts): those pages share the image's
 * frames read-only and get a private copy on their first write (copy-on-write), so a call copies
 * only the pages it writes.
 *
 * Addresses are JavaScript numbers. Every valid user address is below 2^47, so it is exact.
 */
import { defaultFramePool, type FramePool } from './frames.js';
import type { PristineImage } from './image.js';
import { defineError, QvmError } from '../errors.js';
import { arena, MemoryLimitExceeded } from './arena.js';

/**
 * The TLB that translated code reads inline (docs/architecture.md): a copy of the read and write
 * TLBs below in this memory's arena block, as byte offsets in the block. Tags are page numbers as
 * i64 (-1: empty), frames are arena byte offsets (i32). A slot is filled and cleared exactly when
 * the JavaScript TLB's is, so both always agree.
 */
export const TLB_R_TAG = 0;
export const TLB_W_TAG = 2048;
export const TLB_R_FRAME = 4096;
export const TLB_W_FRAME = 5120;
/** Bytes of a memory's arena block. */
export const TLB_BLOCK = 8192;
const TLB_TAG_INTS = 1024; // both tag arrays, as int32 pairs

/** Returns a memory's arena block when the Memory is collected without release(). */
const tlbFinalizer = new FinalizationRegistry<number>((off) => arena.give(off, TLB_BLOCK));

/**
 * Returns the private frames of a Memory collected without release() (arena frames are not
 * reclaimed by garbage collection). Cleanup runs between event-loop tasks: loops that create many
 * memories without yielding must release them.
 */
const frameFinalizer = new FinalizationRegistry<{ pages: Map<number, Page>; frames: FramePool }>(({ pages, frames }) => {
  for (const p of pages.values()) if (!p.shared) frames.release(p.data);
});

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** Highest user address + 1 (the x86-64 canonical lower half). */
export const USER_LIMIT = 2 ** 47;

export type AccessKind = 'read' | 'write' | 'exec';

export class MemoryFault extends QvmError {
  constructor(
    readonly addr: number,
    readonly access: AccessKind,
    /** 'unmapped': no mapping there (SEGV_MAPERR); 'protection': mapped without the permission (SEGV_ACCERR). */
    readonly kind: 'unmapped' | 'protection',
  ) {
    super(`${access} ${kind === 'unmapped' ? 'of unmapped address' : 'without permission at'} 0x${addr.toString(16)}`);
  }
}

defineError(MemoryFault, 'MemoryFault', 'MEMORY_FAULT');

export { MemoryLimitExceeded };

export interface Mapping {
  start: number;
  end: number; // exclusive
  prot: number;
  name: string;
}

export class Page {
  /** True while the code cache holds instructions decoded from this page. */
  hasCode = false;
  constructor(
    public prot: number,
    /** The page's bytes: a frame of the run's pool, or (while `shared`) a pristine image's frame. */
    public data: Uint8Array,
    /** The frame belongs to a pristine image and is read-only: the first write copies it. */
    public shared = false,
  ) {}
}

const TLB_SIZE = 256;
const EMPTY_FRAME = new Uint8Array(0);
const TLB_MASK = TLB_SIZE - 1;
/** Empty TLB slot: not an integer, so no page number (not even -1, a negative address's page) matches. */
const NO_PAGE = -0.5;

export interface MemoryOptions {
  /** Maximum bytes of touched (materialised) pages. */
  maxResidentBytes: number;
  /** Maximum bytes of mapped address space. */
  maxMappedBytes: number;
}

export class Memory {
  private readonly pages = new Map<number, Page>();
  /** Sorted, non-overlapping. */
  private maps: Mapping[] = [];
  private mappedBytes = 0;
  residentPages = 0;
  /** Pages materialised over the whole run (never decreases), for gas. */
  touchedPagesTotal = 0;

  private readonly rTag = new Float64Array(TLB_SIZE).fill(NO_PAGE);
  private readonly rData: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(EMPTY_FRAME);
  private readonly wTag = new Float64Array(TLB_SIZE).fill(NO_PAGE);
  private readonly wData: Uint8Array[] = new Array<Uint8Array>(TLB_SIZE).fill(EMPTY_FRAME);

  /** The pristine image this memory's shared pages come from (kept alive while they are used). */
  private image: PristineImage | null = null;
  /** Arena offset of the translated code's TLB, or -1 until asked for (wasmTlb). */
  private tlbOff = -1;
  private t32: Int32Array | null = null;

  /** Called with a page number when a write hits a page that holds decoded code. */
  onCodeWrite: (pageNumber: number) => void = () => {};

  constructor(
    readonly options: MemoryOptions,
    private readonly frames: FramePool = defaultFramePool,
  ) {
    frameFinalizer.register(this, { pages: this.pages, frames }, this);
  }

  /** The frames now belong to someone else (a pristine image): collecting this memory keeps them. */
  keepFrames(): void {
    frameFinalizer.unregister(this);
  }

  // ---------------------------------------------------------------- pristine images

  /**
   * Start this (empty) memory from a pristine image: its mappings, and its pages sharing the
   * image's frames. Accounting is that of loading the same segments: every image page is resident
   * and touched, and the same limits apply (the mapped size is checked, as map() would).
   */
  installImage(img: PristineImage): void {
    if (this.maps.length !== 0 || this.pages.size !== 0) throw new Error('installImage needs an empty memory');
    if (img.mappedBytes > this.options.maxMappedBytes) throw new MemoryLimitExceeded(this.options.maxMappedBytes);
    this.maps = img.maps.map((m) => ({ ...m }));
    this.mappedBytes = img.mappedBytes;
    // the image's frames go back to the arena when the image is collected: not while we share them
    this.image = img;
    for (const p of img.pages) this.pages.set(p.pn, new Page(p.prot, p.data, true));
    this.residentPages += img.pages.length;
    this.touchedPagesTotal += img.pages.length;
  }

  /** True if page pn still shares a pristine image's frame (nothing has written it). */
  isShared(pn: number): boolean {
    return this.pages.get(pn)?.shared === true;
  }

  /** The resident pages in address order (for capturing an image). */
  residentPageList(): Array<{ pn: number; prot: number; data: Uint8Array }> {
    return [...this.pages.entries()].sort((a, b) => a[0] - b[0]).map(([pn, p]) => ({ pn, prot: p.prot, data: p.data }));
  }

  /**
   * Arena offset of this memory's TLB block for translated code (allocated on first use), or -1
   * when there is no wasm arena or a frame is not in it.
   */
  get wasmTlb(): number {
    if (this.tlbOff < 0 && arena.memory !== null) {
      const off = arena.takeSmall(TLB_BLOCK);
      this.tlbOff = off;
      this.t32 = new Int32Array(arena.memory.buffer, off, TLB_BLOCK / 4);
      this.t32.fill(-1, 0, TLB_TAG_INTS);
      tlbFinalizer.register(this, off, this);
      // the JavaScript TLB is cleared too, so both start empty and are filled together
      this.rTag.fill(NO_PAGE);
      this.wTag.fill(NO_PAGE);
    }
    return this.tlbOff;
  }

  private mirror(tagAt: number, frameAt: number, slot: number, pn: number, data: Uint8Array): void {
    const t = this.t32!;
    if (!arena.holds(data)) {
      t[(tagAt >> 2) + slot * 2] = -1;
      t[(tagAt >> 2) + slot * 2 + 1] = -1;
      return;
    }
    t[(tagAt >> 2) + slot * 2] = pn | 0;
    t[(tagAt >> 2) + slot * 2 + 1] = Math.floor(pn / 4294967296);
    t[(frameAt >> 2) + slot] = data.byteOffset;
  }

  private unmirror(tagAt: number, slot: number): void {
    const t = this.t32!;
    t[(tagAt >> 2) + slot * 2] = -1;
    t[(tagAt >> 2) + slot * 2 + 1] = -1;
  }

  /** End of the run: hand the private frames back to the pool. The memory must not be used after. */
  release(): void {
    frameFinalizer.unregister(this);
    for (const p of this.pages.values()) if (!p.shared) this.frames.release(p.data);
    this.pages.clear();
    this.image = null;
    this.flushTlb();
    if (this.tlbOff >= 0) {
      tlbFinalizer.unregister(this);
      arena.give(this.tlbOff, TLB_BLOCK);
      this.tlbOff = -1;
      this.t32 = null;
    }
    this.rData.fill(EMPTY_FRAME);
    this.wData.fill(EMPTY_FRAME);
  }

  /** Give a shared page a private copy of its frame before it is written. */
  private unshare(pn: number, page: Page): void {
    page.data = this.frames.copyOf(page.data);
    page.shared = false;
    const slot = pn & TLB_MASK;
    if (this.rTag[slot] === pn) {
      this.rData[slot] = page.data;
      if (this.t32 !== null) this.mirror(TLB_R_TAG, TLB_R_FRAME, slot, pn, page.data);
    }
  }

  // ---------------------------------------------------------------- mappings

  mappings(): readonly Mapping[] {
    return this.maps;
  }

  /** Map [addr, addr+len) with prot, replacing whatever was mapped there (like MAP_FIXED). Contents become zero. */
  map(addr: number, len: number, prot: number, name: string): void {
    checkRange(addr, len);
    const end = addr + roundUp(len);
    this.unmap(addr, end - addr);
    if (this.mappedBytes + (end - addr) > this.options.maxMappedBytes) {
      throw new MemoryLimitExceeded(this.options.maxMappedBytes);
    }
    const m: Mapping = { start: addr, end, prot, name };
    const i = this.indexAfter(addr);
    this.maps.splice(i, 0, m);
    this.mappedBytes += end - addr;
  }

  /** Remove mappings and pages in [addr, addr+len). */
  unmap(addr: number, len: number): void {
    checkRange(addr, len);
    const end = addr + roundUp(len);
    const out: Mapping[] = [];
    for (const m of this.maps) {
      if (m.end <= addr || m.start >= end) {
        out.push(m);
        continue;
      }
      if (m.start < addr) out.push({ ...m, end: addr });
      if (m.end > end) out.push({ ...m, start: end });
      this.mappedBytes -= Math.min(m.end, end) - Math.max(m.start, addr);
    }
    this.maps = out;
    this.forEachPage(addr, end, (pn) => {
      const page = this.pages.get(pn);
      if (page) {
        if (page.hasCode) this.onCodeWrite(pn);
        this.pages.delete(pn);
        this.residentPages--;
        if (!page.shared) this.frames.release(page.data);
      }
    });
    this.flushTlb();
  }

  /** Change protection of [addr, addr+len). Returns false if any part is unmapped (ENOMEM). */
  protect(addr: number, len: number, prot: number): boolean {
    checkRange(addr, len);
    const end = addr + roundUp(len);
    if (!this.isMapped(addr, end - addr)) return false;
    const out: Mapping[] = [];
    for (const m of this.maps) {
      if (m.end <= addr || m.start >= end) {
        out.push(m);
        continue;
      }
      if (m.start < addr) out.push({ ...m, end: addr });
      out.push({ ...m, start: Math.max(m.start, addr), end: Math.min(m.end, end), prot });
      if (m.end > end) out.push({ ...m, start: end });
    }
    this.maps = mergeAdjacent(out);
    this.forEachPage(addr, end, (pn) => {
      const page = this.pages.get(pn);
      if (page) {
        // a pristine frame is shared only under its pristine permissions (the code cache relies on it)
        if (page.shared && page.prot !== prot) this.unshare(pn, page);
        page.prot = prot;
        // decoded instructions must be fetched again under the new permissions (e.g. no PROT_EXEC)
        if (page.hasCode) {
          page.hasCode = false;
          this.onCodeWrite(pn);
        }
      }
    });
    this.flushTlb();
    return true;
  }

  /** True if every byte of [addr, addr+len) is mapped. */
  isMapped(addr: number, len: number): boolean {
    let pos = addr;
    const end = addr + len;
    for (const m of this.maps) {
      if (m.end <= pos) continue;
      if (m.start > pos) return false;
      pos = m.end;
      if (pos >= end) return true;
    }
    return pos >= end;
  }

  findMapping(addr: number): Mapping | undefined {
    const maps = this.maps;
    let lo = 0;
    let hi = maps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = maps[mid]!;
      if (addr < m.start) hi = mid - 1;
      else if (addr >= m.end) lo = mid + 1;
      else return m;
    }
    return undefined;
  }

  /**
   * Highest free gap of len bytes that ends at or below `below` and starts at or above `above`
   * (top-down, like Linux's mmap). Returns -1 if there is none.
   */
  findFreeTopDown(len: number, below: number, above: number): number {
    const size = roundUp(len);
    let top = below;
    for (let i = this.maps.length - 1; i >= -1; i--) {
      const m = i >= 0 ? this.maps[i]! : undefined;
      const gapStart = m ? m.end : above;
      if (m && m.start >= top) continue;
      if (top - Math.max(gapStart, above) >= size) return top - size;
      if (!m) break;
      top = Math.min(top, m.start);
      if (top <= above) break;
    }
    return -1;
  }

  get mappedTotal(): number {
    return this.mappedBytes;
  }

  // ---------------------------------------------------------------- slow paths

  /** Page for an access, materialising it; throws MemoryFault. */
  pageFor(addr: number, access: AccessKind): Page {
    const pn = Math.floor(addr / PAGE_SIZE);
    let page = this.pages.get(pn);
    if (page === undefined) {
      if (addr < 0 || addr >= USER_LIMIT) throw new MemoryFault(addr, access, 'unmapped');
      const m = this.findMapping(addr);
      if (m === undefined) throw new MemoryFault(addr, access, 'unmapped');
      if ((this.residentPages + 1) * PAGE_SIZE > this.options.maxResidentBytes) {
        throw new MemoryLimitExceeded(this.options.maxResidentBytes);
      }
      page = new Page(m.prot, this.frames.take());
      this.pages.set(pn, page);
      this.residentPages++;
      this.touchedPagesTotal++;
    }
    const need = access === 'read' ? PROT_READ : access === 'write' ? PROT_WRITE : PROT_EXEC;
    if ((page.prot & need) === 0) throw new MemoryFault(addr, access, 'protection');
    if (page.shared && access === 'write') this.unshare(pn, page);
    return page;
  }

  private readPage(addr: number): Uint8Array {
    const pn = Math.floor(addr / PAGE_SIZE);
    const page = this.pageFor(addr, 'read');
    const slot = pn & TLB_MASK;
    this.rTag[slot] = pn;
    this.rData[slot] = page.data;
    if (this.t32 !== null) this.mirror(TLB_R_TAG, TLB_R_FRAME, slot, pn, page.data);
    return page.data;
  }

  private writePage(addr: number): Uint8Array {
    const pn = Math.floor(addr / PAGE_SIZE);
    const page = this.pageFor(addr, 'write');
    if (page.hasCode) {
      page.hasCode = false;
      this.onCodeWrite(pn);
    }
    const slot = pn & TLB_MASK;
    this.wTag[slot] = pn;
    this.wData[slot] = page.data;
    if (this.t32 !== null) this.mirror(TLB_W_TAG, TLB_W_FRAME, slot, pn, page.data);
    return page.data;
  }

  /** Mark a page as holding decoded code: writes to it will take the slow path. */
  markCode(pageNumber: number): void {
    const page = this.pages.get(pageNumber);
    if (page) page.hasCode = true;
    const slot = pageNumber & TLB_MASK;
    if (this.wTag[slot] === pageNumber) {
      this.wTag[slot] = NO_PAGE;
      if (this.t32 !== null) this.unmirror(TLB_W_TAG, slot);
    }
  }

  flushTlb(): void {
    this.rTag.fill(NO_PAGE);
    this.wTag.fill(NO_PAGE);
    if (this.t32 !== null) this.t32.fill(-1, 0, TLB_TAG_INTS);
  }

  // ---------------------------------------------------------------- fast paths (CPU)

  read8(addr: number): number {
    const pn = Math.floor(addr / PAGE_SIZE);
    const slot = pn & TLB_MASK;
    const d = this.rTag[slot] === pn ? this.rData[slot]! : this.readPage(addr);
    return d[addr - pn * PAGE_SIZE]!;
  }

  read16(addr: number): number {
    const pn = Math.floor(addr / PAGE_SIZE);
    const off = addr - pn * PAGE_SIZE;
    if (off > PAGE_SIZE - 2) return this.read8(addr) | (this.read8(addr + 1) << 8);
    const slot = pn & TLB_MASK;
    const d = this.rTag[slot] === pn ? this.rData[slot]! : this.readPage(addr);
    return d[off]! | (d[off + 1]! << 8);
  }

  /** Unsigned 32-bit read. */
  read32(addr: number): number {
    const pn = Math.floor(addr / PAGE_SIZE);
    const off = addr - pn * PAGE_SIZE;
    if (off > PAGE_SIZE - 4) return (this.read16(addr) | (this.read16(addr + 2) << 16)) >>> 0;
    const slot = pn & TLB_MASK;
    const d = this.rTag[slot] === pn ? this.rData[slot]! : this.readPage(addr);
    return (d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24)) >>> 0;
  }

  /** 32-bit read as an int32 view (`>>> 0` gives read32's value): no heap number crosses the call. */
  read32s(addr: number): number {
    const pn = Math.floor(addr / PAGE_SIZE);
    const off = addr - pn * PAGE_SIZE;
    if (off > PAGE_SIZE - 4) return this.read16(addr) | (this.read16(addr + 2) << 16);
    const slot = pn & TLB_MASK;
    const d = this.rTag[slot] === pn ? this.rData[slot]! : this.readPage(addr);
    return d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24);
  }

  write8(addr: number, v: number): void {
    const pn = Math.floor(addr / PAGE_SIZE);
    const slot = pn & TLB_MASK;
    const d = this.wTag[slot] === pn ? this.wData[slot]! : this.writePage(addr);
    d[addr - pn * PAGE_SIZE] = v;
  }

  write16(addr: number, v: number): void {
    const pn = Math.floor(addr / PAGE_SIZE);
    const off = addr - pn * PAGE_SIZE;
    if (off > PAGE_SIZE - 2) {
      this.checkWritable(addr, 2);
      this.write8(addr, v);
      this.write8(addr + 1, v >>> 8);
      return;
    }
    const slot = pn & TLB_MASK;
    const d = this.wTag[slot] === pn ? this.wData[slot]! : this.writePage(addr);
    d[off] = v;
    d[off + 1] = v >>> 8;
  }

  write32(addr: number, v: number): void {
    const pn = Math.floor(addr / PAGE_SIZE);
    const off = addr - pn * PAGE_SIZE;
    if (off > PAGE_SIZE - 4) {
      this.checkWritable(addr, 4);
      for (let i = 0; i < 4; i++) this.write8(addr + i, v >>> (8 * i));
      return;
    }
    const slot = pn & TLB_MASK;
    const d = this.wTag[slot] === pn ? this.wData[slot]! : this.writePage(addr);
    d[off] = v;
    d[off + 1] = v >>> 8;
    d[off + 2] = v >>> 16;
    d[off + 3] = v >>> 24;
  }

  /** Write lo/hi halves of a 64-bit value; both pages are checked before either is written. */
  write64(addr: number, lo: number, hi: number): void {
    const off = addr % PAGE_SIZE;
    if (off > PAGE_SIZE - 8) this.checkWritable(addr, 8);
    this.write32(addr, lo);
    this.write32(addr + 4, hi);
  }

  /** Fault (before any byte changes) if [addr, addr+len) is not all writable. */
  checkWritable(addr: number, len: number): void {
    this.writePage(addr);
    this.writePage(addr + len - 1);
  }

  checkReadable(addr: number, len: number): void {
    this.readPage(addr);
    if (len > 1) this.readPage(addr + len - 1);
  }

  /** Instruction fetch for the decoder: copies up to `len` executable bytes into buf, returns count copied. */
  fetch(addr: number, buf: Uint8Array, len: number): number {
    let n = 0;
    while (n < len) {
      let page: Page;
      try {
        page = this.pageFor(addr + n, 'exec');
      } catch (e) {
        if (n === 0) throw e;
        break; // a later byte is not fetchable: the decoder faults only if it needs it
      }
      const off = (addr + n) % PAGE_SIZE;
      const take = Math.min(len - n, PAGE_SIZE - off);
      buf.set(page.data.subarray(off, off + take), n);
      n += take;
    }
    return n;
  }

  // ---------------------------------------------------------------- bulk (kernel, loader)

  /** Copy guest bytes out. Throws MemoryFault. (Like fetch's loop, but it faults on any page: fetch stops early.) */
  read(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let n = 0;
    while (n < len) {
      const page = this.pageFor(addr + n, 'read');
      const off = (addr + n) % PAGE_SIZE;
      const take = Math.min(len - n, PAGE_SIZE - off);
      out.set(page.data.subarray(off, off + take), n);
      n += take;
    }
    return out;
  }

  /** Copy bytes into the guest, checking every page first so a fault writes nothing. */
  write(addr: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    for (let a = addr - (addr % PAGE_SIZE); a < addr + bytes.length; a += PAGE_SIZE) this.writePage(Math.max(a, addr));
    let n = 0;
    while (n < bytes.length) {
      const page = this.pageFor(addr + n, 'write');
      const off = (addr + n) % PAGE_SIZE;
      const take = Math.min(bytes.length - n, PAGE_SIZE - off);
      page.data.set(bytes.subarray(n, n + take), off);
      n += take;
    }
  }

  /** Write bytes ignoring page permissions (the loader fills read-only segments). */
  poke(addr: number, bytes: Uint8Array): void {
    let n = 0;
    while (n < bytes.length) {
      const a = addr + n;
      const pn = Math.floor(a / PAGE_SIZE);
      const m = this.findMapping(a);
      if (!m) throw new MemoryFault(a, 'write', 'unmapped');
      let page = this.pages.get(pn);
      if (!page) {
        page = new Page(m.prot, this.frames.take());
        this.pages.set(pn, page);
        this.residentPages++;
        this.touchedPagesTotal++;
      } else if (page.shared) {
        this.unshare(pn, page);
      }
      const off = a % PAGE_SIZE;
      const take = Math.min(bytes.length - n, PAGE_SIZE - off);
      page.data.set(bytes.subarray(n, n + take), off);
      n += take;
    }
  }

  /** NUL-terminated string (without the NUL), at most max bytes; throws MemoryFault. Returns null if no NUL within max. */
  readCString(addr: number, max: number): Uint8Array | null {
    const chunks: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read8(addr + i);
      if (b === 0) return Uint8Array.from(chunks);
      chunks.push(b);
    }
    return null;
  }

  read64Big(addr: number): bigint {
    return BigInt(this.read32(addr)) | (BigInt(this.read32(addr + 4)) << 32n);
  }

  write64Big(addr: number, v: bigint): void {
    this.write64(addr, Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn));
  }

  // ---------------------------------------------------------------- helpers

  private indexAfter(addr: number): number {
    let i = 0;
    while (i < this.maps.length && this.maps[i]!.start < addr) i++;
    return i;
  }

  private forEachPage(start: number, end: number, fn: (pn: number) => void): void {
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor((end - 1) / PAGE_SIZE);
    if (last - first > this.pages.size) {
      for (const pn of [...this.pages.keys()]) if (pn >= first && pn <= last) fn(pn);
    } else {
      for (let pn = first; pn <= last; pn++) fn(pn);
    }
  }
}

export function roundUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

function checkRange(addr: number, len: number): void {
  if (addr % PAGE_SIZE !== 0 || len <= 0 || addr < 0 || addr + len > USER_LIMIT) {
    throw new RangeError(`bad memory range 0x${addr.toString(16)}+${len}`);
  }
}

function mergeAdjacent(maps: Mapping[]): Mapping[] {
  const out: Mapping[] = [];
  for (const m of maps) {
    const prev = out[out.length - 1];
    if (prev && prev.end === m.start && prev.prot === m.prot && prev.name === m.name) prev.end = m.end;
    else out.push({ ...m });
  }
  return out;
}
