/** `qvm inspect`: describes what a binary is and whether QVM can run it, in text and JSON. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BUILD, CLI } from './helpers.js';

function inspect(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'inspect', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('inspect a static musl executable', () => {
  const r = inspect(join(BUILD, 'hello.musl.O2'));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /static executable \(ET_EXEC\)/);
  assert.match(r.stdout, /machine:\s+x86-64/);
  assert.match(r.stdout, /r-x/);
  const j = spawnSync(process.execPath, [CLI, 'inspect', '--json', join(BUILD, 'hello.musl.O2')], { encoding: 'utf8' });
  const img = JSON.parse(j.stdout) as { machine: string; type: string; entry: number; segments: unknown[] };
  assert.equal(img.machine, 'x86_64');
  assert.equal(img.type, 'exec');
  assert.ok(img.segments.length >= 2);
});

test('inspect a dynamic executable says it is not runnable and exits 1', () => {
  const r = inspect(join(BUILD, 'hello.dynamic'));
  assert.equal(r.status, 1);
  assert.match(r.stdout, /not runnable/);
  assert.match(r.stdout, /interp:\s+\/lib64\/ld-linux-x86-64\.so\.2/);
  const j = spawnSync(process.execPath, [CLI, 'inspect', '--json', join(BUILD, 'hello.dynamic')], { encoding: 'utf8' });
  assert.equal(j.status, 1);
  const img = JSON.parse(j.stdout) as { type: string; runnable: boolean };
  assert.deepEqual([img.type, img.runnable], ['dynamic-pie', false]);
});

test('inspect a missing file or non-ELF gives one line and exit 2', () => {
  const r = inspect('/nonexistent/contract');
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const s = inspect(CLI); // a JavaScript file, not an ELF
  assert.equal(s.status, 2);
  assert.match(s.stderr, /ELF/);
  assert.doesNotMatch(s.stderr, /\n\s+at /);
});
