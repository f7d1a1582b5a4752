/**
 * riscv64-only system calls, which qemu 7.2 does not have (so no qemu reference): riscv_hwprobe
 * answers the documented base set (IMA + F, D, C; ids 0; unknown keys -1), rejects unknown flags,
 * and riscv_flush_icache succeeds (test/riscv64/probe/hwprobe.c).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { RV_BUILD } from './riscv64-helpers.js';

const PROBE = join(RV_BUILD, 'hwprobe');

test('riscv64: riscv_hwprobe and riscv_flush_icache', { skip: existsSync(PROBE) ? false : 'not built (bash test/setup-riscv64.sh)' }, () => {
  const r = runElf(readFileSync(PROBE), { argv: ['contract'], env: [] });
  assert.equal(r.exitCode, 0, r.reason ?? '');
  assert.equal(
    Buffer.from(r.stdout).toString(),
    ['hwprobe 0', 'key 0 value 0x0', 'key 1 value 0x0', 'key 2 value 0x0', 'key 3 value 0x1', 'key 4 value 0x3', 'key 5 value 0x0',
      'key -1 value 0x0', 'bad flags -1', 'flush_icache 0', ''].join('\n'),
  );
  assert.deepEqual(r.unknownSyscalls, []);
});
