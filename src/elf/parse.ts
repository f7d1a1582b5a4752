/**
 * ELF64 parser and validator for contract binaries.
 *
 * QVM runs only statically linked executables:
 *  - ET_EXEC without PT_INTERP: a classic static executable, loaded at its link addresses.
 *  - ET_DYN without PT_INTERP and with an entry point: a static-pie, loaded at the fixed base
 *    STATIC_PIE_BASE (no ASLR: the same binary lands at the same addresses on every node). If a
 *    PT_LOAD asks for an alignment above 4 KiB, the base is rounded up to it.
 * Anything with PT_INTERP, or with DT_NEEDED entries, is dynamically linked and refused.
 *
 * Validation mirrors what Linux's binfmt_elf would need to load the file, and reports the
 * first problem as one line (ElfError). Segments are named by their program-header index
 * ("segment 2" is phdr[2]), the same numbering `qvm inspect` prints.
 *
 * Parsing uses BigInt for 64-bit fields (it is not a hot path); every address in the result is a
 * plain number, exact because user addresses are below 2^47.
 */
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, USER_LIMIT } from '../mem/memory.js';
import { findNeeded, readInterp } from './dynamic.js';
import {
  EHDR64_SIZE,
  EI_CLASS,
  EI_DATA,
  EI_VERSION,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  ELFMAG,
  EM_NAMES,
  EM_RISCV,
  EM_X86_64,
  ET_DYN,
  ET_EXEC,
  ET_NAMES,
  EV_CURRENT,
  PF_R,
  PF_W,
  PF_X,
  PHDR64_SIZE,
  PT_DYNAMIC,
  PT_GNU_STACK,
  PT_INTERP,
  PT_LOAD,
  PT_PHDR,
  PT_TLS,
} from './constants.js';
import { defineError, UserError } from '../errors.js';

export { describeElf } from './describe.js';

/** Load address of a static-pie's lowest page (Linux's ELF_ET_DYN_BASE without randomisation). */
export const STATIC_PIE_BASE = 0x555555554000;

/** Lowest address a segment may occupy (Linux's default vm.mmap_min_addr). */
export const MIN_SEGMENT_ADDR = 0x10000;

/** A file QVM cannot run: not an ELF, or one it does not support (one-line message; the user's to fix). */
export class ElfError extends UserError {}
defineError(ElfError, 'ElfError', 'BAD_ELF');

export type ElfMachine = 'x86_64' | 'riscv64';

export interface ElfSegment {
  /** Program-header index of this PT_LOAD. */
  index: number;
  /** Relocated virtual address. */
  vaddr: number;
  memsz: number;
  filesz: number;
  /** File offset of the segment's bytes. */
  offset: number;
  /** p_align as written in the file. */
  align: number;
  /** PROT_READ | PROT_WRITE | PROT_EXEC from p_flags. */
  prot: number;
}

export interface ElfTls {
  /** Relocated address of the TLS initialisation image. */
  vaddr: number;
  memsz: number;
  filesz: number;
  align: number;
}

export interface ElfImage {
  machine: ElfMachine;
  type: 'exec' | 'static-pie';
  /** Relocated entry point. */
  entry: number;
  /** Added to every link-time address (0 for ET_EXEC). */
  loadBias: number;
  /** PT_LOAD segments with memsz > 0, relocated, sorted by address. */
  segments: ElfSegment[];
  /** Address of the program header table in memory (AT_PHDR); 0 if no segment maps it. */
  phdrAddr: number;
  phnum: number;
  phent: number;
  tls?: ElfTls;
  /** PT_GNU_STACK has PF_X (no PT_GNU_STACK means non-executable, as on x86-64 Linux ≥ 5.8). */
  stackExecutable: boolean;
  /** e_flags (riscv64: float ABI and RVE bits). */
  flags: number;
  /** PT_INTERP path; only ever set when parsing with { allowDynamic: true } (for inspect). */
  interp?: string;
  /** Names of DT_NEEDED libraries; only set with { allowDynamic: true }. */
  needed?: string[];
}

export interface ParseOptions {
  /**
   * Describe dynamically linked files instead of refusing them (for `qvm inspect` only). The
   * result then has `interp`/`needed` set and must not be run.
   */
  allowDynamic?: boolean;
}

