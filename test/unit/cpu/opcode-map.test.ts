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

test('the table decides which forms take LOCK and which end a block', () => {
  const mem = new Memory({ maxResidentBytes: 1 << 20, maxMappedBytes: 1 << 24 });
  const base = 0x10000;
  mem.map(base, 0x1000, 1 | 4, 'code');
  const decoded = (...bytes: number[]): ReturnType<typeof decode> => {
    mem.poke(base, Uint8Array.from([...bytes, 0, 0, 0, 0, 0, 0, 0, 0]));
    return decode(mem, base);
  };
  // LOCK: read-modify-write with a memory destination only (Intel SDM: LOCK elsewhere is #UD)
  assert.notEqual(decoded(0xf0, 0x01, 0x00).exec, illegal, 'lock add [rax], eax');
  assert.equal(decoded(0xf0, 0x01, 0xc0).exec, illegal, 'lock add eax, eax (register destination)');
  assert.equal(decoded(0xf0, 0x39, 0x00).exec, illegal, 'lock cmp [rax], eax');
  assert.notEqual(decoded(0xf0, 0x83, 0x30, 0x01).exec, illegal, 'lock xor [rax], 1 (83 /6)');
  assert.equal(decoded(0xf0, 0x83, 0x38, 0x01).exec, illegal, 'lock cmp [rax], 1 (83 /7)');
  assert.notEqual(decoded(0xf0, 0x0f, 0xc7, 0x08).exec, illegal, 'lock cmpxchg8b [rax] (0F C7 /1)');
  assert.equal(decoded(0xf0, 0x90).exec, illegal, 'lock nop');
  // block ends: branches, calls, returns, indirect jumps and calls, string instructions, syscall
  for (const [bytes, ends, what] of [
    [[0xc3], true, 'ret'], [[0x90], false, 'nop'], [[0x74, 0x00], true, 'je'], [[0xff, 0xd0], true, 'call rax'],
    [[0xff, 0xe0], true, 'jmp rax'], [[0xff, 0xc0], false, 'inc eax'], [[0xf3, 0xa4], true, 'rep movsb'],
    [[0xa8, 0x01], false, 'test al, 1'], [[0x0f, 0x05], true, 'syscall'], [[0x0f, 0xa2], true, 'cpuid'],
  ] as const) {
    assert.equal(decoded(...bytes).term, ends, what);
  }
});
