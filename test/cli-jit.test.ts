/**
 * `qvm --jit <mode>` / `--no-jit`: the translator a run uses. Whatever the mode, a run's JSON result
 * (output, exit, gas, instructions) is the same; an unknown mode is a one-line user error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, ROOT } from './helpers.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
// 8 iterations, about 12.5 M instructions: past the default mode's warm-up, so it translates
const PROGRAM = join(BUILD, 'bench_cpu.musl.O2');

function qvm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every --jit mode gives the same result, gas and instruction count', { skip: !existsSync(PROGRAM) && 'corpus not built' }, () => {
  const runs = [[], ['--no-jit'], ['--jit', 'off'], ['--jit', 'js'], ['--jit', 'wasm'], ['--jit', 'force']].map((mode) => {
    const r = qvm([...mode, 'run', '--json', PROGRAM, '8']);
    assert.equal(r.status, 0, `${mode.join(' ')}: ${r.stderr}`);
    const j = JSON.parse(r.stdout) as { gasUsed: number; instructions: number; stdout: string; profile?: unknown };
    assert.ok(j.instructions > 10_000_000, 'a long run');
    return { mode: mode.join(' ') || 'default', json: r.stdout };
  });
  for (const r of runs.slice(1)) assert.equal(r.json, runs[0]!.json, `${r.mode} differs from the default mode`);
});

test('an unknown --jit mode is one line and exit status 2', () => {
  const r = qvm(['--jit', 'turbo', 'run', PROGRAM]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--jit turbo: expected one of wasm, js, off, force/);
});
