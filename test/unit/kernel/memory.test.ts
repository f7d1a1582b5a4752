/**
 * The memory system calls: brk, mmap, munmap, mprotect, mremap, madvise.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryFault, PAGE_SIZE } from '../../../src/mem/memory.js';
import { E, O, AT_FDCWD, BRK_START, MMAP_BASE, BUF, setup, dec } from './harness.js';

describe('kernel: memory', () => {
  it('brk grows and shrinks the heap, never below its start', () => {
    const { k, sys, mem } = setup();
    assert.equal(sys('brk', 0), BigInt(BRK_START));
    assert.equal(sys('brk', BRK_START + 10000), BigInt(BRK_START + 10000));
    const m = mem.findMapping(BRK_START);
    assert.equal(m?.name, '[heap]');
    assert.equal(m?.end, BRK_START + 3 * PAGE_SIZE);
    mem.write8(BRK_START + 9999, 0xaa);
    assert.equal(sys('brk', BRK_START + 200000), BigInt(BRK_START + 200000));
    assert.equal(mem.mappings().filter((x) => x.name === '[heap]').length, 1); // coalesced
    assert.equal(sys('brk', BRK_START + 100), BigInt(BRK_START + 100));
    assert.equal(mem.isMapped(BRK_START + PAGE_SIZE, 1), false);
    assert.equal(sys('brk', BRK_START - PAGE_SIZE), BigInt(BRK_START + 100));
    assert.equal(k.brk, BRK_START + 100);
  });

  it('brk fails (returns the old break) past the address-space limit', () => {
    const { sys } = setup({});
    const huge = BRK_START + 8 * 2 ** 30;
    assert.equal(sys('brk', huge), BigInt(BRK_START));
  });

  it('mmap allocates top-down, honours hints and MAP_FIXED rules', () => {
    const { sys, mem } = setup();
    const PROT_RW = 3;
    const MAP_PRIVATE_ANON = 0x22;
    const a = sys('mmap', 0, 8192, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
    assert.equal(a, BigInt(MMAP_BASE - 8192));
    const b = sys('mmap', 0, 100, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
    assert.equal(b, BigInt(MMAP_BASE - 8192 - 4096));
    mem.write(Number(a), new Uint8Array([1, 2, 3]));
    // hint honoured when free
    const hint = 0x200000000;
    assert.equal(sys('mmap', hint, 4096, PROT_RW, MAP_PRIVATE_ANON, -1, 0), BigInt(hint));
    // hint taken: fall back to top-down
    assert.equal(sys('mmap', hint, 4096, PROT_RW, MAP_PRIVATE_ANON, -1, 0), BigInt(MMAP_BASE - 16384));
    // MAP_FIXED_NOREPLACE over an existing mapping
    assert.equal(sys('mmap', hint, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x100000, -1, 0), -E.EXIST);
    // MAP_FIXED replaces (contents become zero)
    assert.equal(sys('mmap', a, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x10, -1, 0), a);
    assert.deepEqual(mem.read(Number(a), 3), new Uint8Array(3));
    // bad arguments
    assert.equal(sys('mmap', 0, 0, PROT_RW, MAP_PRIVATE_ANON, -1, 0), -E.INVAL);
    assert.equal(sys('mmap', 0, 4096, PROT_RW, 0x20, -1, 0), -E.INVAL); // neither private nor shared
    assert.equal(sys('mmap', 0x1001, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x10, -1, 0), -E.INVAL);
    assert.equal(sys('mmap', 0, 4096, PROT_RW, 0x02, 77, 0), -E.BADF);
    assert.equal(sys('mmap', 0, 2n ** 48n, PROT_RW, MAP_PRIVATE_ANON, -1, 0), -E.NOMEM);
  });

  it('munmap and mprotect', () => {
    const { sys, mem } = setup();
    const a = Number(sys('mmap', 0, 3 * 4096, 3, 0x22, -1, 0));
    assert.equal(sys('mprotect', a + 4096, 4096, 1), 0n);
    mem.write8(a, 1);
    assert.throws(() => mem.write8(a + 4096, 1), MemoryFault);
    assert.equal(mem.read8(a + 4096), 0);
    assert.equal(sys('munmap', a + 4096, 4096), 0n);
    assert.equal(mem.isMapped(a + 4096, 1), false);
    assert.equal(sys('mprotect', a, 3 * 4096, 3), -E.NOMEM); // hole in the range
    assert.equal(sys('mprotect', a + 1, 4096, 3), -E.INVAL);
    assert.equal(sys('munmap', a + 1, 4096), -E.INVAL);
    assert.equal(sys('munmap', a, 0), -E.INVAL);
  });

  it('mremap grows in place or moves, keeping contents', () => {
    const { sys, mem } = setup();
    const a = Number(sys('mmap', 0, 4096, 3, 0x22, -1, 0));
    mem.write(a, new TextEncoder().encode('keep me'));
    // the space above a is the previous top of the mmap area: free, so it grows in place
    const b = Number(sys('mmap', 0, 4096, 3, 0x22, -1, 0)); // below a
    mem.write(b, new TextEncoder().encode('moved'));
    assert.equal(sys('mremap', b, 4096, 8192, 0, 0), -E.NOMEM); // a is in the way, no MAYMOVE
    const c = Number(sys('mremap', b, 4096, 8192, 1, 0));
    assert.notEqual(c, b);
    assert.equal(dec(mem.read(c, 5)), 'moved');
    assert.equal(mem.isMapped(b, 1), false);
    assert.equal(dec(mem.read(a, 7)), 'keep me');
    assert.equal(sys('mremap', c, 8192, 4096, 0, 0), BigInt(c)); // shrink
    assert.equal(mem.isMapped(c + 4096, 1), false);
  });

  it('file-backed mmap copies the file in', () => {
    const { sys, mem, str } = setup();
    const fd = sys('openat', AT_FDCWD, str('/tmp/m'), O.CREAT | O.RDWR, 0o644);
    mem.write(BUF, new TextEncoder().encode('mapped file'));
    sys('write', fd, BUF, 11);
    const a = Number(sys('mmap', 0, 4096, 1, 0x02, fd, 0));
    assert.equal(dec(mem.read(a, 11)), 'mapped file');
    assert.equal(mem.read8(a + 11), 0);
  });

  it('madvise(MADV_DONTNEED) zeroes anonymous pages', () => {
    const { sys, mem } = setup();
    const a = Number(sys('mmap', 0, 8192, 3, 0x22, -1, 0));
    mem.write(a, new Uint8Array([9, 9, 9]));
    assert.equal(sys('madvise', a, 8192, 4), 0n);
    assert.deepEqual(mem.read(a, 3), new Uint8Array(3));
    assert.equal(sys('madvise', 0x7000_0000_0000, 4096, 4), -E.NOMEM);
  });
});
