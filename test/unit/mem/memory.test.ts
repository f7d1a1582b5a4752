/** Guest memory: mappings, lazy pages, permissions, faults that leave memory unchanged, limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memory, MemoryFault, MemoryLimitExceeded, PROT_READ, PROT_WRITE, PROT_EXEC, PAGE_SIZE } from '../../../src/mem/memory.js';

const RW = PROT_READ | PROT_WRITE;
const mk = (resident = 1 << 24, mapped = 1 << 30): Memory => new Memory({ maxResidentBytes: resident, maxMappedBytes: mapped });

test('mapping is free until touched; pages are zero and count once', () => {
  const m = mk();
  m.map(0x100000, 256 * 1024 * 1024, PROT_READ, 'reserve');
  assert.equal(m.residentPages, 0);
  assert.equal(m.read32(0x100000 + 12345 * 4), 0);
  assert.equal(m.residentPages, 1);
  assert.equal(m.touchedPagesTotal, 1);
});

test('faults name the access and the kind, and never write part of a value', () => {
  const m = mk();
  m.map(0x10000, PAGE_SIZE, RW, 'a');
  m.map(0x11000, PAGE_SIZE, PROT_READ, 'b');
  assert.throws(() => m.read8(0x20000), (e: unknown) => e instanceof MemoryFault && e.kind === 'unmapped' && e.access === 'read');
  // a 4-byte write straddling into a read-only page faults before changing the first page
  assert.throws(() => m.write32(0x10ffe, 0xdeadbeef), (e: unknown) => e instanceof MemoryFault && e.kind === 'protection');
  assert.equal(m.read16(0x10ffe), 0);
  assert.throws(() => m.write(0x10ff0, new Uint8Array(32).fill(7)), MemoryFault);
  assert.equal(m.read8(0x10ff0), 0);
  assert.throws(() => m.fetch(0x10000, new Uint8Array(15), 15), (e: unknown) => e instanceof MemoryFault && e.access === 'exec');
});

test('multi-byte values cross page boundaries little-endian', () => {
  const m = mk();
  m.map(0x10000, 2 * PAGE_SIZE, RW, 'a');
  m.write64(0x10ffc, 0x11223344, 0x55667788);
  assert.equal(m.read32(0x10ffc), 0x11223344);
  assert.equal(m.read32(0x11000), 0x55667788);
  assert.equal(m.read8(0x10fff), 0x11);
});

test('protect and unmap split mappings; writes to code pages are reported', () => {
  const m = mk();
  m.map(0x10000, 4 * PAGE_SIZE, RW | PROT_EXEC, 'x');
  const reported: number[] = [];
  m.onCodeWrite = (pn) => reported.push(pn);
  m.read8(0x11000);
  m.markCode(0x11);
  m.write8(0x11010, 1);
  assert.deepEqual(reported, [0x11]);
  assert.equal(m.protect(0x11000, PAGE_SIZE, PROT_READ), true);
  assert.equal(m.mappings().length, 3);
  m.unmap(0x12000, PAGE_SIZE);
  assert.equal(m.isMapped(0x12000, 1), false);
  assert.equal(m.protect(0x10000, 4 * PAGE_SIZE, PROT_READ), false); // a hole: ENOMEM
});

test('top-down free-range search and limits', () => {
  const m = mk(4 * PAGE_SIZE, 64 * PAGE_SIZE);
  m.map(0x40000, PAGE_SIZE, RW, 'a');
  const at = m.findFreeTopDown(2 * PAGE_SIZE, 0x41000, 0x10000);
  assert.equal(at, 0x3e000);
  assert.throws(() => m.map(0x100000, 128 * PAGE_SIZE, RW, 'big'), MemoryLimitExceeded);
  m.map(0x80000, 8 * PAGE_SIZE, RW, 'b');
  for (let k = 0; k < 4; k++) m.write8(0x80000 + k * PAGE_SIZE, 1); // 4 resident pages: the limit
  assert.throws(() => m.write8(0x80000 + 5 * PAGE_SIZE, 1), MemoryLimitExceeded);
});
