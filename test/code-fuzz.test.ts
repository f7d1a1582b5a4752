/**
 * Random machine code never crashes the VM: random bytes written over the entry point of a real
 * static binary (fixed seed) must end in a normal result — an exit, a signal with a reason (SIGILL,
 * SIGSEGV, SIGFPE, …) or out of gas — and never escape runElf as an exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { parseElf } from '../src/elf/parse.js';
import { BUILD } from './helpers.js';
import { Rng } from './reliability/rng.js';

test('400 random code sequences at the entry point end cleanly', () => {
  const original = readFileSync(join(BUILD, 'hello.musl.O2'));
  const img = parseElf(original);
  const text = img.segments.find((s) => s.vaddr <= img.entry && img.entry < s.vaddr + s.memsz)!;
  const entryOffset = text.offset + (img.entry - text.vaddr);
  const rng = new Rng(0x12345678);
  const rand = (n: number): number => rng.int(n);
  const signals = new Map<number | null, number>();
  for (let k = 0; k < 400; k++) {
    const bytes = Uint8Array.from(original);
    for (let b = 0; b < 96; b++) {
      // bias towards prefixes and the common opcode rows so that longer valid sequences occur
      const r = rand(10);
      bytes[entryOffset + b] = r < 2 ? [0x48, 0x66, 0x0f, 0xf3, 0x41, 0x4c][rand(6)]! : rand(256);
    }
    const r = runElf(bytes, { argv: ['contract'], env: [], gasLimit: 200_000 });
    assert.equal(typeof r.exitCode, 'number', `sequence ${k}`);
    if (r.signal !== null) assert.ok(r.reason && r.reason.length > 0, `sequence ${k}: signal without reason`);
    signals.set(r.signal, (signals.get(r.signal) ?? 0) + 1);
  }
  assert.ok((signals.get(4) ?? 0) > 0 && (signals.get(11) ?? 0) > 0, `signals seen: ${[...signals].join(' ')}`);
});
