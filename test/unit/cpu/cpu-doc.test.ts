/**
 * Keeps docs/cpu.md honest: its CPUID table and its list of implemented instructions must equal
 * what cpuid.ts and the opcode map produce (regenerate with dist/scripts/gen-cpu-doc.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { renderCpuDoc } from '../../../src/cpu/x86_64/cpu-doc.js';
import { implementedOpcodes } from '../../../src/cpu/x86_64/opcodes.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs', 'cpu.md');

test('docs/cpu.md: generated CPUID table and instruction list equal the code', () => {
  const doc = readFileSync(file, 'utf8');
  assert.equal(doc, renderCpuDoc(doc), 'docs/cpu.md is stale: run node dist/scripts/gen-cpu-doc.js');
});

test('docs/cpu.md lists every implemented opcode exactly once', () => {
  const doc = readFileSync(file, 'utf8');
  const a = doc.indexOf('<!-- generated:mnemonics -->'), b = doc.indexOf('<!-- end:mnemonics -->');
  const listed: string[] = [];
  for (const line of doc.slice(a, b).split('\n')) {
    const m = /^([a-z0-9]+): (.*)$/.exec(line);
    if (m) for (const enc of m[2]!.split(', ')) listed.push(`${enc}: ${m[1]}`);
  }
  assert.deepEqual([...listed].sort(), [...implementedOpcodes()].sort());
});
