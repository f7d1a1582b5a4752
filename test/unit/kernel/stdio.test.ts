/**
 * Standard input and output: reads, writes, writev, the output limit, /dev/stdout.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { E, O, AT_FDCWD, BUF, setup, dec } from './harness.js';

describe('kernel: stdio', () => {
  it('write to stdout and stderr accumulates and charges gas', () => {
    const { k, sys, mem } = setup();
    mem.write(BUF, new TextEncoder().encode('hello, world\n'));
    assert.equal(sys('write', 1, BUF, 13), 13n);
    assert.equal(sys('write', 2, BUF, 5), 5n);
    assert.equal(dec(k.stdout), 'hello, world\n');
    assert.equal(dec(k.stderr), 'hello');
    // 2 × base + copy ceil(13/8)=2 + ceil(5/8)=1 + 18 output bytes
    assert.equal(k.gas, 200 + 2 + 1 + 18);
    assert.equal(k.syscallCount, 2);
  });

  it('read from stdin returns the payload then EOF', () => {
    const { sys, mem } = setup({ stdin: 'payload' });
    assert.equal(sys('read', 0, BUF, 4), 4n);
    assert.equal(dec(mem.read(BUF, 4)), 'payl');
    assert.equal(sys('read', 0, BUF, 100), 3n);
    assert.equal(dec(mem.read(BUF, 3)), 'oad');
    assert.equal(sys('read', 0, BUF, 100), 0n);
  });

  it('stdin is not seekable and stdout is not readable', () => {
    const { sys } = setup({ stdin: 'x' });
    assert.equal(sys('lseek', 0, 0, 0), -E.SPIPE);
    assert.equal(sys('read', 1, BUF, 1), -E.BADF);
    assert.equal(sys('write', 0, BUF, 1), -E.BADF);
    assert.equal(sys('ioctl', 1, 0x5401, BUF), -E.NOTTY); // TCGETS: not a terminal
  });

  it('writev gathers buffers', () => {
    const { k, sys, mem } = setup();
    mem.write(BUF, new TextEncoder().encode('abc'));
    mem.write(BUF + 100, new TextEncoder().encode('defg'));
    const iov = new DataView(new ArrayBuffer(32));
    iov.setBigUint64(0, BigInt(BUF), true);
    iov.setBigUint64(8, 3n, true);
    iov.setBigUint64(16, BigInt(BUF + 100), true);
    iov.setBigUint64(24, 4n, true);
    mem.write(BUF + 200, new Uint8Array(iov.buffer));
    assert.equal(sys('writev', 1, BUF + 200, 2), 7n);
    assert.equal(dec(k.stdout), 'abcdefg');
  });

  it('output beyond the stdout limit keeps what fits and kills the run', () => {
    const { k, sys, mem } = setup({ limits: { stdoutBytes: 10 } });
    mem.write(BUF, new TextEncoder().encode('0123456789abcdef'));
    assert.equal(sys('write', 1, BUF, 16), 10n);
    assert.equal(dec(k.stdout), '0123456789');
    assert.deepEqual(k.killed, { kind: 'limit', reason: 'stdout limit exceeded (10 bytes)', signal: 0 });
  });

  it('/dev/stdout opens the same output', () => {
    const { k, sys, mem, str } = setup();
    const fd = sys('openat', AT_FDCWD, str('/dev/stdout'), O.WRONLY, 0);
    assert.equal(fd, 3n);
    mem.write(BUF, new TextEncoder().encode('via dev'));
    assert.equal(sys('write', fd, BUF, 7), 7n);
    assert.equal(dec(k.stdout), 'via dev');
  });
});
