/**
 * Shared by the corpus tests: where the built C programs are, the fixed inputs every run gets,
 * how to run a program natively, and how to explain a difference in a few lines.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/machine/types.js';

/** Repository root (this file runs from dist/test/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD = join(ROOT, 'test', 'build');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** The fixed inputs of every corpus run, native and under QVM. */
export const ARGV = ['prog', 'alpha', 'beta gamma'];
export const ENV = ['A=1', 'B=two'];
export const STDIN = Uint8Array.from(
  Buffer.concat([Buffer.from('first line\nsecond line\n\ttabbed\n'), Buffer.from([0, 1, 2, 0xff, 0x80, 10]), Buffer.from('no newline at end')]),
);
/**
 * Generous: the largest corpus program uses under 10^8 gas; a program stuck in a loop under QVM
 * still ends in well under a minute.
 */
export const GAS = 500_000_000;

/** Programs whose output depends on the block context: tested on their own, never natively. */
export const NOT_NATIVE = new Set(['time_random']);

/** Corpus programs that need features of a later issue, with the reason they are skipped for now. */
export const PENDING: ReadonlyMap<string, string> = new Map<string, string>([]);

export interface Binary {
  /** e.g. "int_edge.musl.O2" */
  file: string;
  /** e.g. "int_edge" */
  program: string;
  path: string;
}

/**
 * Corpus binary names: the C corpus with musl (<name>.musl.O0|O2) and glibc (<name>.glibc.O2),
 * the C++ programs (<name>.cpp.O2) and the Rust programs (<name>.rust).
 */
const CORPUS_FILE = /\.(musl\.O[02]|glibc\.O2|cpp\.O2|rust)$/;

/** The corpus binaries built by test/setup.sh, sorted. */
export function corpusBinaries(): Binary[] {
  if (!existsSync(BUILD)) throw new Error(`${BUILD} is missing: run bash test/setup.sh`);
  return readdirSync(BUILD)
    .filter((f) => CORPUS_FILE.test(f))
    .sort()
    .map((file) => ({ file, program: file.replace(CORPUS_FILE, ''), path: join(BUILD, file) }));
}

export interface Outcome {
  stdout: Buffer;
  stderr: Buffer;
  /** Exit status as a shell sees it: the code, or 128+signal. */
  status: number;
}

let stdinDir: string | undefined;
const stdinFiles = new Map<string, string>();

/**
 * A file holding `bytes`, for a native run's stdin. (Piping the input instead fails with EPIPE
 * whenever a program exits without reading all of it.) Removed when the process exits.
 */
function stdinFile(bytes: Uint8Array): string {
  const key = Buffer.from(bytes).toString('base64');
  let file = stdinFiles.get(key);
  if (file === undefined) {
    if (stdinDir === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'qvm-native-stdin-'));
      stdinDir = dir;
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
    file = join(stdinDir, `stdin-${stdinFiles.size}`);
    writeFileSync(file, bytes);
    stdinFiles.set(key, file);
  }
  return file;
}

/** Runs a binary on the host with exactly the corpus inputs (nothing else in its environment). */
export function runNative(path: string, argv: string[] = ARGV, env: string[] = ENV, stdin: Uint8Array = STDIN): Outcome {
  return runHost(path, [], path, argv, env, stdin);
}

/** Runs `cmd …prefix` on the host for the program at `path` (named in messages), with argv[1..] after the prefix. */
export function runHost(cmd: string, prefix: string[], path: string, argv: string[], env: string[], stdin: Uint8Array): Outcome {
  const envObj: Record<string, string> = {};
  for (const kv of env) {
    const i = kv.indexOf('=');
    envObj[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const fd = openSync(stdinFile(stdin), 'r');
  let r;
  try {
    r = spawnSync(cmd, [...prefix, ...argv.slice(1)], {
      argv0: prefix.length === 0 ? argv[0] : cmd,
      env: envObj,
      stdio: [fd, 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
  } finally {
    closeSync(fd);
  }
  if (r.error) throw r.error;
  let status: number;
  if (r.status !== null) status = r.status;
  else {
    const sig = r.signal ? osConstants.signals[r.signal] : undefined;
    if (sig === undefined) throw new Error(`run of ${path} ended without status or known signal`);
    status = 128 + sig;
  }
  return { stdout: r.stdout, stderr: r.stderr, status };
}

function show(line: string | undefined): string {
  if (line === undefined) return '<end of output>';
  const s = JSON.stringify(line);
  return s.length > 300 ? s.slice(0, 300) + '…' : s;
}

/** Null when equal, else a short description of the first differing line. */
/**
 * How a QVM run differs from a reference run of the same program (native or qemu): stdout, stderr
 * and exit status, plus one line on how the QVM run ended when anything differs. Empty when equal.
 */
export function outcomeDifferences(refName: string, ref: Outcome, r: RunResult): string[] {
  const problems: string[] = [];
  for (const [what, a, b] of [['stdout', ref.stdout, r.stdout], ['stderr', ref.stderr, r.stderr]] as const) {
    const d = firstDifference(what, a, b);
    if (d) problems.push(d);
  }
  if (ref.status !== r.exitCode) problems.push(`exit status: ${refName} ${ref.status}, qvm ${r.exitCode}`);
  if (problems.length > 0) {
    problems.push(
      `qvm: reason ${JSON.stringify(r.reason)}, signal ${r.signal}, ${r.instructions} instructions, ` +
        `${r.syscalls} syscalls, unknown syscalls [${r.unknownSyscalls.join(', ')}]`,
    );
  }
  return problems;
}

export function firstDifference(what: string, expected: Uint8Array, actual: Uint8Array): string | null {
  if (Buffer.from(expected).equals(Buffer.from(actual))) return null;
  const a = Buffer.from(expected).toString('latin1').split('\n');
  const b = Buffer.from(actual).toString('latin1').split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return (
    `${what} differs at line ${i + 1} (native ${expected.length} bytes, qvm ${actual.length} bytes)\n` +
    `  native: ${show(a[i])}\n` +
    `  qvm:    ${show(b[i])}`
  );
}
