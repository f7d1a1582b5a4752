/**
 * `qvm new NAME --lang c|go|rust`: each project, made in a clean directory, builds with
 * ./build.sh and passes its ./test.sh, which runs the contract with the `qvm` on PATH; a changed
 * contract makes ./test.sh fail; bad names, languages and existing directories are refused.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'qvm-new-'));
after(() => rmSync(work, { recursive: true, force: true }));
// the `qvm` that test.sh finds on PATH: this build
const bin = join(work, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'qvm'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
chmodSync(join(bin, 'qvm'), 0o755);
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const TOOLS: Record<string, boolean> = { c: has('musl-gcc') || has('gcc'), go: has('go'), rust: has('cargo') };

function run(cmd: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('qvm new', () => {
  for (const lang of ['c', 'go', 'rust']) {
    it(`a ${lang} project builds and passes its own test`, { skip: TOOLS[lang] ? false : `no ${lang} toolchain` }, () => {
      const made = run(process.execPath, [CLI, 'new', `counter-${lang}`, '--lang', lang], work);
      assert.equal(made.status, 0, made.out);
      const dir = join(work, `counter-${lang}`);
      const build = run('./build.sh', [], dir);
      assert.equal(build.status, 0, build.out);
      const test = run('./test.sh', [], dir);
      assert.equal(test.status, 0, test.out);
      assert.match(test.out, /^10 passed, 0 failed$/m);
      const inspect = run(process.execPath, [CLI, 'inspect', `build/counter-${lang}`], dir);
      assert.equal(inspect.status, 0, inspect.out);
    });
  }

  it('./test.sh fails when the contract does something else', { skip: TOOLS.c ? false : 'no C compiler' }, () => {
    const dir = join(work, 'changed');
    assert.equal(run(process.execPath, [CLI, 'new', 'changed', '--lang', 'c', '--dir', dir], work).status, 0);
    const src = join(dir, 'main.c');
    writeFileSync(src, readFileSync(src, 'utf8').replace('qvm_event("count %" PRIu64, c + n);', 'qvm_event("count %" PRIu64, c + n + 1);'));
    const test = run('./test.sh', [], dir);
    assert.equal(test.status, 1, test.out);
    assert.match(test.out, /FAIL add \(lazy storage read\)/);
  });

  it('refuses a bad name, an unknown language and a directory in use', () => {
    assert.match(run(process.execPath, [CLI, 'new', 'Bad Name', '--lang', 'c'], work).out, /the name must be/);
    assert.match(run(process.execPath, [CLI, 'new', 'x', '--lang', 'cobol'], work).out, /unknown language "cobol"/);
    const used = join(work, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'keep.txt'), 'mine');
    const r = run(process.execPath, [CLI, 'new', 'used', '--lang', 'c'], work);
    assert.equal(r.status, 2);
    assert.match(r.out, /already exists and is not an empty directory/);
    assert.equal(readFileSync(join(used, 'keep.txt'), 'utf8'), 'mine');
  });
});
