/**
 * Chain benchmark, one run, printed side by side:
 *  - in-process `runCall` of a token `transfer` for the C (musl) and Go tokens: median time,
 *    calls/s, garbage collections per call, with the per-program cache and without it;
 *  - token transfers per second over JSON-RPC (pre-signed EIP-1559 transactions) for the C and
 *    Go tokens on `qvm node` and an equivalent Solidity token (compiled by solc from npm) on anvil
 *    (npm @foundry-rs/anvil-linux-amd64), one transaction in flight (each mined in its own block)
 *    and in batches of 16 raw transactions per request, with the ratios QVM/anvil;
 *  - the latency of eth_blockNumber (median, p99) while a looping contract runs with a 10^9 gas
 *    limit: as an eth_call, and as a mined transaction (its block executes in the node's block
 *    worker).
 *
 *   npm run bench:chain            (or: node dist/bench/chain.js [transfers] [long-call gas])
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { encodeFunctionData, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devAccounts, encodeCall, encodeDeploy, type Hex } from '../src/chain/index.js';
import { applyOps, runCall, runDeploy, type StorageValue } from '../src/contract/index.js';

const root = new URL('../..', import.meta.url).pathname;
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
const ANVIL = join(root, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
const N = Number(process.argv[2] ?? 192);
const LONG_GAS = Number(process.argv[3] ?? 1e9);
const BATCH = 16;
const [A0, A1] = devAccounts(2);

const SOLIDITY = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract Token {
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;
    event Transfer(address indexed from, address indexed to, uint256 amount);
    constructor(uint256 supply) { balanceOf[msg.sender] = supply; totalSupply = supply; }
    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 b = balanceOf[msg.sender];
        require(b >= amount, "insufficient funds");
        balanceOf[msg.sender] = b - amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }
}`;

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

function start(cmd: string, args: string[], ready: RegExp): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const on = (d: Buffer): void => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.once('exit', (c) => reject(new Error(`${cmd} exited (${c}): ${out}`)));
  });
}

async function sign(url: string, nonce: number, to: Hex | null, data: Hex, gas: bigint): Promise<Hex> {
  const chainId = Number(BigInt(await rpc<Hex>(url, 'eth_chainId')));
  return privateKeyToAccount(A0!.privateKey).signTransaction({
    type: 'eip1559', chainId, nonce, gas, maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1n, data, ...(to ? { to } : {}),
  });
}

interface Rates {
  single: number;
  batched: number;
}

async function receiptOf(url: string, h: Hex): Promise<{ contractAddress: Hex; status: Hex }> {
  for (let i = 0; i < 6000; i++) {
    const rc = await rpc<{ contractAddress: Hex; status: Hex } | null>(url, 'eth_getTransactionReceipt', [h]);
    if (rc) return rc;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no receipt for ${h}`);
}

async function batch(url: string, raws: Hex[]): Promise<Hex[]> {
  const body = raws.map((r, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [r] }));
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = (await res.json()) as Array<{ result?: Hex; error?: { message: string } }>;
  return out.map((o) => {
    if (o.error) throw new Error(`eth_sendRawTransaction: ${o.error.message}`);
    return o.result!;
  });
}

/**
 * Deploys, then sends N pre-signed transfers one request at a time, then N more in batches of 16;
 * returns transfers per second of each (until the last one's receipt is there).
 */
async function measure(url: string, deploy: Hex, deployGas: bigint, transfer: (i: number) => Hex, gas: bigint): Promise<Rates> {
  const rc = await receiptOf(url, await rpc<Hex>(url, 'eth_sendRawTransaction', [await sign(url, 0, null, deploy, deployGas)]));
  if (rc.status !== '0x1') throw new Error('deploy failed');
  const addr = rc.contractAddress;
  const signed: Hex[] = [];
  for (let i = 0; i < 2 * N; i++) signed.push(await sign(url, i + 1, addr, transfer(i), gas));
  const finish = async (last: Hex, t0: number): Promise<number> => {
    if ((await receiptOf(url, last)).status !== '0x1') throw new Error('last transfer failed');
    return N / ((performance.now() - t0) / 1000);
  };
  let t0 = performance.now();
  let last: Hex = '0x';
  for (const s of signed.slice(0, N)) last = await rpc<Hex>(url, 'eth_sendRawTransaction', [s]);
  const single = await finish(last, t0);
  t0 = performance.now();
  for (let i = N; i < 2 * N; i += BATCH) last = (await batch(url, signed.slice(i, i + BATCH))).at(-1)!;
  const batched = await finish(last, t0);
  return { single, batched };
}

