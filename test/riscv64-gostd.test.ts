/**
 * Go standard-library test binaries built with GOARCH=riscv64 (test/setup-riscv64.sh) pass under
 * QVM's riscv64 CPU, with their package source directory mounted read-only (test/gostd.sh with
 * GOSTD_ARCH=riscv64).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';
import { RV_BUILD } from './riscv64-helpers.js';

const FAST = ['unicode/utf8', 'container/heap', 'hash/crc32', 'encoding/base64', 'math/bits'];

for (const pkg of FAST) {
  const bin = join(RV_BUILD, 'gostd', `${pkg.replace(/\//g, '_')}.test`);
  test(`go std riscv64 ${pkg}: go test -c binary passes under QVM`, { skip: existsSync(bin) ? false : 'not built (needs go)' }, () => {
    const r = spawnSync('bash', [join(ROOT, 'test', 'gostd.sh'), pkg], { encoding: 'utf8', env: { ...process.env, GOSTD_ARCH: 'riscv64' } });
    assert.equal(r.status, 0, `${pkg}:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, new RegExp(`^${pkg}: PASS`, 'm'));
  });
}
