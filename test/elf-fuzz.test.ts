/**
 * Malformed binaries never crash the VM: a valid static ELF with header and program-header bytes
 * flipped (fixed seed) must either be refused with an ElfError or run to a normal result (exit,
 * signal, out of gas) — no other exception escapes runElf.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf, ElfError } from '../src/machine/run.js';
import { BUILD } from './helpers.js';
import { Rng } from './reliability/rng.js';

test('300 mutated ELF headers: ElfError or a clean run result, never a crash', () => {
  const original = readFileSync(join(BUILD, 'hello.musl.O2'));
  const rng = new Rng(0x9e3779b9);
  const rand = (n: number): number => rng.int(n);
  let refused = 0, ran = 0;
  for (let k = 0; k < 300; k++) {
    const bytes = Uint8Array.from(original);
    const flips = 1 + rand(4);
    for (let f = 0; f < flips; f++) {
      // mostly the ELF header and program headers (first 0x200 bytes), sometimes the code
      const at = rand(8) === 0 ? rand(bytes.length) : rand(0x200);
      bytes[at] = rand(256);
    }
    try {
      const r = runElf(bytes, { argv: ['contract', 'x'], env: [], gasLimit: 2_000_000 });
      assert.equal(typeof r.exitCode, 'number');
      assert.ok(r.gasUsed <= 2_000_000);
      ran++;
    } catch (e) {
      assert.ok(e instanceof ElfError, `mutation ${k}: ${(e as Error).stack}`);
      assert.ok(!(e as Error).message.includes('\n'), 'one-line message');
      refused++;
    }
  }
  assert.ok(refused > 0 && ran > 0, `refused ${refused}, ran ${ran}`);
});
