/**
 * Nothing of the host leaks into a run: the same binary and inputs, run by two separate `qvm run
 * --json` processes with a different host time zone, different host environment variables and a
 * different working directory, give identical JSON (stdout, stderr, exit status, signal, reason,
 * gas, instruction and syscall counts: the whole object is compared).
 *
 * Every musl corpus binary (-O0 and -O2) and the riscv64 -O2 builds of RISCV_SUBSET are covered; the glibc, C++ and Rust builds are compared
 * with native runs in corpus.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARGV, BUILD, CLI, ENV, ROOT, STDIN, corpusBinaries } from './helpers.js';
import { riscvBinaries } from './riscv64-helpers.js';

const RISCV_SUBSET = new Set(['time_random', 'threads', 'alarm_pause', 'signals', 'tmpfiles', 'mmap_brk', 'printf_float', 'math_fns']);
const SUBSET = [
  ...corpusBinaries()
    .map((b) => b.file)
    .filter((f) => f.includes('.musl.')),
  // the riscv64 CPU too, on the programs that touch time, threads, signals and memory layout
  // (test/setup-riscv64.sh; none without the cross compiler)
  ...riscvBinaries()
    .filter((b) => b.file.endsWith('.O2') && RISCV_SUBSET.has(b.program))
    .map((b) => `rv64/${b.file}`),
];

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'qvm-determinism-'));
const stdinFile = join(work, 'stdin.bin');
writeFileSync(stdinFile, STDIN);
const otherCwd = mkdtempSync(join(tmpdir(), 'qvm-other-cwd-'));
writeFileSync(join(otherCwd, 'decoy.txt'), 'host file that must stay invisible\n');

test.after(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(otherCwd, { recursive: true, force: true });
});

for (const file of SUBSET) {
  test(`determinism ${file}: two processes with different host TZ, env and cwd agree`, async () => {
    const elf = join(BUILD, file);
    assert.ok(existsSync(elf), `${elf} is missing: run bash test/setup.sh`);
    const args = ['run', '--json', '--argv0', ARGV[0]!, ...ENV.flatMap((e) => ['--env', e]), '--stdin', stdinFile, elf, ...ARGV.slice(1)];
    const [a, b] = await Promise.all([
      runCli(args, ROOT, { ...process.env, TZ: 'UTC', LANG: 'C', LC_ALL: 'C' }),
      runCli(args, otherCwd, {
        ...process.env,
        TZ: 'Pacific/Chatham',
        LANG: 'de_DE.UTF-8',
        HOME: otherCwd,
        QVM_HOST_NOISE: 'x'.repeat(1000),
        A: 'host-value',
        RANDOM_SEED: String(process.pid),
      }),
    ]);
    let ja: Record<string, unknown>;
    let jb: Record<string, unknown>;
    try {
      ja = JSON.parse(a.stdout) as Record<string, unknown>;
      jb = JSON.parse(b.stdout) as Record<string, unknown>;
    } catch {
      assert.fail(`qvm run --json did not print JSON.\nrun 1 stderr: ${a.stderr.slice(0, 2000)}\nrun 2 stderr: ${b.stderr.slice(0, 2000)}`);
    }
    for (const key of ['stdout', 'stderr', 'exitCode', 'gasUsed', 'instructions']) {
      assert.ok(key in ja, `JSON output has no "${key}" field`);
    }
    assert.deepEqual(jb, ja, `${file}: runs differ between host environments`);
    assert.equal(a.code, b.code, `${file}: CLI exit codes differ`);
    assert.equal(a.code, ja['exitCode'], `${file}: CLI exit code is not the program's status`);
  });
}
