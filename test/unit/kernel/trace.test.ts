/**
 * The strace-like trace of system calls.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AT_FDCWD, SCRATCH, setup } from './harness.js';

describe('kernel: trace', () => {
  it('records one strace-like line per call', () => {
    const { k, sys, str } = setup({ trace: true });
    sys('write', 1, 0x4010, 13);
    sys('openat', AT_FDCWD, str('/tmp/nope'), 0, 0);
    sys('brk', 0);
    assert.deepEqual(k.traceLines, [
      'write(1, 0x4010, 13) = -14 (EFAULT)',
      'openat(AT_FDCWD, "/tmp/nope", 0x0, 00) = -2 (ENOENT)',
      'brk(NULL) = 0x600000',
    ]);
    sys('write', 1, SCRATCH, 2);
    assert.equal(k.traceLines[3], 'write(1, 0x10000, 2) = 2');
  });
});
