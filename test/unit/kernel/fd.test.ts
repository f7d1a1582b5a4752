/**
 * The descriptor table (dup, fcntl, the open-file limit) and poll/select readiness and timeouts.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { E, O, AT_FDCWD, BUF, setup } from './harness.js';

describe('kernel: descriptors', () => {
  it('fd table: dup, dup2, dup3, fcntl and the open-file limit', () => {
    const { sys, str } = setup({ limits: { openFiles: 6 } });
    assert.equal(sys('dup', 1), 3n);
    assert.equal(sys('dup2', 1, 5), 5n);
    assert.equal(sys('fcntl', 5, 1), 0n); // F_GETFD
    assert.equal(sys('dup3', 1, 4, O.CLOEXEC), 4n);
    assert.equal(sys('fcntl', 4, 1), 1n);
    assert.equal(sys('fcntl', 4, 3) & 3n, 1n); // F_GETFL: O.WRONLY
    assert.equal(sys('dup', 1), -E.MFILE);
    assert.equal(sys('openat', AT_FDCWD, str('/dev/null'), O.RDONLY, 0), -E.MFILE);
    assert.equal(sys('dup2', 1, 6), -E.BADF);
    assert.equal(sys('dup3', 1, 1, 0), -E.INVAL);
    assert.equal(sys('close', 3), 0n);
    assert.equal(sys('fcntl', 1, 0, 2), 3n); // F_DUPFD: lowest free fd >= 2
  });

  it('poll reports stdio ready', () => {
    const { sys, mem } = setup({ stdin: 'x' });
    const p = new DataView(new ArrayBuffer(24));
    for (let i = 0; i < 3; i++) {
      p.setInt32(i * 8, i, true);
      p.setInt16(i * 8 + 4, i === 0 ? 1 : 4, true);
    }
    mem.write(BUF, new Uint8Array(p.buffer));
    assert.equal(sys('poll', BUF, 3, 0), 3n);
    const out = new DataView(mem.read(BUF, 24).buffer);
    assert.equal(out.getInt16(6, true) & 1, 1);
    assert.equal(out.getInt16(14, true) & 4, 4);
    assert.equal(out.getInt16(22, true) & 4, 4);
  });

  it('poll/select with nothing ready sleep for the timeout, or end the run without one', () => {
    const { k, sys, mem } = setup();
    // select(0, NULL, NULL, NULL, {1, 250000}) is a sleep
    const tv = new DataView(new ArrayBuffer(16));
    tv.setBigInt64(0, 1n, true);
    tv.setBigInt64(8, 250_000n, true);
    mem.write(BUF, new Uint8Array(tv.buffer));
    assert.equal(sys('select', 0, 0, 0, 0, BUF), 0n);
    assert.equal(k.sleptNanos, 1_250_000_000);
    assert.equal(sys('poll', 0, 0, 5), 0n);
    assert.equal(k.sleptNanos, 1_255_000_000);
    assert.equal(k.killed, null);
    assert.equal(sys('poll', 0, 0, -1), 0n);
    assert.deepEqual(k.killed, { kind: 'deadlock', reason: 'program blocked forever in poll', signal: 0 });
  });
});
