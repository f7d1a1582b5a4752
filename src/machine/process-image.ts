/**
 * Builds a new process's address space from a parsed ELF: maps the PT_LOAD segments, the stack,
 * and writes the initial stack (argc, argv, envp, auxv) the way Linux's execve does.
 *
 * Fixed memory layout (no ASLR; every node produces the same addresses):
 *
 *   0x000000010000 ..                  lowest address a segment may use (MIN_SEGMENT_ADDR)
 *   ELF segments                        at their link addresses (ET_EXEC), or at
 *                                       STATIC_PIE_BASE = 0x555555554000 (static-pie)
 *   brkStart                            page-rounded end of the highest segment; the heap grows up
 *   ... free ...
 *   MMAP_BASE    = 0x7ffff7fff000       mmap allocates top-down below this address
 *   ... gap (~120 MiB) ...
 *   STACK_TOP - STACK_SIZE = 0x7fffff7ff000
 *   [stack] (8 MiB, read/write)         grows down from
 *   STACK_TOP    = 0x7ffffffff000       (Linux's TASK_SIZE on x86-64: 2^47 - 4096)
 *
 * Initial stack, from the top down (Linux fs/exec.c + fs/binfmt_elf.c create_elf_tables, with
 * stack randomisation off):
 *
 *   8 zero bytes                        (bprm->p starts one pointer below the top)
 *   execfn string                       (AT_EXECFN points here)
 *   envp strings                        envp[0] lowest
 *   argv strings                        argv[0] lowest
 *   --- align down to 16
 *   platform string "x86_64"            (AT_PLATFORM)
 *   16 bytes of AT_RANDOM data
 *   --- padding so that the final rsp is 16-byte aligned
 *   auxv pairs, ending with AT_NULL
 *   envp pointers, NULL
 *   argv pointers, NULL
 *   argc                                <- rsp
 *
 * The auxv order is Linux 6.1's for x86-64 without a vDSO: [AT_MINSIGSTKSZ if given], AT_HWCAP,
 * AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID,
 * AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN, AT_PLATFORM, AT_NULL.
 *
 * Segment pages are named GUEST_EXE_PATH (pages holding only bss are anonymous, name ''), as
 * /proc/self/maps would show them.
 */
import { type Memory, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../mem/memory.js';
import {
  AT_BASE,
  AT_CLKTCK,
  AT_EGID,
  AT_ENTRY,
  AT_EUID,
  AT_EXECFN,
  AT_FLAGS,
  AT_GID,
  AT_HWCAP,
  AT_HWCAP2,
  AT_MINSIGSTKSZ,
  AT_NULL,
  AT_PAGESZ,
  AT_PHDR,
  AT_PHENT,
  AT_PHNUM,
  AT_PLATFORM,
  AT_RANDOM,
  AT_SECURE,
  AT_UID,
} from '../elf/constants.js';
import { ElfError, type ElfImage } from '../elf/parse.js';
import { UserError } from '../errors.js';

export const STACK_TOP = 0x7ffffffff000;
export const STACK_SIZE = 8 * 1024 * 1024;
export const STACK_BOTTOM = STACK_TOP - STACK_SIZE;
/** mmap without a hint allocates top-down below this address. */
export const MMAP_BASE = 0x7ffff7fff000;
/** Path of the program inside the guest (mapping name, default AT_EXECFN). */
export const GUEST_EXE_PATH = '/bin/contract';
/** Limit on argv + envp: strings with their NULs plus one pointer each (Linux counts the same). */
export const MAX_ARG_BYTES = 256 * 1024;
/** Identity the program runs as (uid/euid/gid/egid). */
export const DEFAULT_UID = 1000;
export const DEFAULT_GID = 1000;
/** sysconf(_SC_CLK_TCK). */
export const CLOCK_TICKS = 100;

export interface LoadOptions {
  argv: Uint8Array[];
  env: Uint8Array[];
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
  /** AT_EXECFN string. */
  execfn: string;
  /** AT_PLATFORM string, e.g. 'x86_64'. */
  platform: string;
  hwcap: number;
  hwcap2?: number;
  uid?: number;
  gid?: number;
  /** If set, AT_MINSIGSTKSZ is passed first (as Linux ≥ 5.14 does on x86-64). */
  minSigStkSz?: number;
}

export interface LoadedProcess {
  entry: number;
  /** Initial rsp: 16-byte aligned, argc at [rsp]. */
  stackPointer: number;
  brkStart: number;
  /** The auxiliary vector as written (without AT_NULL), for /proc/self/auxv and getauxval. */
  auxv: Array<[number, number]>;
  /** [argStart, argEnd) holds the argv strings, [envStart, envEnd) the envp strings (NUL-separated). */
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
}

interface PageRun {
  start: number;
  end: number;
  prot: number;
  fileBacked: boolean;
}

const pageDown = (a: number): number => a - (a % PAGE_SIZE);
const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

/**
 * Page ranges of all segments, with pages shared by two segments given the union of their
 * permissions. Returned sorted and non-overlapping.
 */
function segmentPageRuns(img: ElfImage): PageRun[] {
  const parts: PageRun[] = [];
  for (const s of img.segments) {
    const start = pageDown(s.vaddr);
    const fileEnd = s.filesz > 0 ? pageUp(s.vaddr + s.filesz) : start;
    const end = pageUp(s.vaddr + s.memsz);
    if (fileEnd > start) parts.push({ start, end: fileEnd, prot: s.prot, fileBacked: true });
    if (end > fileEnd) parts.push({ start: fileEnd, end, prot: s.prot, fileBacked: false });
  }
  const cuts = [...new Set(parts.flatMap((p) => [p.start, p.end]))].sort((a, b) => a - b);
  const runs: PageRun[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i]!;
    const b = cuts[i + 1]!;
    let prot = 0;
    let fileBacked = false;
    let covered = false;
    for (const p of parts) {
      if (p.start <= a && a < p.end) {
        covered = true;
        prot |= p.prot;
        fileBacked ||= p.fileBacked;
      }
    }
    if (!covered) continue;
    const prev = runs[runs.length - 1];
    if (prev && prev.end === a && prev.prot === prot && prev.fileBacked === fileBacked) prev.end = b;
    else runs.push({ start: a, end: b, prot, fileBacked });
  }
  return runs;
}

