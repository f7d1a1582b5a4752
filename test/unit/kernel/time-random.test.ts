/**
 * Virtual time from the block context, and the keccak random stream seeded by the block.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { keccak_256 } from '@noble/hashes/sha3';
import { E, BUF, setup } from './harness.js';

describe('kernel: time', () => {
  it('clock_gettime is block timestamp + virtual time; monotonic starts at 0', () => {
    const { k, t, sys, mem } = setup();
    t.instructions = 1_234_567;
    assert.equal(sys('clock_gettime', 0, BUF), 0n); // REALTIME
    let ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 1_700_000_000n);
    assert.equal(ts.getBigInt64(8, true), 1_234_567n);
    assert.equal(sys('clock_gettime', 1, BUF), 0n); // MONOTONIC
    ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 0n);
    assert.equal(ts.getBigInt64(8, true), 1_234_567n);
    assert.equal(sys('time', 0), 1_700_000_000n);

    // nanosleep 1.5 s advances virtual time (through kernel.sleptNanos)
    const req = new DataView(new ArrayBuffer(16));
    req.setBigInt64(0, 1n, true);
    req.setBigInt64(8, 500_000_000n, true);
    mem.write(BUF + 64, new Uint8Array(req.buffer));
    assert.equal(sys('nanosleep', BUF + 64, 0), 0n);
    assert.equal(k.sleptNanos, 1_500_000_000);
    assert.equal(sys('clock_gettime', 1, BUF), 0n);
    ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 1n);
    assert.equal(ts.getBigInt64(8, true), 501_234_567n);
    // CPU time excludes the sleep
    assert.equal(sys('clock_gettime', 2, BUF), 0n);
    ts = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(ts.getBigInt64(0, true), 0n);
    assert.equal(ts.getBigInt64(8, true), 1_234_567n);

    // clock_nanosleep TIMER_ABSTIME on MONOTONIC to t = 3 s
    req.setBigInt64(0, 3n, true);
    req.setBigInt64(8, 0n, true);
    mem.write(BUF + 64, new Uint8Array(req.buffer));
    assert.equal(sys('clock_nanosleep', 1, 1, BUF + 64, 0), 0n);
    assert.equal(t.virtualNanos(), 3_000_000_000);

    // gettimeofday
    assert.equal(sys('gettimeofday', BUF, 0), 0n);
    const tv = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(tv.getBigInt64(0, true), 1_700_000_003n);
    assert.equal(sys('clock_gettime', 99, BUF), -E.INVAL);
    assert.equal(sys('clock_getres', 1, BUF), 0n);
    assert.equal(new DataView(mem.read(BUF, 16).buffer).getBigInt64(8, true), 1n);
  });
});

describe('kernel: randomness', () => {
  it('getrandom is the keccak stream seeded by the block', () => {
    const { k, sys, mem } = setup();
    const seed = keccak_256(new Uint8Array([...new Uint8Array(32).fill(0x11), ...new Uint8Array(32).fill(0x22)]));
    const block0 = keccak_256(new Uint8Array([...seed, 0, 0, 0, 0, 0, 0, 0, 0]));
    const block1 = keccak_256(new Uint8Array([...seed, 1, 0, 0, 0, 0, 0, 0, 0]));
    // AT_RANDOM: the machine draws the first 16 bytes before the program starts
    assert.deepEqual(k.random.next(16), block0.subarray(0, 16));
    assert.equal(sys('getrandom', BUF, 32, 0), 32n);
    assert.deepEqual(mem.read(BUF, 32), new Uint8Array([...block0.subarray(16), ...block1.subarray(0, 16)]));
  });

  it('same block gives the same bytes, another prevBlockHash or tx gives others', () => {
    const draw = (prev: number, tx: number): Uint8Array => {
      const { sys, mem } = setup({ prev, tx });
      assert.equal(sys('getrandom', BUF, 64, 0), 64n);
      return mem.read(BUF, 64);
    };
    assert.deepEqual(draw(1, 2), draw(1, 2));
    assert.notDeepEqual(draw(1, 2), draw(3, 2));
    assert.notDeepEqual(draw(1, 2), draw(1, 3));
  });

  it('getrandom with a bad buffer is EFAULT and consumes nothing', () => {
    const { k, sys } = setup();
    assert.equal(sys('getrandom', 0xdead0000, 16, 0), -E.FAULT);
    assert.equal(k.random.consumed, 0);
    assert.equal(sys('getrandom', BUF, 16, 0x80), -E.INVAL);
  });
});
