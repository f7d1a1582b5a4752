/**
 * Instruction-stream fuzzing: random code written over the entry point of a real static binary.
 * Streams mix random bytes (biased to prefixes and common opcode rows) with fragments that make
 * system calls with random numbers and arguments, so the kernel is fuzzed too. Every run must end
 * in an exit, a signal with a reason, or out of gas; an exception escaping runElf is a VM crash.
 */
import { readFileSync } from 'node:fs';
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

/** A random stream of STREAM_BYTES bytes. */
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

export const fuzzCode = campaign(
  'fuzz-code',
  'random x86-64 instruction streams (and random system calls) at the entry point',
  { quick: 5_000, full: 100_000 },
  async (t, total, opts) => {
    const original = readFileSync(join(BUILD, 'hello.musl.O2'));
    const img = parseElf(original);
    const text = img.segments.find((s) => s.vaddr <= img.entry && img.entry < s.vaddr + s.memsz)!;
    const entryOffset = text.offset + (img.entry - text.vaddr);
    const r = new Rng(opts.seed);
    const bytes = Uint8Array.from(original);
    for (let k = 0; k < total; k++) {
      bytes.set(randomStream(r), entryOffset);
      const started = Date.now();
      try {
        const res = runElf(bytes, { argv: ['contract'], env: [], gasLimit: GAS });
        t.add('runs');
        if (res.reason === 'out of gas' || /out of gas/.test(res.reason ?? '')) t.add('out of gas');
        else if (res.signal !== null) t.add(`signal ${res.signal}`);
        else t.add('exit');
        if (res.signal !== null && !res.reason) t.fail(`stream ${k}: signal ${res.signal} without a reason`);
        if (res.gasUsed > GAS) t.fail(`stream ${k}: gas ${res.gasUsed} above ${GAS}`);
        t.add('unknown syscalls', res.unknownSyscalls.length);
      } catch (e) {
        t.add('runs');
        t.add('vm crashes');
        t.fail(`stream ${k} (seed ${opts.seed}): ${(e as Error).stack?.split('\n').slice(0, 2).join(' | ')}`);
      }
      const ms = Date.now() - started;
      if (ms > HANG_MS) { t.add('hangs'); t.fail(`stream ${k}: ${ms} ms`); }
      if ((k + 1) % 20_000 === 0) opts.log(`fuzz-code: ${k + 1}/${total}`);
    }
    return t.result(['runs', 'vm crashes', 'hangs', 'exit', 'out of gas']);
  },
);
