/**
 * Address-space system calls: brk, mmap, munmap, mprotect, mremap, madvise, mincore, msync, mlock*.
 *
 * Deterministic layout: the heap grows up from brkStart; mmap without a usable hint takes the
 * highest free range below mmapBase and at or above mmapFloor (top-down, first fit), so every
 * address depends only on the run's own history. Address-space exhaustion and the address-space
 * limit give ENOMEM; malformed arguments give EINVAL.
 */
import {
  MemoryLimitExceeded,
  PAGE_SIZE,
  PROT_READ,
  PROT_WRITE,
  USER_LIMIT,
  roundUp,
  type Memory,
} from '../../mem/memory.js';
import {
  MADV_DONTNEED,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  MMAP_MIN_ADDR,
  MREMAP_DONTUNMAP,
  MREMAP_FIXED,
  MREMAP_MAYMOVE,
} from '../constants.js';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM, SysError } from '../errno.js';
import { checkWritable, int, ptr, size } from '../guest.js';
import { CharDevice, FileNode, makedev } from '../vfs/inode.js';
import type { Sys, SyscallGroup } from './types.js';

const PROT_MASK = 7;
const PROT_GROWSDOWN = 0x01000000;
const PROT_GROWSUP = 0x02000000;

/** True if any mapping overlaps [start, end). */
export function overlaps(mem: Memory, start: number, end: number): boolean {
  for (const m of mem.mappings()) {
    if (m.start >= end) return false;
    if (m.end > start) return true;
  }
  return false;
}

/** Map, turning the address-space limit into ENOMEM. */
function mapOrEnomem(mem: Memory, addr: number, len: number, prot: number, name: string): void {
  try {
    mem.map(addr, len, prot, name);
  } catch (e) {
    if (e instanceof MemoryLimitExceeded) throw new SysError(ENOMEM);
    throw e;
  }
}

/**
 * Merge a newly mapped range with its neighbours of the same protection and name (Memory.map
 * inserts a separate entry; Memory.protect coalesces adjacent compatible mappings).
 */
function coalesce(mem: Memory, addr: number, len: number, prot: number): void {
  mem.protect(addr, len, prot);
}

/** The mappings overlapping [start, end), clipped to it. */
function pieces(mem: Memory, start: number, end: number): Array<{ start: number; end: number; prot: number; name: string }> {
  return mem
    .mappings()
    .filter((m) => m.end > start && m.start < end)
    .map((m) => ({ start: Math.max(m.start, start), end: Math.min(m.end, end), prot: m.prot, name: m.name }));
}

/**
 * Move the contents and protections of [from, from+len) to [to, to+len) (already mapped),
 * ignoring protections while copying.
 */
function copyRange(mem: Memory, from: number, to: number, len: number): void {
  const CHUNK = 1 << 20;
  for (const p of pieces(mem, from, from + len)) {
    const unreadable = (p.prot & PROT_READ) === 0;
    if (unreadable) mem.protect(p.start, p.end - p.start, p.prot | PROT_READ);
    for (let a = p.start; a < p.end; a += CHUNK) {
      const n = Math.min(CHUNK, p.end - a);
      mem.poke(to + (a - from), mem.read(a, n));
    }
    if (unreadable) mem.protect(p.start, p.end - p.start, p.prot);
    mem.protect(to + (p.start - from), p.end - p.start, p.prot);
  }
}

function brk(s: Sys, a: readonly bigint[]): number {
  const k = s.k;
  const req = ptr(a[0]!);
  if (req < k.brkStart || req >= USER_LIMIT) return k.brk;
  const oldTop = roundUp(k.brk);
  const newTop = roundUp(req);
  if (newTop > oldTop) {
    if (newTop > USER_LIMIT || overlaps(s.mem, oldTop, newTop)) return k.brk;
    try {
      s.mem.map(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE, '[heap]');
    } catch (e) {
      if (e instanceof MemoryLimitExceeded) return k.brk;
      throw e;
    }
    coalesce(s.mem, oldTop, newTop - oldTop, PROT_READ | PROT_WRITE);
  } else if (newTop < oldTop) {
    s.mem.unmap(newTop, oldTop - newTop);
  }
  k.brk = req;
  return req;
}