export function loadProcessImage(mem: Memory, img: ElfImage, bytes: Uint8Array, opts: LoadOptions): LoadedProcess {
  checkLoadOptions(opts);
  loadSegments(mem, img, bytes);
  return writeInitialStack(mem, img, opts);
}

/** The checks of loadProcessImage on its options, made before memory is touched. */
export function checkLoadOptions(opts: LoadOptions): void {
  if (opts.random.length !== 16) throw new Error(`AT_RANDOM needs 16 bytes, got ${opts.random.length}`);

  // ---- argument size check (before touching memory)
  let argBytes = 0;
  for (const [what, list] of [['argv', opts.argv], ['environment', opts.env]] as const) {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s.includes(0)) throw new UserError(`${what} entry ${i} contains a NUL byte`, { code: 'ARG_NUL' });
      argBytes += s.length + 1 + 8;
    }
  }
  if (argBytes > MAX_ARG_BYTES) {
    throw new UserError(`argument list too long: argv and environment take ${argBytes} bytes, the limit is ${MAX_ARG_BYTES}`, {
      code: 'E2BIG',
      hint: 'pass large inputs on standard input (--stdin FILE) instead of as arguments',
    });
  }
}

/**
 * Map the PT_LOAD segments and copy their file bytes: the part of the image that depends only on
 * the program (the per-program cache keeps it as a pristine image).
 */
export function loadSegments(mem: Memory, img: ElfImage, bytes: Uint8Array): void {
  // ---- segments
  for (const s of img.segments) {
    const end = s.vaddr + s.memsz;
    if (end > STACK_BOTTOM && s.vaddr < STACK_TOP) {
      throw new ElfError(`segment at 0x${s.vaddr.toString(16)} overlaps the stack (0x${STACK_BOTTOM.toString(16)}..0x${STACK_TOP.toString(16)})`);
    }
    if (s.offset + s.filesz > bytes.length) {
      throw new ElfError(`segment at 0x${s.vaddr.toString(16)}: file range past end of file`);
    }
  }
  for (const r of segmentPageRuns(img)) {
    mem.map(r.start, r.end - r.start, r.prot, r.fileBacked ? GUEST_EXE_PATH : '');
  }
  for (const s of img.segments) {
    if (s.filesz > 0) mem.poke(s.vaddr, bytes.subarray(s.offset, s.offset + s.filesz));
  }
}

/** Highest segment end, page-rounded: where the heap (brk) starts. */
export function brkStartOf(img: ElfImage): number {
  let highest = 0;
  for (const s of img.segments) highest = Math.max(highest, s.vaddr + s.memsz);
  return pageUp(highest);
}

