/**
 * Pristine images and frames (src/mem/image.ts, frames.ts): runs share an image's frames until
 * they write (copy-on-write, also through the read TLB and the bulk paths), an mprotect that
 * changes a shared page's permissions copies it, accounting equals loading the same bytes, limits
 * apply, and released frames come back zeroed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memory, MemoryLimitExceeded, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { captureImage } from '../../../src/mem/image.js';
import { FramePool } from '../../../src/mem/frames.js';

const RW = PROT_READ | PROT_WRITE;
const BASE = 0x400000;
const opts = { maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 };

function image() {
  return captureImage((m) => {
    m.map(BASE, 3 * PAGE_SIZE, RW, 'data');
    m.poke(BASE, Uint8Array.from([1, 2, 3, 4]));
    m.poke(BASE + PAGE_SIZE + 8, Uint8Array.from([9]));
    m.map(BASE + 16 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_EXEC, 'text');
    m.poke(BASE + 16 * PAGE_SIZE, Uint8Array.from([0xc3]));
  });
}

test('an installed image reads like the loaded bytes and counts the same pages', () => {
  const img = image();
  assert.equal(img.pages.length, 3); // the third data page was never touched
  const loaded = new Memory(opts);
  loaded.map(BASE, 3 * PAGE_SIZE, RW, 'data');
  loaded.poke(BASE, Uint8Array.from([1, 2, 3, 4]));
  loaded.poke(BASE + PAGE_SIZE + 8, Uint8Array.from([9]));
  loaded.map(BASE + 16 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_EXEC, 'text');
  loaded.poke(BASE + 16 * PAGE_SIZE, Uint8Array.from([0xc3]));
  const m = new Memory(opts);
  m.installImage(img);
  assert.deepEqual(m.mappings(), loaded.mappings());
  assert.equal(m.residentPages, loaded.residentPages);
  assert.equal(m.touchedPagesTotal, loaded.touchedPagesTotal);
  assert.equal(m.mappedTotal, loaded.mappedTotal);
  assert.equal(m.read32(BASE), 0x04030201);
  assert.equal(m.read8(BASE + PAGE_SIZE + 8), 9);
  assert.equal(m.read8(BASE + 2 * PAGE_SIZE), 0); // materialised on touch, as without an image
  assert.equal(m.touchedPagesTotal, loaded.touchedPagesTotal + 1);
});

test('a write copies the shared frame: the image and other runs keep the pristine bytes', () => {
  const img = image();
  const a = new Memory(opts);
  const b = new Memory(opts);
  a.installImage(img);
  b.installImage(img);
  assert.equal(a.read8(BASE), 1); // the read TLB now points at the shared frame
  assert.ok(a.isShared(BASE / PAGE_SIZE));
  a.write8(BASE, 77);
  assert.equal(a.read8(BASE), 77, 'the read TLB follows the copy');
  assert.ok(!a.isShared(BASE / PAGE_SIZE));
  assert.equal(b.read8(BASE), 1);
  assert.equal(img.pages[0]!.data[0], 1);
  // the bulk paths copy too
  a.write(BASE + PAGE_SIZE, Uint8Array.from([5, 6]));
  a.poke(BASE + 16 * PAGE_SIZE, Uint8Array.from([0x90]));
  assert.equal(b.read8(BASE + PAGE_SIZE), 0);
  assert.equal(b.read8(BASE + 16 * PAGE_SIZE), 0xc3);
  assert.equal(img.pages[2]!.data[0], 0xc3);
  assert.equal(a.residentPages, b.residentPages, 'copying a page does not count it again');
});

test('changing a shared page\'s permissions copies it; limits apply to installs', () => {
  const img = image();
  const m = new Memory(opts);
  m.installImage(img);
  const pn = (BASE + 16 * PAGE_SIZE) / PAGE_SIZE;
  m.protect(BASE + 16 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_EXEC);
  assert.ok(m.isShared(pn), 'same permissions: still shared');
  m.protect(BASE + 16 * PAGE_SIZE, PAGE_SIZE, RW | PROT_EXEC);
  assert.ok(!m.isShared(pn));
  assert.equal(m.read8(BASE + 16 * PAGE_SIZE), 0xc3);
  const small = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: PAGE_SIZE });
  assert.throws(() => small.installImage(img), MemoryLimitExceeded);
  assert.throws(() => m.installImage(img), /empty memory/);
});

test('released frames return to the pool and come back zeroed', () => {
  const pool = new FramePool();
  const m = new Memory(opts, pool);
  m.installImage(image());
  m.write32(BASE, 0xdeadbeef); // one copy
  m.map(0x900000, 2 * PAGE_SIZE, RW, 'heap');
  m.write8(0x900000, 1);
  m.write8(0x900000 + PAGE_SIZE, 2);
  const taken = pool.taken;
  assert.equal(taken, 3);
  const free = pool.freeFrames;
  m.release();
  assert.equal(pool.freeFrames, free + 3, 'the private frames, not the image\'s');
  const n = new Memory(opts, pool);
  n.map(0x900000, 3 * PAGE_SIZE, RW, 'heap');
  for (let i = 0; i < 3; i++) assert.equal(n.read32(0x900000 + i * PAGE_SIZE + 0), 0);
  assert.equal(pool.allocated, 64, 'no new chunk for the second run');
});
