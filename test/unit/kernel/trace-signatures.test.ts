/**
 * Every system call the kernel implements has a trace signature beside its entry
 * (src/kernel/syscalls/*.ts), made of the letters trace.ts decodes, one per argument (at most six);
 * and a traced call shows its arguments decoded, not as raw hex.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSCALL_SIGNATURES, SYSCALLS } from '../../../src/kernel/syscalls/index.js';
import { describeArgs, SIGNATURE_LETTERS, tracedNames } from '../../../src/kernel/trace.js';
import { RISCV64_SYSCALLS } from '../../../src/kernel/arch/riscv64.js';
import { X86_64_SYSCALLS } from '../../../src/kernel/arch/x86_64.js';

test('every implemented system call has a well-formed trace signature', () => {
  const names = Object.keys(SYSCALLS);
  assert.ok(names.length > 150, `${names.length} system calls`);
  assert.deepEqual(tracedNames().sort(), names.sort());
  const letters = new RegExp(`^[${SIGNATURE_LETTERS}]{0,6}$`);
  for (const name of names) {
    const sig = SYSCALL_SIGNATURES[name];
    assert.ok(sig !== undefined && letters.test(sig), `${name}: ${JSON.stringify(sig)}`);
  }
});

test('every implemented call an architecture numbers is traced with its signature', () => {
  for (const table of [X86_64_SYSCALLS, RISCV64_SYSCALLS]) {
    for (const name of table.values()) {
      if (!(name in SYSCALLS)) continue;
      const sig = SYSCALL_SIGNATURES[name]!;
      const shown = describeArgs(name, [1n, 2n, 3n, 4n, 5n, 6n], new Map());
      assert.equal(shown === '' ? 0 : shown.split(', ').length, sig.length, `${name}(${shown})`);
    }
  }
});

test('calls added with their signature decode their arguments', () => {
  const paths = new Map([[0x5000, '/tmp/f']]);
  assert.equal(describeArgs('epoll_ctl', [3n, 1n, 4n, 0x7000n, 0n, 0n], paths), '3, 1, 4, 0x7000');
  assert.equal(describeArgs('futimesat', [-100n, 0x5000n, 0n, 0n, 0n, 0n], paths), 'AT_FDCWD, "/tmp/f", NULL');
  assert.equal(describeArgs('alarm', [5n, 0n, 0n, 0n, 0n, 0n], paths), '5');
  // not implemented: six raw arguments
  assert.equal(describeArgs('execve', [0x5000n, 0n, 0n, 0n, 0n, 0n], paths), '0x5000, 0x0, 0x0, 0x0, 0x0, 0x0');
});