/** Map the stack and write argc, argv, envp and auxv the way execve does (after loadSegments). */
export function writeInitialStack(mem: Memory, img: ElfImage, opts: LoadOptions): LoadedProcess {
  const brkStart = brkStartOf(img);

  // ---- stack mapping
  mem.map(STACK_BOTTOM, STACK_SIZE, PROT_READ | PROT_WRITE | (img.stackExecutable ? PROT_EXEC : 0), '[stack]');

  // ---- strings, top down
  const enc = new TextEncoder();
  const execfn = enc.encode(opts.execfn);
  const platform = enc.encode(opts.platform);
  if (execfn.includes(0) || platform.includes(0)) throw new Error('execfn/platform must not contain NUL');

  let p = STACK_TOP - 8;
  p -= execfn.length + 1;
  const execfnAddr = p;
  const envAddrs = new Array<number>(opts.env.length);
  for (let i = opts.env.length - 1; i >= 0; i--) {
    p -= opts.env[i]!.length + 1;
    envAddrs[i] = p;
  }
  const envStart = p;
  const argAddrs = new Array<number>(opts.argv.length);
  for (let i = opts.argv.length - 1; i >= 0; i--) {
    p -= opts.argv[i]!.length + 1;
    argAddrs[i] = p;
  }
  const argStart = p;
  p = argStart - (argStart % 16); // arch_align_stack without randomisation (numbers > 2^32: no bit ops)
  p -= platform.length + 1;
  const platformAddr = p;
  p -= 16;
  const randomAddr = p;

  // ---- auxv
  const uid = opts.uid ?? DEFAULT_UID;
  const gid = opts.gid ?? DEFAULT_GID;
  const auxv: Array<[number, number]> = [];
  if (opts.minSigStkSz !== undefined) auxv.push([AT_MINSIGSTKSZ, opts.minSigStkSz]);
  auxv.push(
    [AT_HWCAP, opts.hwcap],
    [AT_PAGESZ, PAGE_SIZE],
    [AT_CLKTCK, CLOCK_TICKS],
    [AT_PHDR, img.phdrAddr],
    [AT_PHENT, img.phent],
    [AT_PHNUM, img.phnum],
    [AT_BASE, 0],
    [AT_FLAGS, 0],
    [AT_ENTRY, img.entry],
    [AT_UID, uid],
    [AT_EUID, uid],
    [AT_GID, gid],
    [AT_EGID, gid],
    [AT_SECURE, 0],
    [AT_RANDOM, randomAddr],
    [AT_HWCAP2, opts.hwcap2 ?? 0],
    [AT_EXECFN, execfnAddr],
    [AT_PLATFORM, platformAddr],
  );

  const auxBytes = (auxv.length + 1) * 16;
  const items = opts.argv.length + 1 + (opts.env.length + 1) + 1;
  let sp = p - auxBytes - items * 8;
  sp -= sp % 16;

  // ---- write everything from sp to the top in one go
  const buf = new Uint8Array(STACK_TOP - sp);
  const dv = new DataView(buf.buffer);
  const at = (addr: number): number => addr - sp;
  const put64 = (addr: number, v: number): void => {
    dv.setUint32(at(addr), v >>> 0, true);
    dv.setUint32(at(addr) + 4, Math.floor(v / 2 ** 32) >>> 0, true);
  };
  buf.set(execfn, at(execfnAddr));
  for (let i = 0; i < opts.env.length; i++) buf.set(opts.env[i]!, at(envAddrs[i]!));
  for (let i = 0; i < opts.argv.length; i++) buf.set(opts.argv[i]!, at(argAddrs[i]!));
  buf.set(platform, at(platformAddr));
  buf.set(opts.random, at(randomAddr));

  let q = sp;
  put64(q, opts.argv.length);
  q += 8;
  for (const a of argAddrs) {
    put64(q, a);
    q += 8;
  }
  q += 8; // argv NULL
  for (const a of envAddrs) {
    put64(q, a);
    q += 8;
  }
  q += 8; // envp NULL
  for (const [type, val] of auxv) {
    put64(q, type);
    put64(q + 8, val);
    q += 16;
  }
  put64(q, AT_NULL);
  put64(q + 8, 0);

  mem.poke(sp, buf);

  return {
    entry: img.entry,
    stackPointer: sp,
    brkStart,
    auxv,
    argStart,
    argEnd: envStart,
    envStart,
    envEnd: execfnAddr,
  };
}
