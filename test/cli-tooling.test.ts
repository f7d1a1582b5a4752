/**
 * The chain clients' fixes (issue 14) against a `qvm node` process: human dry-run summaries,
 * write values and events as text, one JSON shape with decimal gas across call / receipt /
 * qvm_call / qvm_traceTransaction, --value units, --stdin -, QVM_RPC_URL / ETH_RPC_URL, query
 * with several keys and on an address without code, a multi-line (Rust-style) panic message kept
 * whole, the upload progress in the transaction's own size, no key in --help, and `qvm run`
 * reading a piped or redirected stdin.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hex } from '../src/chain/index.js';
import { ADDRS, CLI, example, rpc, startNode, type NodeProc } from './chain-helpers.js';
import { PROBE } from './contract-helpers.js';
import { TOPIC_STDOUT } from '../src/contract/index.js';
import { formatEther, parseAmount } from '../src/cli/units.js';

const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const PROBE_AT = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512';
const skip = example('token-c') ? false : 'token-c not built';
const work = mkdtempSync(join(tmpdir(), 'qvm-cli-tooling-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Out {
  status: number | null;
  stdout: string;
  stderr: string;
}

function qvm(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; stdin?: number } = {}): Out {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8', timeout: 120_000, env: opts.env ?? { PATH: process.env.PATH },
    ...(opts.stdin !== undefined ? { stdio: [opts.stdin, 'pipe', 'pipe'] } : { input: opts.input ?? '' }),
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('chain clients', { skip }, () => {
  let node: NodeProc;
  let url: string;
  before(async () => {
    node = await startNode(['--in-memory', '--accounts', '3', '--deploy', `${example('token-c')!},1000`, '--deploy', PROBE]);
    url = node.url;
  });
  after(async () => node?.stop());

  it('call --dry-run prints a summary with events as text; --json is the shared shape', () => {
    const r = qvm(['call', TOKEN, 'transfer', ADDRS[1]!, '7', '--dry-run', '--rpc', url]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^status {4}success$/m);
    assert.match(r.stdout, /^dry run /m);
    assert.match(r.stdout, new RegExp(`^event {5}transfer ${ADDRS[0]} ${ADDRS[1]} 7$`, 'm'));
    assert.match(r.stdout, new RegExp(`^write {5}BAL_${ADDRS[0]} = 993$`, 'm'));
    assert.doesNotMatch(r.stdout, /[{}]|0x4f5554/, 'no JSON, no hex');
    const j = JSON.parse(qvm(['call', TOKEN, 'transfer', ADDRS[1]!, '7', '--dry-run', '--json', '--rpc', url]).stdout) as Record<string, unknown>;
    assert.equal(typeof j.gasUsed, 'number');
    assert.equal(j.transactionHash, null);
    assert.deepEqual(j.events, [{ topic0: TOPIC_STDOUT, data: `transfer ${ADDRS[0]} ${ADDRS[1]} 7` }]);
  });

  it('call, receipt, qvm_call and qvm_traceTransaction share one shape with decimal gas', async () => {
    const call = qvm(['call', TOKEN, 'transfer', ADDRS[2]!, '11', '--json', '--rpc', url]);
    assert.equal(call.status, 0, call.stderr);
    const c = JSON.parse(call.stdout) as Record<string, unknown>;
    const rec = JSON.parse(qvm(['receipt', c.transactionHash as string, '--json', '--rpc', url]).stdout) as Record<string, unknown>;
    assert.deepEqual(rec, c);
    const trace = await rpc<Record<string, unknown>>(url, 'qvm_traceTransaction', [c.transactionHash]);
    const dry = await rpc<Record<string, unknown>>(url, 'qvm_call', [{ to: TOKEN, args: ['balance', ADDRS[2]] }]);
    const keys = Object.keys(c).sort();
    assert.deepEqual(Object.keys(trace).sort(), keys);
    assert.deepEqual(Object.keys(dry).sort(), keys);
    for (const x of [c, trace, dry]) assert.equal(typeof x.gasUsed, 'number');
    assert.equal(trace.gasUsed, c.gasUsed);
    assert.deepEqual(c.writes, [{ key: `BAL_${ADDRS[0]}`, value: '989' }, { key: `BAL_${ADDRS[2]}`, value: '11' }]);
    const text = qvm(['receipt', c.transactionHash as string, '--rpc', url]).stdout;
    assert.match(text, new RegExp(`^write {5}BAL_${ADDRS[2]} = 11$`, 'm'));
  });

  it('--value takes units; QVM_RPC_URL and ETH_RPC_URL name the node', async () => {
    const r = qvm(['call', TOKEN, 'balance', ADDRS[0]!, '--value', '1.5ether', '--rpc', url]);
    assert.equal(r.status, 0, r.stderr);
    const info = await rpc<{ balance: Hex }>(url, 'qvm_getContract', [TOKEN]);
    assert.equal(BigInt(info.balance), 1_500_000_000_000_000_000n);
    assert.match(qvm(['call', TOKEN, 'x', '--value', '1parsec', '--rpc', url]).stderr, /unknown unit "parsec"/);
    for (const name of ['QVM_RPC_URL', 'ETH_RPC_URL']) {
      const b = qvm(['balance', TOKEN], { env: { PATH: process.env.PATH, [name]: url } });
      assert.equal(b.stdout, '1500000000000000000 wei (1.5 ETH)\n', name);
    }
    assert.match(qvm(['balance', TOKEN], { env: { PATH: process.env.PATH, QVM_RPC_URL: 'http://127.0.0.1:1' } }).stderr, /127\.0\.0\.1:1/);
  });

  it('--stdin - passes this command\'s stdin to the call', () => {
    const r = qvm(['call', PROBE_AT, 'env', '--stdin', '-', '--dry-run', '--rpc', url], { input: 'from a pipe' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^event {5}stdin=from a pipe$/m);
  });

  it('query takes several keys, and says when there is no contract', () => {
    const r = qvm(['query', TOKEN, `BAL_${ADDRS[0]}`, `BAL_${ADDRS[2]}`, 'NOPE', '--rpc', url]);
    assert.equal(r.stdout, `BAL_${ADDRS[0]}=989\nBAL_${ADDRS[2]}=11\nNOPE (missing)\n`);
    const old = qvm(['query', TOKEN, `BAL_${ADDRS[2]}`, '--block', '1', '--rpc', url]);
    assert.equal(old.stdout, `BAL_${ADDRS[2]} (missing)\n`);
    const none = qvm(['query', ADDRS[1]!, '--rpc', url]);
    assert.equal(none.status, 2);
    assert.equal(none.stderr, `qvm: no contract at ${ADDRS[1]}\n`);
  });

  it('a multi-line panic message reaches the user whole', () => {
    const panic = "thread 'main' panicked at src/main.rs:3:5:\nthe real reason\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";
    const r = qvm(['call', PROBE_AT, 'echo', panic, '101', '--rpc', url]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /panicked at src\/main\.rs:3:5: the real reason/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('the upload progress counts the transaction\'s bytes, not its hex', { skip: example('token-go') ? false : 'token-go not built' }, () => {
    const elf = example('token-go')!;
    const r = qvm(['deploy', elf, '10', '--rpc', url]);
    assert.equal(r.status, 0, r.stderr);
    const m = /uploading \[#+\] 100% {2}([0-9.]+)\/([0-9.]+) MiB/.exec(r.stderr);
    assert.ok(m, r.stderr);
    const mib = statSync(elf).size / (1024 * 1024);
    assert.ok(Math.abs(Number(m[2]) - mib) < 0.15, `${m[2]} MiB shown for a ${mib.toFixed(2)} MiB file`);
  });

  it('--help shows no private key', () => {
    for (const cmd of ['call', 'deploy']) assert.doesNotMatch(qvm([cmd, '--help']).stdout, /ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80/);
  });
});

describe('qvm run reads its stdin as the program would', () => {
  const stdinOf = (o: Out): string => /stdin=(.*)/.exec(o.stdout)?.[1] ?? `(none: ${o.stderr})`;
  it('from a pipe, a file, --stdin and --no-stdin, in plain and contract mode', () => {
    assert.equal(stdinOf(qvm(['run', PROBE, 'env'], { input: 'piped' })), 'piped');
    const file = join(work, 'in.txt');
    writeFileSync(file, 'redirected');
    const fd = openSync(file, 'r');
    try {
      assert.equal(stdinOf(qvm(['run', PROBE, 'env'], { stdin: fd })), 'redirected');
    } finally {
      closeSync(fd);
    }
    assert.equal(stdinOf(qvm(['run', '--no-stdin', PROBE, 'env'], { input: 'piped' })), '');
    assert.equal(stdinOf(qvm(['run', '--stdin', file, PROBE, 'env'], { input: 'piped' })), 'redirected');
    assert.equal(stdinOf(qvm(['run', '--contract', PROBE, 'env'], { input: 'to a contract' })), 'to a contract');
    assert.equal(stdinOf(qvm(['run', '--contract', PROBE, 'env', '--no-stdin'], { input: 'to a contract' })), '');
  });
});

describe('amounts with units', () => {
  it('parses wei, units and fractions exactly, and refuses the rest', () => {
    assert.equal(parseAmount('1000'), 1000n);
    assert.equal(parseAmount('0x10'), 16n);
    assert.equal(parseAmount('1ether'), 10n ** 18n);
    assert.equal(parseAmount('2.5gwei'), 2_500_000_000n);
    assert.equal(parseAmount('0.000000000000000001ETH'), 1n);
    assert.throws(() => parseAmount('1.5wei'), /whole number of wei/);
    assert.throws(() => parseAmount('-1'), /not an amount/);
    assert.equal(formatEther(1_500_000_000_000_000_000n), '1.5 ETH');
    assert.equal(formatEther(7n), '0.000000000000000007 ETH');
  });
});
