/**
 * Instruction-stream fuzzing: random code written over the entry point of a real static binary,
 * x86-64 and riscv64 in turn. Streams mix random bytes (x86-64: biased to prefixes and common opcode
 * rows; riscv64: 32-bit words with a valid major opcode and 16-bit compressed words) with fragments
 * that make system calls with random numbers and arguments, so the kernel is fuzzed too. Every run
 * must end in an exit, a signal with a reason, or out of gas; an exception escaping runElf is a VM
 * crash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../src/elf/parse.js';
import { runElf } from '../../src/machine/run.js';
import { BUILD } from '../helpers.js';
import { campaign } from './campaign.js';
import { Rng } from './rng.js';

const GAS = 200_000;
const HANG_MS = 10_000;
const STREAM_BYTES = 128;
const PREFIXES = [0x48, 0x66, 0x0f, 0xf3, 0xf2, 0x41, 0x4c, 0x67, 0xf0];

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

/** A fragment: `mov e{ax,di,si,dx,r10d}, imm32` for a random syscall, then `syscall`. */
function syscallFragment(r: Rng): number[] {
  const out: number[] = [];
  const nr = r.bool(0.8) ? r.int(335) : r.u32();
  out.push(0xb8, ...le32(nr));
  for (const reg of [7, 6, 2]) if (r.bool(0.7)) out.push(0xb8 + reg, ...le32(r.bool(0.5) ? r.int(4096) : r.u32()));
  if (r.bool(0.5)) out.push(0x41, 0xba, ...le32(r.u32())); // mov r10d, imm32
  out.push(0x0f, 0x05);
  return out;
}

/** A random x86-64 stream of STREAM_BYTES bytes. */
export function randomStream(r: Rng): Uint8Array {
  const out: number[] = [];
  while (out.length < STREAM_BYTES) {
    const k = r.int(20);
    if (k === 0) out.push(...syscallFragment(r));
    else if (k < 5) out.push(PREFIXES[r.int(PREFIXES.length)]!);
    else out.push(r.u32() & 0xff);
  }
  return Uint8Array.from(out.slice(0, STREAM_BYTES));
}

// riscv64 major opcodes (inst[6:2], low bits 11): loads, fp loads, misc-mem, op-imm, auipc, op-imm-32,
// stores, fp stores, amo, op, lui, op-32, fmadd…fnmadd, op-fp, branch, jalr, jal, system.
const RV_MAJOR = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53,
  0x63, 0x67, 0x6f, 0x73];

function le16(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff];
}

/** `addi rd, x0, imm12` (rd: a7 = 17, a0… = 10…). */
function rvLoadImm(rd: number, imm12: number): number[] {
  return le32((((imm12 & 0xfff) << 20) | (rd << 7) | 0x13) >>> 0);
}

/** A fragment: a7 = a random syscall number (riscv64's numbering), a0…a2 random, then `ecall`. */
function rvSyscallFragment(r: Rng): number[] {
  const out = rvLoadImm(17, r.bool(0.9) ? r.int(300) : r.u32() & 0xfff);
  for (const reg of [10, 11, 12]) if (r.bool(0.7)) out.push(...rvLoadImm(reg, r.u32() & 0xfff));
  out.push(...le32(0x00000073));
  return out;
}

/** A random riscv64 stream of STREAM_BYTES bytes (instructions stay 2-byte aligned). */
export function randomRiscvStream(r: Rng): Uint8Array {
  const out: number[] = [];
  while (out.length < STREAM_BYTES) {
    const k = r.int(20);
    if (k === 0) out.push(...rvSyscallFragment(r));
    else if (k < 6) out.push(...le16(r.u32() & 0xffff | (r.bool(0.9) ? 0 : 3)));
    else out.push(...le32(((r.u32() & ~0x7f) | RV_MAJOR[r.int(RV_MAJOR.length)]!) >>> 0));
  }
  return Uint8Array.from(out.slice(0, STREAM_BYTES));
}

/** Where the stream goes: the file offset of the entry point of a static binary. */
function entryOffsetOf(elf: Uint8Array): number {
  const img = parseElf(elf);
  const text = img.segments.find((s) => s.vaddr <= img.entry && img.entry < s.vaddr + s.memsz)!;
  return text.offset + (img.entry - text.vaddr);
}

const TARGETS = [
  { arch: 'x86-64', file: 'hello.musl.O2', stream: randomStream },
  { arch: 'riscv64', file: join('rv64', 'hello.rv64.O2'), stream: randomRiscvStream },
];

export const fuzzCode = campaign(
  'fuzz-code',
  'random x86-64 and riscv64 instruction streams (and random system calls) at the entry point',
  { quick: 5_000, full: 100_000 },
  async (t, total, opts) => {
    const targets = TARGETS.filter((x) => existsSync(join(BUILD, x.file))).map((x) => {
      const bytes = Uint8Array.from(readFileSync(join(BUILD, x.file)));
      return { ...x, bytes, entryOffset: entryOffsetOf(bytes) };
    });
    if (targets.length < TARGETS.length) t.note('riscv64 corpus not built (bash test/setup-riscv64.sh): x86-64 only');
    const r = new Rng(opts.seed);
    for (let k = 0; k < total; k++) {
      const target = targets[k % targets.length]!;
      const bytes = target.bytes;
      bytes.set(target.stream(r), target.entryOffset);
      const started = Date.now();
      try {
        const res = runElf(bytes, { argv: ['contract'], env: [], gasLimit: GAS });
        t.add('runs');
        t.add(`${target.arch} runs`);
        if (res.reason === 'out of gas' || /out of gas/.test(res.reason ?? '')) t.add('out of gas');
        else if (res.signal !== null) t.add(`signal ${res.signal}`);
        else t.add('exit');
        if (res.signal !== null && !res.reason) t.fail(`stream ${k}: signal ${res.signal} without a reason`);
        if (res.gasUsed > GAS) t.fail(`stream ${k}: gas ${res.gasUsed} above ${GAS}`);
        t.add('unknown syscalls', res.unknownSyscalls.length);
      } catch (e) {
        t.add('runs');
        t.add('vm crashes');
        t.fail(`${target.arch} stream ${k} (seed ${opts.seed}): ${(e as Error).stack?.split('\n').slice(0, 2).join(' | ')}`);
      }
      const ms = Date.now() - started;
      if (ms > HANG_MS) { t.add('hangs'); t.fail(`stream ${k}: ${ms} ms`); }
      if ((k + 1) % 20_000 === 0) opts.log(`fuzz-code: ${k + 1}/${total}`);
    }
    return t.result(['runs', 'x86-64 runs', 'riscv64 runs', 'vm crashes', 'hangs', 'exit', 'out of gas']);
  },
);
