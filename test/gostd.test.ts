/**
 * Go standard-library test binaries (go test -c, built by test/setup.sh) under QVM, with their
 * package source directory mounted read-only. The fast packages run here; `bash test/gostd.sh`
 * runs all of test/gostd-packages.txt (some take minutes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BUILD } from './helpers.js';

const FAST = ['unicode/utf8', 'container/heap', 'hash/crc32', 'encoding/base64', 'math/bits'];

for (const pkg of FAST) {
  const bin = join(BUILD, 'gostd', `${pkg.replace(/\//g, '_')}.test`);
  test(`go std ${pkg}: go test -c binary passes under QVM`, { skip: existsSync(bin) ? false : 'not built (needs go)' }, () => {
    const r = spawnSync('bash', [join(ROOT, 'test', 'gostd.sh'), pkg], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${pkg}:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, new RegExp(`^${pkg}: PASS`, 'm'));
  });
}
