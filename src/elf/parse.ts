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
import {
  DT_NEEDED,
  DT_NULL,
  DT_STRTAB,
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

interface RawPhdr {
  index: number;
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export function parseElf(bytes: Uint8Array, options: ParseOptions = {}): ElfImage {
  const size = bytes.length;
  const fileSize = BigInt(size);
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

  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, true);
  const u32 = (o: number): number => dv.getUint32(o, true);
  const u64 = (o: number): bigint => dv.getBigUint64(o, true);

  const eType = u16(16);
  const eMachine = u16(18);
  const eVersion = u32(20);
  const eEntry = u64(24);
  const ePhoff = u64(32);
  const ePhentsize = u16(54);
  const ePhnum = u16(56);

  let machine: ElfMachine;
  if (eMachine === EM_X86_64) machine = 'x86_64';
  else if (eMachine === EM_RISCV) machine = 'riscv64';
  else {
    const name = EM_NAMES[eMachine] ?? 'unknown machine';
    throw new ElfError(`wrong architecture: ${name} (${eMachine}), expected x86-64 (${EM_X86_64})`);
  }
  if (eVersion !== EV_CURRENT) throw new ElfError(`unsupported ELF version ${eVersion} in e_version (expected 1)`);
  if (eType !== ET_EXEC && eType !== ET_DYN) {
    const name = ET_NAMES[eType] ?? `type ${eType}`;
    throw new ElfError(`not an executable (${name})`);
  }

  // ---- program header table
  if (ePhnum === 0) throw new ElfError('no program headers (e_phnum is 0): not a loadable executable');
  if (ePhentsize !== PHDR64_SIZE) {
    throw new ElfError(`bad program header entry size ${ePhentsize} (expected ${PHDR64_SIZE})`);
  }
  if (ePhnum === 0xffff) throw new ElfError('extended program header numbering (PN_XNUM) is not supported');
  const phEnd = ePhoff + BigInt(ePhnum * PHDR64_SIZE);
  if (phEnd > fileSize) {
    throw new ElfError(
      `truncated file: program header table at offset ${hex(ePhoff)} (${ePhnum} entries) extends past end of file (size ${hex(size)})`,
    );
  }
  const phoff = Number(ePhoff);

  const phdrs: RawPhdr[] = [];
  for (let i = 0; i < ePhnum; i++) {
    const o = phoff + i * PHDR64_SIZE;
    phdrs.push({
      index: i,
      type: u32(o),
      flags: u32(o + 4),
      offset: u64(o + 8),
      vaddr: u64(o + 16),
      filesz: u64(o + 32),
      memsz: u64(o + 40),
      align: u64(o + 48),
    });
  }

  // File ranges of every segment that has file contents must be inside the file.
  for (const p of phdrs) {
    if (p.type === PT_LOAD || p.type === PT_INTERP || p.type === PT_TLS || p.type === PT_DYNAMIC) {
      if (p.offset + p.filesz > fileSize) {
        throw new ElfError(
          `segment ${p.index}: file range ${hex(p.offset)}..${hex(p.offset + p.filesz)} past end of file (size ${hex(size)})`,
        );
      }
    }
  }

  // ---- dynamic linking
  const interpPh = phdrs.filter((p) => p.type === PT_INTERP);
  let interp: string | undefined;
  if (interpPh.length > 0) {
    const p = interpPh[0]!;
    const raw = bytes.subarray(Number(p.offset), Number(p.offset + p.filesz));
    const nul = raw.indexOf(0);
    interp = new TextDecoder().decode(nul >= 0 ? raw.subarray(0, nul) : raw);
    if (!options.allowDynamic) {
      throw new ElfError(`dynamically linked executable (has PT_INTERP ${interp}): QVM runs only static binaries`);
    }
  }
  if (eType === ET_DYN && eEntry === 0n && interp === undefined) {
    throw new ElfError('shared library without entry (ET_DYN with e_entry 0): not an executable');
  }

  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new ElfError('no PT_LOAD segment: nothing to load');

  for (const p of loads) {
    if (p.filesz > p.memsz) {
      throw new ElfError(`segment ${p.index}: p_filesz ${hex(p.filesz)} is larger than p_memsz ${hex(p.memsz)}`);
    }
    const page = BigInt(PAGE_SIZE);
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

  const needed = findNeeded(bytes, dv, phdrs, loads);
  if (needed.length > 0 && !options.allowDynamic) {
    throw new ElfError(
      `dynamically linked executable (needs shared libraries: ${needed.join(', ')}): QVM runs only static binaries`,
    );
  }

  // ---- relocation
  let bias = 0n;
  if (eType === ET_DYN) {
    let maxAlign = BigInt(PAGE_SIZE);
    let minVaddr = loads[0]!.vaddr;
    for (const p of loads) {
      if (p.vaddr < minVaddr) minVaddr = p.vaddr;
      if (isPow2(p.align) && p.align > maxAlign) maxAlign = p.align;
    }
    const base = ((BigInt(STATIC_PIE_BASE) + maxAlign - 1n) / maxAlign) * maxAlign;
    bias = base - (minVaddr - (minVaddr % maxAlign));
  }

  const userLimit = BigInt(USER_LIMIT);
  const sorted = loads.filter((p) => p.memsz > 0n).sort((a, b) => (a.vaddr < b.vaddr ? -1 : a.vaddr > b.vaddr ? 1 : 0));
  for (const p of sorted) {
    const start = p.vaddr + bias;
    const end = start + p.memsz;
    if (start < BigInt(MIN_SEGMENT_ADDR)) {
      throw new ElfError(`segment ${p.index}: address ${hex(start)} is below the lowest mappable address ${hex(MIN_SEGMENT_ADDR)}`);
    }
    if (end > userLimit) {
      throw new ElfError(`segment ${p.index}: address range ${hex(start)}..${hex(end)} is outside the user address space (ends above ${hex(userLimit)})`);
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

  const segments: ElfSegment[] = sorted.map((p) => ({
    index: p.index,
    vaddr: Number(p.vaddr + bias),
    memsz: Number(p.memsz),
    filesz: Number(p.filesz),
    offset: Number(p.offset),
    align: Number(p.align),
    prot: protFromFlags(p.flags),
  }));

  // ---- entry point
  const entry = eEntry + bias;
  if (entry >= userLimit) throw new ElfError(`entry point ${hex(entry)} is outside the user address space`);
  const entryN = Number(entry);
  const entrySeg = segments.find((s) => entryN >= s.vaddr && entryN < s.vaddr + s.memsz);
  if (!entrySeg) throw new ElfError(`entry point ${hex(entry)} is not inside any PT_LOAD segment`);
  if ((entrySeg.prot & PROT_EXEC) === 0) {
    throw new ElfError(`entry point ${hex(entry)} is in segment ${entrySeg.index}, which is not executable`);
  }

  // ---- program headers in memory (AT_PHDR)
  let phdrAddr = 0;
  const phdrPh = phdrs.find((p) => p.type === PT_PHDR);
  if (phdrPh) {
    const a = phdrPh.vaddr + bias;
    if (a + BigInt(ePhnum * PHDR64_SIZE) > userLimit) throw new ElfError(`PT_PHDR address ${hex(a)} is outside the user address space`);
    phdrAddr = Number(a);
  } else {
    const cover = loads.find((p) => p.offset <= ePhoff && ePhoff < p.offset + p.filesz);
    if (cover) phdrAddr = Number(ePhoff - cover.offset + cover.vaddr + bias);
  }

  // ---- TLS
  let tls: ElfTls | undefined;
  const tlsPh = phdrs.filter((p) => p.type === PT_TLS);
  if (tlsPh.length > 1) throw new ElfError(`more than one PT_TLS segment (${tlsPh.length})`);
  if (tlsPh.length === 1) {
    const p = tlsPh[0]!;
    if (p.filesz > p.memsz) {
      throw new ElfError(`segment ${p.index} (PT_TLS): p_filesz ${hex(p.filesz)} is larger than p_memsz ${hex(p.memsz)}`);
    }
    const a = p.vaddr + bias;
    if (a + p.memsz > userLimit) throw new ElfError(`segment ${p.index} (PT_TLS): address ${hex(a)} is outside the user address space`);
    if (p.align > BigInt(PAGE_SIZE) * 1024n) throw new ElfError(`segment ${p.index} (PT_TLS): alignment ${hex(p.align)} is too large`);
    tls = { vaddr: Number(a), memsz: Number(p.memsz), filesz: Number(p.filesz), align: Number(p.align) };
  }

  const stack = phdrs.find((p) => p.type === PT_GNU_STACK);
  const img: ElfImage = {
    machine,
    flags: u32(48),
    type: eType === ET_EXEC ? 'exec' : 'static-pie',
    entry: entryN,
    loadBias: Number(bias),
    segments,
    phdrAddr,
    phnum: ePhnum,
    phent: ePhentsize,
    stackExecutable: stack !== undefined && (stack.flags & PF_X) !== 0,
  };
  if (tls) img.tls = tls;
  if (interp !== undefined) img.interp = interp;
  if (needed.length > 0) img.needed = needed;
  return img;
}

/** DT_NEEDED library names from PT_DYNAMIC (resolved through DT_STRTAB when possible). */
function findNeeded(bytes: Uint8Array, dv: DataView, phdrs: RawPhdr[], loads: RawPhdr[]): string[] {
  const dyn = phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn) return [];
  const start = Number(dyn.offset);
  const end = Number(dyn.offset + dyn.filesz);
  const neededOffsets: bigint[] = [];
  let strtab: bigint | undefined;
  for (let o = start; o + 16 <= end; o += 16) {
    const tag = dv.getBigInt64(o, true);
    const val = dv.getBigUint64(o + 8, true);
    if (tag === BigInt(DT_NULL)) break;
    if (tag === BigInt(DT_NEEDED)) neededOffsets.push(val);
    else if (tag === BigInt(DT_STRTAB)) strtab = val;
  }
  if (neededOffsets.length === 0) return [];
  // DT_STRTAB is a link-time address; find its bytes in the file through the PT_LOAD that maps it.
  let strtabFile: bigint | undefined;
  if (strtab !== undefined) {
    const seg = loads.find((p) => p.vaddr <= strtab! && strtab! < p.vaddr + p.filesz);
    if (seg) strtabFile = strtab - seg.vaddr + seg.offset;
  }
  const dec = new TextDecoder();
  return neededOffsets.map((off) => {
    if (strtabFile === undefined) return '?';
    const s = strtabFile + off;
    if (s >= BigInt(bytes.length)) return '?';
    const from = Number(s);
    let to = from;
    while (to < bytes.length && to - from < 256 && bytes[to] !== 0) to++;
    return dec.decode(bytes.subarray(from, to));
  });
}

function protString(prot: number): string {
  return (prot & PROT_READ ? 'r' : '-') + (prot & PROT_WRITE ? 'w' : '-') + (prot & PROT_EXEC ? 'x' : '-');
}

const pad16 = (n: number): string => '0x' + n.toString(16).padStart(12, '0');

/** Human-readable description for `qvm inspect`, one line per array element. */
export function describeElf(img: ElfImage): string[] {
  const lines: string[] = [];
  const kind =
    img.interp !== undefined || img.needed !== undefined
      ? `dynamically linked ${img.type === 'exec' ? 'executable (ET_EXEC)' : 'position-independent executable (ET_DYN)'} — not runnable`
      : img.type === 'exec'
        ? 'static executable (ET_EXEC)'
        : `static-pie (ET_DYN), loaded at bias ${hex(img.loadBias)}`;
  lines.push(`type:     ${kind}`);
  if (img.interp !== undefined) lines.push(`interp:   ${img.interp}`);
  if (img.needed !== undefined) lines.push(`needed:   ${img.needed.join(', ')}`);
  lines.push(`machine:  ${img.machine === 'x86_64' ? 'x86-64' : 'riscv64'}`);
  lines.push(`entry:    ${hex(img.entry)}`);
  lines.push(`phdrs:    ${img.phnum} at ${hex(img.phdrAddr)}`);
  lines.push('segments:');
  lines.push('  phdr  vaddr           memsz       filesz      offset      prot');
  for (const s of img.segments) {
    lines.push(
      `  ${String(s.index).padStart(4)}  ${pad16(s.vaddr)}  ${hex(s.memsz).padEnd(10)}  ${hex(s.filesz).padEnd(10)}  ${hex(s.offset).padEnd(10)}  ${protString(s.prot)}`,
    );
  }
  const total = img.segments.reduce((n, s) => n + s.memsz, 0);
  lines.push(`memory:   ${total} bytes in ${img.segments.length} segment${img.segments.length === 1 ? '' : 's'}`);
  if (img.tls) {
    lines.push(`tls:      ${hex(img.tls.vaddr)} memsz ${hex(img.tls.memsz)} filesz ${hex(img.tls.filesz)} align ${img.tls.align}`);
  } else {
    lines.push('tls:      none');
  }
  lines.push(`stack:    ${img.stackExecutable ? 'executable' : 'non-executable'}`);
  return lines;
}