const hex = (n: number | bigint): string => '0x' + n.toString(16);

function protFromFlags(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

function isPow2(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

export interface RawPhdr {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

/** The ELF header fields the loader uses, read after the identification bytes passed. */
interface ElfHeader {
  type: number;
  machine: ElfMachine;
  entry: bigint;
  phoff: bigint;
  phentsize: number;
  phnum: number;
  flags: number;
}

const USER_LIMIT_N = BigInt(USER_LIMIT);

export function parseElf(bytes: Uint8Array, options: ParseOptions = {}): ElfImage {
  checkIdent(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = readHeader(dv);
  const phdrs = readProgramHeaders(dv, h);

  const interp = readInterp(bytes, phdrs);
  if (interp !== undefined && !options.allowDynamic) {
    throw new ElfError(`dynamically linked executable (has PT_INTERP ${interp}): QVM runs only static binaries`);
  }
  if (h.type === ET_DYN && h.entry === 0n && interp === undefined) {
    throw new ElfError('shared library without entry (ET_DYN with e_entry 0): not an executable');
  }
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  checkLoads(loads);
  const needed = findNeeded(bytes, dv, phdrs, loads);
  if (needed.length > 0 && !options.allowDynamic) {
    throw new ElfError(
      `dynamically linked executable (needs shared libraries: ${needed.join(', ')}): QVM runs only static binaries`,
    );
  }

  const bias = h.type === ET_DYN ? staticPieBias(loads) : 0n;
  const segments = placeSegments(loads, bias);
  const entry = entryPoint(h.entry + bias, segments);
  const tls = readTls(phdrs, bias);
  const stack = phdrs.find((p) => p.type === PT_GNU_STACK);
  const img: ElfImage = {
    machine: h.machine,
    flags: h.flags,
    type: h.type === ET_EXEC ? 'exec' : 'static-pie',
    entry,
    loadBias: Number(bias),
    segments,
    phdrAddr: phdrAddress(phdrs, loads, h, bias),
    phnum: h.phnum,
    phent: h.phentsize,
    stackExecutable: stack !== undefined && (stack.flags & PF_X) !== 0,
  };
  if (tls) img.tls = tls;
  if (interp !== undefined) img.interp = interp;
  if (needed.length > 0) img.needed = needed;
  return img;
}

/** e_ident: the magic, a 64-bit little-endian ELF of version 1, and a whole ELF header. */
function checkIdent(bytes: Uint8Array): void {
  const size = bytes.length;
  if (size < 4 || ELFMAG.some((b, i) => bytes[i] !== b)) throw new ElfError('not an ELF file (bad magic)');
  if (size < EI_VERSION + 1) throw new ElfError(`truncated file: ELF header needs ${EHDR64_SIZE} bytes, file has ${size}`);
  const cls = bytes[EI_CLASS]!;
  if (cls === ELFCLASS32) throw new ElfError('32-bit ELF is not supported');
  if (cls !== ELFCLASS64) throw new ElfError(`invalid ELF class ${cls}`);
  const data = bytes[EI_DATA]!;
  if (data === ELFDATA2MSB) throw new ElfError('big-endian ELF is not supported');
  if (data !== ELFDATA2LSB) throw new ElfError(`invalid ELF data encoding ${data}`);
  if (bytes[EI_VERSION] !== EV_CURRENT) throw new ElfError(`unsupported ELF version ${bytes[EI_VERSION]} (expected 1)`);
  if (size < EHDR64_SIZE) throw new ElfError(`truncated file: ELF header needs ${EHDR64_SIZE} bytes, file has ${size}`);
}

/** The ELF header: a supported machine, e_version 1, an executable type. */
function readHeader(dv: DataView): ElfHeader {
  const eMachine = dv.getUint16(18, true);
  let machine: ElfMachine;
  if (eMachine === EM_X86_64) machine = 'x86_64';
  else if (eMachine === EM_RISCV) machine = 'riscv64';
  else {
    const name = EM_NAMES[eMachine] ?? 'unknown machine';
    throw new ElfError(`wrong architecture: ${name} (${eMachine}), expected x86-64 (${EM_X86_64})`);
  }
  const eVersion = dv.getUint32(20, true);
  if (eVersion !== EV_CURRENT) throw new ElfError(`unsupported ELF version ${eVersion} in e_version (expected 1)`);
  const type = dv.getUint16(16, true);
  if (type !== ET_EXEC && type !== ET_DYN) {
    const name = ET_NAMES[type] ?? `type ${type}`;
    throw new ElfError(`not an executable (${name})`);
  }
  return {
    type,
    machine,
    entry: dv.getBigUint64(24, true),
    phoff: dv.getBigUint64(32, true),
    phentsize: dv.getUint16(54, true),
    phnum: dv.getUint16(56, true),
    flags: dv.getUint32(48, true),
  };
}

/** The program header table, inside the file, and the file range of every segment with contents. */
function readProgramHeaders(dv: DataView, h: ElfHeader): RawPhdr[] {
  const size = dv.byteLength;
  if (h.phnum === 0) throw new ElfError('no program headers (e_phnum is 0): not a loadable executable');
  if (h.phentsize !== PHDR64_SIZE) {
    throw new ElfError(`bad program header entry size ${h.phentsize} (expected ${PHDR64_SIZE})`);
  }
  if (h.phnum === 0xffff) throw new ElfError('extended program header numbering (PN_XNUM) is not supported');
  if (h.phoff + BigInt(h.phnum * PHDR64_SIZE) > BigInt(size)) {
    throw new ElfError(
      `truncated file: program header table at offset ${hex(h.phoff)} (${h.phnum} entries) extends past end of file (size ${hex(size)})`,
    );
  }
  const phdrs: RawPhdr[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const o = Number(h.phoff) + i * PHDR64_SIZE;
    phdrs.push({
      index: i,
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: dv.getBigUint64(o + 8, true),
      vaddr: dv.getBigUint64(o + 16, true),
      filesz: dv.getBigUint64(o + 32, true),
      memsz: dv.getBigUint64(o + 40, true),
      align: dv.getBigUint64(o + 48, true),
    });
  }
  for (const p of phdrs) {
    if (FILE_BACKED.has(p.type) && p.offset + p.filesz > BigInt(size)) {
      throw new ElfError(
        `segment ${p.index}: file range ${hex(p.offset)}..${hex(p.offset + p.filesz)} past end of file (size ${hex(size)})`,
      );
    }
  }
  return phdrs;
}

/** Segment types whose file contents the loader reads. */
const FILE_BACKED = new Set([PT_LOAD, PT_INTERP, PT_TLS, PT_DYNAMIC]);

/** At least one PT_LOAD, each no larger in the file than in memory, its address and offset congruent. */
function checkLoads(loads: readonly RawPhdr[]): void {
  if (loads.length === 0) throw new ElfError('no PT_LOAD segment: nothing to load');
  const page = BigInt(PAGE_SIZE);
  for (const p of loads) {
    if (p.filesz > p.memsz) {
      throw new ElfError(`segment ${p.index}: p_filesz ${hex(p.filesz)} is larger than p_memsz ${hex(p.memsz)}`);
    }
    if ((((p.vaddr - p.offset) % page) + page) % page !== 0n) {
      throw new ElfError(
        `segment ${p.index}: address ${hex(p.vaddr)} and file offset ${hex(p.offset)} are not congruent modulo the page size`,
      );
    }
    if (p.align > 1n && isPow2(p.align) && p.vaddr % p.align !== p.offset % p.align) {
      throw new ElfError(
        `segment ${p.index}: address ${hex(p.vaddr)} and file offset ${hex(p.offset)} are not congruent modulo p_align ${hex(p.align)}`,
      );
    }
  }
}

/** A static-pie's load bias: its lowest page at STATIC_PIE_BASE, rounded up to the largest p_align. */
function staticPieBias(loads: readonly RawPhdr[]): bigint {
  let maxAlign = BigInt(PAGE_SIZE);
  let minVaddr = loads[0]!.vaddr;
  for (const p of loads) {
    if (p.vaddr < minVaddr) minVaddr = p.vaddr;
    if (isPow2(p.align) && p.align > maxAlign) maxAlign = p.align;
  }
  const base = ((BigInt(STATIC_PIE_BASE) + maxAlign - 1n) / maxAlign) * maxAlign;
  return base - (minVaddr - (minVaddr % maxAlign));
}

/** The non-empty PT_LOADs relocated and sorted: in the user address space and not overlapping. */
function placeSegments(loads: readonly RawPhdr[], bias: bigint): ElfSegment[] {
  const sorted = loads.filter((p) => p.memsz > 0n).sort((a, b) => (a.vaddr < b.vaddr ? -1 : a.vaddr > b.vaddr ? 1 : 0));
  for (const p of sorted) {
    const start = p.vaddr + bias;
    const end = start + p.memsz;
    if (start < BigInt(MIN_SEGMENT_ADDR)) {
      throw new ElfError(`segment ${p.index}: address ${hex(start)} is below the lowest mappable address ${hex(MIN_SEGMENT_ADDR)}`);
    }
    if (end > USER_LIMIT_N) {
      throw new ElfError(`segment ${p.index}: address range ${hex(start)}..${hex(end)} is outside the user address space (ends above ${hex(USER_LIMIT_N)})`);
    }
  }
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.vaddr + a.memsz > b.vaddr) {
      const [lo, hi] = a.index < b.index ? [a.index, b.index] : [b.index, a.index];
      throw new ElfError(`segments ${lo} and ${hi} overlap at ${hex(b.vaddr + bias)}`);
    }
  }
  return sorted.map((p) => ({
    index: p.index,
    vaddr: Number(p.vaddr + bias),
    memsz: Number(p.memsz),
    filesz: Number(p.filesz),
    offset: Number(p.offset),
    align: Number(p.align),
    prot: protFromFlags(p.flags),
  }));
}

/** The relocated entry point, which must be in an executable segment. */
function entryPoint(entry: bigint, segments: readonly ElfSegment[]): number {
  if (entry >= USER_LIMIT_N) throw new ElfError(`entry point ${hex(entry)} is outside the user address space`);
  const at = Number(entry);
  const seg = segments.find((s) => at >= s.vaddr && at < s.vaddr + s.memsz);
  if (!seg) throw new ElfError(`entry point ${hex(entry)} is not inside any PT_LOAD segment`);
  if ((seg.prot & PROT_EXEC) === 0) {
    throw new ElfError(`entry point ${hex(entry)} is in segment ${seg.index}, which is not executable`);
  }
  return at;
}

/** Where the program headers are in memory (AT_PHDR): PT_PHDR, else the PT_LOAD whose bytes hold them; 0 if none. */
function phdrAddress(phdrs: readonly RawPhdr[], loads: readonly RawPhdr[], h: ElfHeader, bias: bigint): number {
  const phdrPh = phdrs.find((p) => p.type === PT_PHDR);
  if (phdrPh) {
    const a = phdrPh.vaddr + bias;
    if (a + BigInt(h.phnum * PHDR64_SIZE) > USER_LIMIT_N) throw new ElfError(`PT_PHDR address ${hex(a)} is outside the user address space`);
    return Number(a);
  }
  const cover = loads.find((p) => p.offset <= h.phoff && h.phoff < p.offset + p.filesz);
  return cover ? Number(h.phoff - cover.offset + cover.vaddr + bias) : 0;
}

/** The PT_TLS segment (at most one), relocated. */
function readTls(phdrs: readonly RawPhdr[], bias: bigint): ElfTls | undefined {
  const tlsPh = phdrs.filter((p) => p.type === PT_TLS);
  if (tlsPh.length > 1) throw new ElfError(`more than one PT_TLS segment (${tlsPh.length})`);
  const p = tlsPh[0];
  if (!p) return undefined;
  if (p.filesz > p.memsz) {
    throw new ElfError(`segment ${p.index} (PT_TLS): p_filesz ${hex(p.filesz)} is larger than p_memsz ${hex(p.memsz)}`);
  }
  const a = p.vaddr + bias;
  if (a + p.memsz > USER_LIMIT_N) throw new ElfError(`segment ${p.index} (PT_TLS): address ${hex(a)} is outside the user address space`);
  if (p.align > BigInt(PAGE_SIZE) * 1024n) throw new ElfError(`segment ${p.index} (PT_TLS): alignment ${hex(p.align)} is too large`);
  return { vaddr: Number(a), memsz: Number(p.memsz), filesz: Number(p.filesz), align: Number(p.align) };
}
