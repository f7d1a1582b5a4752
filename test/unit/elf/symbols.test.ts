/**
 * ELF function symbols (src/elf/symbols.ts): read from a real binary and compared with nm's
 * listing; a stripped, truncated or corrupted file gives fewer or no symbols, never an exception.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionSymbols, symbolIndexAt } from '../../../src/elf/symbols.js';
import { BUILD } from '../../helpers.js';

const path = join(BUILD, 'qsort_bsearch.musl.O2');

describe('ELF function symbols', () => {
  it('match nm\'s function symbols, sorted by address', () => {
    const syms = functionSymbols(new Uint8Array(readFileSync(path)), 0);
    const nm = spawnSync('nm', ['--defined-only', path], { encoding: 'utf8' });
    assert.equal(nm.status, 0, nm.stderr);
    const nmFuncs = new Map<string, number>();
    for (const line of nm.stdout.split('\n')) {
      const m = /^([0-9a-f]+) [tTwW] (\S+)$/.exec(line);
      if (m) nmFuncs.set(m[2]!, parseInt(m[1]!, 16));
    }
    for (const name of ['main', 'qsort', 'bsearch', 'printf', 'memcpy']) {
      const s = syms.find((x) => x.name === name);
      assert.ok(s, `${name} found`);
      assert.equal(s.addr, nmFuncs.get(name), `${name} at nm's address`);
    }
    for (let i = 1; i < syms.length; i++) assert.ok(syms[i - 1]!.addr < syms[i]!.addr);
    const main = syms.find((x) => x.name === 'main')!;
    assert.equal(syms[symbolIndexAt(syms, main.addr + 1)]!.name, 'main');
    assert.equal(symbolIndexAt(syms, 0), -1);
  });

  it('a truncated or corrupted file never throws', () => {
    const bytes = new Uint8Array(readFileSync(path));
    let seed = 12345;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (const len of [0, 10, 64, 1000, bytes.length >> 1, bytes.length - 1]) functionSymbols(bytes.subarray(0, len), 0);
    for (let k = 0; k < 300; k++) {
      const b = bytes.slice();
      for (let j = 0; j < 8; j++) {
        // mostly the ELF header and section headers, where a bad value matters most
        const at = rnd(2) ? rnd(64) : b.length - 1 - rnd(4096);
        b[at] = rnd(256);
      }
      const syms = functionSymbols(b, 0x1000);
      assert.ok(Array.isArray(syms));
    }
  });
});
