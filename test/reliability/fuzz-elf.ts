/**
 * ELF fuzzing: mutants of real static binaries (musl, glibc, static-pie Rust, Go) with the ELF
 * header and program headers rewritten field by field to edge values, bytes flipped, the file
 * cut short or extended. Every mutant must be refused with a one-line ElfError or run to a
 * normal result within its gas; anything else thrown is a crash of the VM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfError, runElf } from '../../src/machine/run.js';
import { BUILD } from '../helpers.js';
import { campaign } from './campaign.js';
import { Rng } from './rng.js';

const SOURCES = ['hello.musl.O2', 'hello.glibc.O2', 'collections.rust', 'go/hello'];
const GAS = 200_000;
const HANG_MS = 10_000;

/** [offset, size] of each ELF64 header field, then of each program header field (relative). */
const EHDR_FIELDS: Array<[number, number]> = [
  [4, 1], [5, 1], [6, 1], [7, 1], [16, 2], [18, 2], [20, 4], [24, 8], [32, 8], [40, 8], [48, 4], [52, 2], [54, 2], [56, 2], [58, 2], [60, 2], [62, 2],
];
const PHDR_FIELDS: Array<[number, number]> = [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 8], [40, 8], [48, 8]];

function edgeValue(r: Rng, size: number, old: bigint): bigint {
  const max = (1n << BigInt(8 * size)) - 1n;
  const pick = r.int(9);
  if (pick === 0) return 0n;
  if (pick === 1) return max;
  if (pick === 2) return 1n;
  if (pick === 3) return max >> 1n;
  if (pick === 4) return (old + 1n) & max;
  if (pick === 5) return (old - 1n) & max;
  if (pick === 6) return (old + BigInt(r.pick([0x1000, 0x10000, 0x100000, 0x40000000]))) & max;
  if (pick === 7) return (old ^ (1n << BigInt(r.int(8 * size)))) & max;
  return BigInt(r.u32()) * BigInt(r.u32()) & max;
}

function readLE(b: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i] ?? 0);
  return v;
}

function writeLE(b: Uint8Array, off: number, size: number, v: bigint): void {
  for (let i = 0; i < size && off + i < b.length; i++) b[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/** One mutant of `original`, from the generator's current state. */
export function mutateElf(original: Uint8Array, r: Rng): Uint8Array {
  let bytes = Uint8Array.from(original);
  const phoff = Number(readLE(original, 32, 8));
  const phnum = Number(readLE(original, 56, 2));
  const steps = 1 + r.int(3);
  for (let s = 0; s < steps; s++) {
    const op = r.int(10);
    if (op < 3) {
      const [off, size] = r.pick(EHDR_FIELDS);
      writeLE(bytes, off, size, edgeValue(r, size, readLE(bytes, off, size)));
    } else if (op < 7 && phnum > 0) {
      const [rel, size] = r.pick(PHDR_FIELDS);
      const off = phoff + 56 * r.int(phnum) + rel;
      writeLE(bytes, off, size, edgeValue(r, size, readLE(bytes, off, size)));
    } else if (op === 7) {
      for (let k = 1 + r.int(8); k > 0; k--) bytes[r.int(Math.min(bytes.length, 0x400))] = r.u32() & 0xff;
    } else if (op === 8) {
      bytes = bytes.slice(0, r.int(bytes.length));
    } else {
      const grown = new Uint8Array(bytes.length + 1 + r.int(4096));
      grown.set(bytes);
      grown.set(r.bytes(grown.length - bytes.length), bytes.length);
      bytes = grown;
    }
  }
  return bytes;
}

export const fuzzElf = campaign(
  'fuzz-elf',
  'ELF header and program header mutants of musl, glibc, Rust and Go binaries',
  { quick: 5_000, full: 100_000 },
  async (t, total, opts) => {
    const originals = SOURCES.map((n) => join(BUILD, n)).filter((p) => existsSync(p)).map((p) => readFileSync(p));
    if (originals.length === 0) {
      t.fail('no corpus binaries: run bash test/setup.sh');
      return t.result(['runs']);
    }
    const r = new Rng(opts.seed);
    for (let k = 0; k < total; k++) {
      const bytes = mutateElf(originals[k % originals.length]!, r);
      const started = Date.now();
      try {
        const res = runElf(bytes, { argv: ['contract', 'x'], env: [], gasLimit: GAS });
        t.add('runs');
        t.add('ran');
        if (res.gasUsed > GAS) t.fail(`mutant ${k}: gas ${res.gasUsed} above the limit ${GAS}`);
        if (res.signal !== null && !res.reason) t.fail(`mutant ${k}: killed by signal ${res.signal} without a reason`);
      } catch (e) {
        t.add('runs');
        if (e instanceof ElfError && !e.message.includes('\n')) t.add('refused');
        else {
          t.add('vm crashes');
          t.fail(`mutant ${k} (seed ${opts.seed}): ${(e as Error).stack?.split('\n').slice(0, 2).join(' | ')}`);
        }
      }
      const ms = Date.now() - started;
      if (ms > HANG_MS) { t.add('hangs'); t.fail(`mutant ${k}: ${ms} ms`); }
      if ((k + 1) % 20_000 === 0) opts.log(`fuzz-elf: ${k + 1}/${total}`);
    }
    return t.result(['runs', 'refused', 'ran', 'vm crashes', 'hangs']);
  },
);
