/**
 * The opcode map is the truth about what the CPU implements (docs/cpu.md is generated from it and
 * checked by cpu-doc.test.ts): every opcode byte the map does not list must decode to the
 * illegal-instruction handler (SIGILL), and every listed one to a real handler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/cpu/x86_64/extensions.js';
import { makeOpInfo, OPCODES, registerOpcodes } from '../../../src/cpu/x86_64/opcodes.js';
import { decode } from '../../../src/cpu/x86_64/decode.js';
import { illegal } from '../../../src/cpu/x86_64/ops/system.js';
import { Memory } from '../../../src/mem/memory.js';

test('every opcode outside the map decodes to SIGILL; every opcode in it to a real handler', () => {
  const mem = new Memory({ maxResidentBytes: 1 << 20, maxMappedBytes: 1 << 24 });
  const base = 0x10000;
  mem.map(base, 0x1000, 1 | 4, 'code');
  const prefixes: number[][] = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]];
  for (let map = 0; map < 4; map++) {
    for (let b = 0; b < 256; b++) {
      if (map === 0 && (b === 0x0f || (b >= 0x40 && b <= 0x4f) || [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3].includes(b))) continue;
      if (map === 1 && (b === 0x38 || b === 0x3a)) continue;
      const info = OPCODES[(map << 8) | b];
      // ModRM /0 register form (C0) or, for memory-only opcodes, a memory form ([rax], 00)
      const modrm = info?.memOnly ? 0x00 : 0xc0;
      const group = info?.group;
      let digit = 0;
      if (group) digit = group.findIndex((h) => h !== null && h.name !== 'illegal');
      const bytes = [...prefixes[map]!, b, modrm | (digit << 3), 0, 0, 0, 0, 0, 0, 0, 0];
      mem.poke(base, Uint8Array.from(bytes));
      const insn = decode(mem, base);
      const listed = info !== undefined && info.exec !== illegal && digit >= 0;
      assert.equal(insn.exec !== illegal, listed, `opcode ${prefixes[map]!.concat([b]).map((x) => x.toString(16)).join(' ')}`);
    }
  }
});

test('a second entry for an opcode the map has is refused, and the first stays', () => {
  const before = OPCODES[0x01];
  assert.ok(before, 'ADD Ev,Gv is in the map');
  assert.throws(() => registerOpcodes([[0x01, makeOpInfo('clash', illegal)]]), /opcode table: 0x1 is both .* and clash/);
  assert.equal(OPCODES[0x01], before);
});