function mmap(s: Sys, a: readonly bigint[]): number {
  const k = s.k;
  const mem = s.mem;
  const length = size(a[1]!);
  const prot = int(a[2]!) & PROT_MASK;
  const flags = int(a[3]!);
  const fd = int(a[4]!);
  const offset = a[5]!;
  if (length === 0) throw new SysError(EINVAL);
  if (length > USER_LIMIT) throw new SysError(ENOMEM);
  const len = roundUp(length);
  if ((offset & 0xfffn) !== 0n) throw new SysError(EINVAL);
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) throw new SysError(EINVAL);

  // File-backed mappings copy the file's bytes in (MAP_SHARED writes are not written back).
  let content: Uint8Array | null = null;
  let name = '';
  if (!(flags & MAP_ANONYMOUS)) {
    const e = k.fds.entry(fd);
    if (!e) throw new SysError(EBADF);
    const f = e.file;
    if (!f.readable) throw new SysError(EACCES);
    if (type !== MAP_PRIVATE && prot & PROT_WRITE && !f.writable) throw new SysError(EACCES);
    if (f.node instanceof FileNode) {
      const off = Number(BigInt.asUintN(64, offset));
      content = f.node.read(off, len);
      name = f.path;
    } else if (f.node instanceof CharDevice && f.node.rdev === makedev(1, 5)) {
      // same as anonymous
    } else {
      throw new SysError(ENODEV);
    }
  }

  const want = ptr(a[0]!);
  let addr: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (want % PAGE_SIZE !== 0) throw new SysError(EINVAL);
    if (want + len > USER_LIMIT) throw new SysError(ENOMEM);
    if (want < MMAP_MIN_ADDR) throw new SysError(EPERM);
    if (!(flags & MAP_FIXED) && overlaps(mem, want, want + len)) throw new SysError(EEXIST);
    addr = want;
  } else {
    const hint = roundUp(want);
    if (hint >= MMAP_MIN_ADDR && hint + len <= USER_LIMIT && !overlaps(mem, hint, hint + len)) {
      addr = hint;
    } else {
      addr = mem.findFreeTopDown(len, k.mmapBase, k.mmapFloor);
      if (addr < 0) throw new SysError(ENOMEM);
    }
  }

  mapOrEnomem(mem, addr, len, prot, name);
  if (content && content.length > 0) {
    try {
      mem.poke(addr, content);
    } catch (e) {
      if (e instanceof MemoryLimitExceeded) {
        mem.unmap(addr, len);
        throw new SysError(ENOMEM);
      }
      throw e;
    }
  }
  return addr;
}

function munmap(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const length = size(a[1]!);
  if (addr % PAGE_SIZE !== 0 || length === 0 || addr + length > USER_LIMIT) throw new SysError(EINVAL);
  s.mem.unmap(addr, roundUp(length));
  return 0;
}

function mprotect(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const length = size(a[1]!);
  const prot = int(a[2]!);
  if (addr % PAGE_SIZE !== 0) throw new SysError(EINVAL);
  if (prot & ~(PROT_MASK | PROT_GROWSDOWN | PROT_GROWSUP)) throw new SysError(EINVAL);
  if (length === 0) return 0;
  const len = roundUp(length);
  if (addr + len > USER_LIMIT) throw new SysError(ENOMEM);
  if (!s.mem.protect(addr, len, prot & PROT_MASK)) throw new SysError(ENOMEM);
  return 0;
}

