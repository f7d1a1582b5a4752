/**
 * Every error a user can cause ends in one line without "internal error" (issue 16): the real
 * `qvm` CLI on each kind of bad input — arguments over the limit, bad addresses, quantities and
 * hashes, missing or unreadable files, files that are not ELF, unknown options and commands, a
 * node that is not there — must print exactly one line on stderr, no stack, and exit with 2.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, CLI } from './helpers.js';

const HELLO = join(BUILD, 'hello.musl.O2');
const ADDR = '0x0000000000000000000000000000000000000001';
const work = mkdtempSync(join(tmpdir(), 'qvm-cli-errors-'));
/** A URL where nothing listens (a port that was free a moment ago). */
let deadRpc = 'http://127.0.0.1:1';

before(async () => {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((res) => srv.close(() => res()));
  deadRpc = `http://127.0.0.1:${port}`;
  writeFileSync(join(work, 'script.sh'), '#!/bin/sh\necho not an ELF\n'.padEnd(200, '#'));
  writeFileSync(join(work, 'bad.json'), '{ not json');
});
after(() => rmSync(work, { recursive: true, force: true }));

interface Case {
  name: string;
  args: () => string[];
  /** What the one line must say. */
  says: RegExp;
}

const big = 'a'.repeat(100_000);
const CASES: Case[] = [
  { name: 'argv over the limit (E2BIG)', args: () => ['run', HELLO, big, big, big], says: /argument list too long.*--stdin/ },
  { name: 'missing ELF, with --verbose (user errors stay one line)', args: () => ['--verbose', 'run', join(work, 'nope')], says: /no such file/ },
  { name: 'missing ELF', args: () => ['run', join(work, 'nope')], says: /cannot read .*nope: no such file/ },
  { name: 'a directory as the ELF', args: () => ['run', work], says: /is a directory/ },
  { name: 'not an ELF', args: () => ['run', join(work, 'script.sh')], says: /script\.sh: not an ELF/ },
  { name: 'inspect of a missing file', args: () => ['inspect', join(work, 'nope')], says: /no such file/ },
  { name: 'bad address', args: () => ['run', '--sender', '0x12', HELLO], says: /sender must be 0x followed by 40 hex digits/ },
  { name: 'address with a wrong checksum', args: () => ['run', '--sender', '0xF39fd6e51aad88F6F4ce6aB8827279cffFb92267', HELLO], says: /checksum/ },
  { name: 'bad address after the arguments', args: () => ['run', HELLO, 'x', '--sender', 'nope'], says: /'--sender' argument 'nope' is invalid/ },
  { name: 'bad positional address', args: () => ['balance', '0x12', '--rpc', deadRpc], says: /invalid for argument 'address'/ },
  { name: 'bad quantity (unit)', args: () => ['run', '--value', '1.5xeth', HELLO], says: /unknown unit "xeth"/ },
  { name: 'bad quantity (fraction of a wei)', args: () => ['deploy', HELLO, '--value', '0.5wei', '--rpc', deadRpc], says: /not a whole number of wei/ },
  { name: 'bad gas', args: () => ['run', '--gas', '-5', HELLO], says: /gas must be a positive integer/ },
  { name: 'bad block number', args: () => ['run', '--block-number', 'ten', HELLO], says: /block number must be a non-negative integer/ },
  { name: 'bad hash', args: () => ['receipt', '0x1234', '--rpc', deadRpc], says: /64 hex digits/ },
  { name: 'bad port', args: () => ['node', '--in-memory', '--port', '99999'], says: /port must be/ },
  { name: 'missing --stdin file', args: () => ['run', '--stdin', join(work, 'nope'), HELLO], says: /no such file/ },
  { name: 'bad --state file', args: () => ['run', '--state', join(work, 'bad.json'), HELLO], says: /bad\.json: not JSON/ },
  { name: 'bad --read key', args: () => ['calldata', 'call', '--read', 'no-dash', 'x'], says: /invalid key "no-dash"/ },
  { name: '--mount of a missing host directory', args: () => ['run', '--mount', `${join(work, 'nope')}:/data`, HELLO], says: /is not a directory/ },
  { name: '--mount with a relative guest directory', args: () => ['run', '--mount', `${work}:data`, HELLO], says: /must be absolute/ },
  { name: '--cwd that is not a directory in the guest', args: () => ['run', '--cwd', '/no/such/dir', HELLO], says: /not a directory in the guest/ },
  { name: 'unknown option', args: () => ['run', '--frobnicate', HELLO], says: /unknown option '--frobnicate'/ },
  { name: 'unknown command', args: () => ['frobnicate'], says: /unknown command 'frobnicate'/ },
  { name: 'unreachable RPC URL (balance)', args: () => ['balance', ADDR, '--rpc', deadRpc], says: /cannot reach the node/ },
  { name: 'unreachable RPC URL (query)', args: () => ['query', ADDR, '--rpc', deadRpc], says: /cannot reach the node/ },
  { name: 'unreachable RPC URL (deploy)', args: () => ['deploy', HELLO, '--rpc', deadRpc], says: /cannot reach the node/ },
  { name: 'not a URL', args: () => ['query', ADDR, '--rpc', 'not a url'], says: /cannot reach the node/ },
  { name: 'missing file to deploy', args: () => ['deploy', join(work, 'nope'), '--rpc', deadRpc], says: /no such file/ },
];

describe('user errors of the qvm CLI: one line, no "internal error", exit status 2', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const r = spawnSync(process.execPath, [CLI, ...c.args()], { encoding: 'utf8', timeout: 60_000, input: '' });
      if (r.error) throw r.error;
      const lines = r.stderr.split('\n').filter((l) => l.length > 0);
      assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
      const line = lines[0]!;
      assert.match(line, /^qvm: /);
      assert.doesNotMatch(line, /internal error/);
      assert.match(line, c.says);
      assert.equal(r.status, 2, `exit status (stderr: ${line})`);
      assert.equal(r.stdout, '');
    });
  }
});

it('a contract call with argv over ARG_MAX fails as a limit, like the same call on a chain', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', '--contract', HELLO, big, big, big], { encoding: 'utf8', timeout: 60_000, input: '' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /failure \(limit\)/);
  assert.match(r.stdout, /arguments and environment too large \(\d+ bytes, limit 262144\)/);
  assert.doesNotMatch(r.stdout + r.stderr, /internal error/);
});