async function startQvm(extra: string[] = []): Promise<{ proc: ChildProcess; url: string }> {
  return start(process.execPath, [CLI, 'node', '--in-memory', '--port', '0', ...extra], /Listening on [0-9.]+:(\d+)/);
}

const hexOf = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}` as Hex;

async function qvm(binary: string): Promise<Rates | null> {
  if (!existsSync(binary)) {
    console.log(`${binary}: missing (run: bash test/setup.sh)`);
    return null;
  }
  const { proc, url } = await startQvm();
  try {
    const deploy = hexOf(encodeDeploy(readFileSync(binary), ['1000000000']));
    const tx = (i: number): Hex => hexOf(encodeCall(['transfer', A1!.address, String(1 + (i % 5))]));
    return await measure(url, deploy, 200_000_000n, tx, 50_000_000n);
  } finally {
    proc.kill('SIGTERM');
  }
}

async function anvil(): Promise<Rates | null> {
  if (!existsSync(ANVIL)) {
    console.log('anvil: not installed (npm ci)');
    return null;
  }
  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(input: string): string };
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity',
    sources: { 'Token.sol': { content: SOLIDITY } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
  }))) as { contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>> };
  const bytecode = out.contracts['Token.sol']!.Token!.evm.bytecode.object;
  const ctor = (1_000_000_000n).toString(16).padStart(64, '0');
  const { proc, url } = await start(ANVIL, ['--port', '0'], /Listening on 127\.0\.0\.1:(\d+)/);
  try {
    const abi = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
    const tx = (i: number): Hex => encodeFunctionData({ abi, functionName: 'transfer', args: [A1!.address, BigInt(1 + (i % 5))] });
    return await measure(url, `0x${bytecode}${ctor}` as Hex, 2_000_000n, tx, 100_000n);
  } finally {
    proc.kill('SIGTERM');
  }
}

interface InProcess {
  medianMs: number;
  gcPerCall: number;
  gcMsPerCall: number;
}

/** In-process token transfers: median time of `n` calls after a warm-up, and GC per call. */
async function inProcess(binary: string, n: number, cache: boolean): Promise<InProcess | null> {
  if (!existsSync(binary)) return null;
  const code = readFileSync(binary);
  const storage = new Map<string, StorageValue>();
  const sender = A0!.address.toLowerCase();
  const opts = cache ? {} : { cache: null };
  applyOps(storage, runDeploy({ code, args: ['1000000000'], storage, context: { sender }, ...opts }));
  const call = (): void => {
    const r = runCall({ code, args: ['transfer', A1!.address, '1'], storage, context: { sender }, readKeys: [`BAL_${sender}`, `BAL_${A1!.address.toLowerCase()}`], ...opts });
    if (r.status !== 'success') throw new Error(`transfer failed: ${r.failure?.reason}`);
    applyOps(storage, r);
  };
  for (let i = 0; i < 5; i++) call();
  let gcs = 0;
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcs++;
      gcMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    call();
    times.push(performance.now() - t0);
  }
  await new Promise((r) => setTimeout(r, 20)); // GC entries are delivered asynchronously
  obs.disconnect();
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1]!, gcPerCall: gcs / n, gcMsPerCall: gcMs / n };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** eth_blockNumber latencies (ms) while the probe contract's endless loop runs: an eth_call, or a mined transaction. */
async function latencyUnderLongCall(mined: boolean): Promise<{ median: number; p99: number; callMs: number; samples: number; callError: string } | null> {
  const probe = join(root, 'test', 'build', 'contracts', 'probe');
  if (!existsSync(probe)) return null;
  // a budget long enough for the whole call (the default of 5 s would stop it early)
  const { proc, url } = await startQvm(['--call-timeout', '3600000']);
  try {
    const rc = await receiptOf(url, await rpc<Hex>(url, 'eth_sendRawTransaction', [await sign(url, 0, null, hexOf(encodeDeploy(readFileSync(probe), [])), 200_000_000n)]));
    const t0 = performance.now();
    let done = false;
    let callError = '';
    const loop = hexOf(encodeCall(['loop']));
    const run = mined
      ? rpc(url, 'eth_sendRawTransaction', [await sign(url, 1, rc.contractAddress, loop, BigInt(LONG_GAS))])
      : rpc(url, 'eth_call', [{ to: rc.contractAddress, data: loop, gas: `0x${LONG_GAS.toString(16)}` }, 'latest']);
    const call = run
      .catch((e: Error) => { callError = e.message; })
      .finally(() => { done = true; });
    await new Promise((r) => setTimeout(r, 50)); // the call has started
    const lat: number[] = [];
    while (!done) {
      const s = performance.now();
      await rpc(url, 'eth_blockNumber');
      lat.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 10));
    }
    await call;
    const callMs = performance.now() - t0;
    lat.sort((a, b) => a - b);
    return { median: quantile(lat, 0.5), p99: quantile(lat, 0.99), callMs, samples: lat.length, callError };
  } finally {
    proc.kill('SIGTERM');
  }
}

const examplesDir = join(root, 'test', 'build', 'examples');
const fmt = (r: InProcess | null): string =>
  r === null ? 'missing' : `${r.medianMs.toFixed(3)} ms median, ${(1000 / r.medianMs).toFixed(0)} calls/s, ${r.gcPerCall.toFixed(3)} GC/call (${r.gcMsPerCall.toFixed(3)} ms/call)`;
console.log('in-process runCall, token transfer:');
console.log(`  C token (musl), cache:     ${fmt(await inProcess(join(examplesDir, 'token-c'), 300, true))}`);
console.log(`  C token (musl), no cache:  ${fmt(await inProcess(join(examplesDir, 'token-c'), 100, false))}`);
console.log(`  Go token, cache:           ${fmt(await inProcess(join(examplesDir, 'token-go'), 40, true))}`);
console.log(`  Go token, no cache:        ${fmt(await inProcess(join(examplesDir, 'token-go'), 10, false))}`);

const c = await qvm(join(examplesDir, 'token-c'));
const go = await qvm(join(examplesDir, 'token-go'));
const a = await anvil();
const ratio = (q: number | undefined, p: number | undefined): string => (q !== undefined && p !== undefined ? `${(q / p).toFixed(2)}x` : '-');
console.log(`token transfers over JSON-RPC, ${N} one request at a time (one block each), then ${N} in batches of ${BATCH}:`);
console.log('                            one in flight     batched-16     QVM/anvil (one, batched)');
for (const [name, r] of [['qvm node, C token (musl)', c], ['qvm node, Go token', go], ['anvil, Solidity token', a]] as const) {
  if (r === null) continue;
  const rel = r === a ? '' : `${ratio(r.single, a?.single)}, ${ratio(r.batched, a?.batched)}`;
  console.log(`  ${name.padEnd(26)}${`${r.single.toFixed(1)} tx/s`.padEnd(18)}${`${r.batched.toFixed(1)} tx/s`.padEnd(15)}${rel}`);
}

for (const mined of [false, true]) {
  const lat = await latencyUnderLongCall(mined);
  if (lat === null) continue;
  const what = mined ? 'a mined transaction (eth_sendRawTransaction, automine)' : 'an eth_call';
  console.log(`eth_blockNumber while ${what} of ${LONG_GAS.toExponential(0)} gas runs (${(lat.callMs / 1000).toFixed(1)} s, ${lat.samples} samples${lat.callError ? `; the call: ${lat.callError.slice(0, 80)}` : ''}):`);
  console.log(`  median ${lat.median.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms`);
}