function mremap(s: Sys, a: readonly bigint[]): number {
  const k = s.k;
  const mem = s.mem;
  const old = ptr(a[0]!);
  const oldSize = size(a[1]!);
  const newSize = size(a[2]!);
  const flags = int(a[3]!);
  const newAddr = ptr(a[4]!);
  if (old % PAGE_SIZE !== 0) throw new SysError(EINVAL);
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) throw new SysError(EINVAL);
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) && !(flags & MREMAP_MAYMOVE)) throw new SysError(EINVAL);
  if (flags & MREMAP_DONTUNMAP && oldSize !== newSize) throw new SysError(EINVAL);
  if (newSize === 0 || oldSize === 0) throw new SysError(EINVAL);
  if (newSize > USER_LIMIT || oldSize > USER_LIMIT) throw new SysError(EINVAL);
  const oldLen = roundUp(oldSize);
  const newLen = roundUp(newSize);
  if (!mem.isMapped(old, oldLen)) throw new SysError(EFAULT);
  const first = mem.findMapping(old)!;
  const last = mem.findMapping(old + oldLen - 1)!;
  const { prot, name } = first;

  const moveTo = (target: number): number => {
    mapOrEnomem(mem, target, newLen, prot, name);
    copyRange(mem, old, target, Math.min(oldLen, newLen));
    if (flags & MREMAP_DONTUNMAP) {
      mem.map(old, oldLen, prot, name); // the old range stays mapped, emptied
    } else {
      mem.unmap(old, oldLen);
    }
    return target;
  };

  if (flags & MREMAP_FIXED) {
    if (newAddr % PAGE_SIZE !== 0 || newAddr + newLen > USER_LIMIT) throw new SysError(EINVAL);
    if (newAddr < old + oldLen && old < newAddr + newLen) throw new SysError(EINVAL);
    mem.unmap(newAddr, newLen);
    return moveTo(newAddr);
  }
  if (flags & MREMAP_DONTUNMAP) {
    const target = mem.findFreeTopDown(newLen, k.mmapBase, k.mmapFloor);
    if (target < 0) throw new SysError(ENOMEM);
    return moveTo(target);
  }
  if (newLen <= oldLen) {
    if (newLen < oldLen) mem.unmap(old + newLen, oldLen - newLen);
    return old;
  }
  const tail = old + oldLen;
  if (old + newLen <= USER_LIMIT && !overlaps(mem, tail, old + newLen)) {
    mapOrEnomem(mem, tail, newLen - oldLen, last.prot, last.name);
    coalesce(mem, tail, newLen - oldLen, last.prot);
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) throw new SysError(ENOMEM);
  const target = mem.findFreeTopDown(newLen, k.mmapBase, k.mmapFloor);
  if (target < 0) throw new SysError(ENOMEM);
  return moveTo(target);
}

function madvise(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const length = size(a[1]!);
  const advice = int(a[2]!);
  if (addr % PAGE_SIZE !== 0 || advice < 0) throw new SysError(EINVAL);
  if (length === 0) return 0;
  const len = roundUp(length);
  if (addr + len > USER_LIMIT) throw new SysError(EINVAL);
  if (!s.mem.isMapped(addr, len)) throw new SysError(ENOMEM);
  if (advice === MADV_DONTNEED) {
    // Drop the pages: they read back as zeros (re-mapping the pieces empties them).
    for (const p of pieces(s.mem, addr, addr + len)) s.mem.map(p.start, p.end - p.start, p.prot, p.name);
  }
  return 0;
}

function mincore(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const length = size(a[1]!);
  const vec = ptr(a[2]!);
  if (addr % PAGE_SIZE !== 0) throw new SysError(EINVAL);
  const len = roundUp(length);
  if (addr + len > USER_LIMIT) throw new SysError(ENOMEM);
  if (!s.mem.isMapped(addr, len)) throw new SysError(ENOMEM);
  const pages = len / PAGE_SIZE;
  checkWritable(s.mem, vec, pages);
  // Every mapped page is reported resident (a fixed answer, independent of host state).
  const CHUNK = 1 << 16;
  for (let i = 0; i < pages; i += CHUNK) s.mem.write(vec + i, new Uint8Array(Math.min(CHUNK, pages - i)).fill(1));
  return 0;
}

function msync(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const length = size(a[1]!);
  const flags = int(a[2]!);
  if (addr % PAGE_SIZE !== 0 || flags & ~7 || (flags & 1 && flags & 4)) throw new SysError(EINVAL);
  if (length === 0) return 0;
  if (!s.mem.isMapped(addr, roundUp(length))) throw new SysError(ENOMEM);
  return 0;
}

const ok = (): number => 0;

export const memorySyscalls: SyscallGroup = {
  brk: [brk, 'p'],
  mmap: [mmap, 'puxxdl'],
  munmap: [munmap, 'pu'],
  mprotect: [mprotect, 'pux'],
  mremap: [mremap, 'puuxp'],
  madvise: [madvise, 'pud'],
  mincore: [mincore, 'pup'],
  msync: [msync, 'pux'],
  mlock: [ok, 'pu'],
  munlock: [ok, 'pu'],
  mlock2: [ok, 'pux'],
  mlockall: [ok, 'x'],
  munlockall: [ok, ''],
};
