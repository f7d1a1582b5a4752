/**
 * Static glibc start-up and environment under QVM (test/glibc/startup_env.c, compiled here with
 * `gcc -static`): /proc/self/exe, rlimits, CPU count, the cache sizes glibc derives from CPUID
 * leaf 4, poll on fds 0-2, /proc/self/maps rendered from the guest's own mappings, and the
 * lookups that need a dynamic loader (NSS, iconv modules, locales), which must fail cleanly as on
 * a machine without those files. QVM only (natively the answers are the host's); the output must
 * also be identical across runs. Skipped without gcc/static glibc on an x86-64 host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { ROOT } from './helpers.js';

function build(): { exe: string; cleanup: () => void } | string {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'not an x86-64 Linux host';
  const dir = mkdtempSync(join(tmpdir(), 'qvm-glibc-'));
  const exe = join(dir, 'startup_env');
  const cc = spawnSync('gcc', ['-static', '-O2', '-w', '-o', exe, join(ROOT, 'test/glibc/startup_env.c')], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot build a static glibc program: ${cc.error?.message ?? cc.stderr.slice(0, 200)}`;
  }
  return { exe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const built = build();

test('static glibc: start-up environment, NSS/iconv failing cleanly, deterministic /proc/self/maps', { skip: typeof built === 'string' ? built : false }, () => {
  if (typeof built === 'string') return;
  try {
    const bytes = readFileSync(built.exe);
    const run = (): string => {
      const r = runElf(bytes, { argv: ['contract'], env: ['LANG=C.UTF-8'], gasLimit: 200_000_000 });
      assert.equal(r.reason, null);
      assert.equal(r.exitCode, 0);
      // gethostbyname falls back to DNS: sockets are not supported (ENOSYS), nothing else is missing
      assert.deepEqual(r.unknownSyscalls.filter((n) => n !== 'socket'), []);
      return Buffer.from(r.stdout).toString('latin1');
    };
    const out = run();
    assert.equal(run(), out, 'two runs differ');
    const lines = out.split('\n');
    const expect = [
      'exe /bin/contract',
      'stack rlimit 8388608 18446744073709551615',
      'nofile rlimit 64',
      'nprocs 1 conf 1 page 4096',
      'L1d 32768 line 64 assoc 8 L2 262144 L3 8388608',
      'platform x86_64',
      'poll 3 revents 11 4 4',
      'getpwnam(root) NULL',
      'getpwuid(1000) NULL',
      'getgrgid(0) NULL',
      'gethostbyname NULL',
      'iconv_open latin1 failed errno Invalid argument',
      'iconv_open utf8 ok',
      'setlocale("") NULL codeset ANSI_X3.4-1968',
      'setlocale(de_DE) NULL',
    ];
    for (const e of expect) assert.ok(lines.some((l) => l.includes(e)), `missing "${e}" in:\n${out}`);
    const maps = lines.filter((l) => /^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-]p /.test(l));
    assert.ok(maps.length >= 4, out);
    assert.ok(maps[0]!.endsWith('/bin/contract'), maps[0]);
    assert.ok(maps.some((l) => l.endsWith('[heap]')), 'no [heap] line');
    assert.ok(maps.some((l) => l.endsWith('[stack]')), 'no [stack] line');
    assert.ok(!maps.some((l) => /vdso|vvar/.test(l)), 'no vDSO is mapped');
  } finally {
    built.cleanup();
  }
});
