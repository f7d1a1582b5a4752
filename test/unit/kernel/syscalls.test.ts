/**
 * The system call tables of both architectures, their documentation, and what an unknown call or a bad pointer gives.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { syscallNames } from '../../../src/kernel/arch/index.js';
import { SYSCALLS } from '../../../src/kernel/syscalls/index.js';
import { E, O, AT_FDCWD, SCRATCH, setup } from './harness.js';

describe('kernel: syscall tables', () => {
  it('x86-64 numbers map to kernel names', () => {
    const t = syscallNames('x86_64');
    assert.equal(t.get(0), 'read');
    assert.equal(t.get(9), 'mmap');
    assert.equal(t.get(60), 'exit');
    assert.equal(t.get(158), 'arch_prctl');
    assert.equal(t.get(202), 'futex');
    assert.equal(t.get(231), 'exit_group');
    assert.equal(t.get(257), 'openat');
    assert.equal(t.get(262), 'newfstatat');
    assert.equal(t.get(302), 'prlimit64');
    assert.equal(t.get(318), 'getrandom');
    assert.equal(t.get(332), 'statx');
    assert.equal(t.get(334), 'rseq');
    assert.equal(t.get(435), 'clone3');
    assert.equal(t.get(439), 'faccessat2');
  });

  it('riscv64 numbers map to kernel names', () => {
    const t = syscallNames('riscv64');
    assert.equal(t.get(56), 'openat');
    assert.equal(t.get(63), 'read');
    assert.equal(t.get(64), 'write');
    assert.equal(t.get(93), 'exit');
    assert.equal(t.get(94), 'exit_group');
    assert.equal(t.get(214), 'brk');
    assert.equal(t.get(222), 'mmap');
    assert.equal(t.get(278), 'getrandom');
    assert.equal(t.get(291), 'statx');
  });

  it('every implemented name exists in some architecture table', () => {
    const known = new Set([...syscallNames('x86_64').values(), ...syscallNames('riscv64').values()]);
    for (const name of Object.keys(SYSCALLS)) assert.ok(known.has(name), name);
  });
});

describe('kernel: docs', () => {
  it('docs/syscalls.md mentions every system call of both tables', () => {
    const doc = readFileSync(new URL('../../../../docs/syscalls.md', import.meta.url), 'utf8');
    const names = new Set([...syscallNames('x86_64').values(), ...syscallNames('riscv64').values()]);
    const missing = [...names].filter((n) => !doc.includes('`' + n + '`'));
    assert.deepEqual(missing, []);
  });
});

describe('kernel: errors', () => {
  it('unknown system calls return ENOSYS and are recorded once', () => {
    const { k, t } = setup();
    assert.equal(k.syscall(9999, [0n, 0n, 0n, 0n, 0n, 0n], t), -E.NOSYS);
    assert.equal(k.syscall(41, [2n, 1n, 0n, 0n, 0n, 0n], t), -E.NOSYS); // socket
    assert.equal(k.syscall(41, [2n, 1n, 0n, 0n, 0n, 0n], t), -E.NOSYS);
    assert.deepEqual(k.unknownSyscalls, ['#9999', 'socket']);
    assert.equal(k.gas, 300);
    // rseq is deliberately E.NOSYS and not "unknown"
    assert.equal(k.syscall(334, [0n, 0n, 0n, 0n, 0n, 0n], t), -E.NOSYS);
    assert.deepEqual(k.unknownSyscalls, ['#9999', 'socket']);
  });

  it('bad pointers give EFAULT, never an exception', () => {
    const { sys, str } = setup({ stdin: 'abc' });
    const BAD = 0xdead0000;
    assert.equal(sys('write', 1, BAD, 5), -E.FAULT);
    assert.equal(sys('read', 0, BAD, 5), -E.FAULT);
    assert.equal(sys('read', 0, SCRATCH, 3), 3n); // nothing was consumed by the failed read
    assert.equal(sys('clock_gettime', 0, BAD), -E.FAULT);
    assert.equal(sys('uname', 0), -E.FAULT);
    assert.equal(sys('openat', AT_FDCWD, BAD, O.RDONLY, 0), -E.FAULT);
    assert.equal(sys('stat', str('/tmp'), BAD), -E.FAULT);
    assert.equal(sys('write', 1, 2n ** 63n, 5), -E.FAULT);
  });
});
