/**
 * Chain benchmark: token transfers per second end to end over JSON-RPC (pre-signed EIP-1559
 * transactions sent one after another, each mined in its own block), for the C and Go token
 * contracts on `qvm node`, and for an equivalent Solidity token (compiled by solc from npm) on
 * anvil (npm @foundry-rs/anvil-linux-amd64), in one run. Prints the rates and the ratio.
 *
 *   npm run bench:chain            (or: node dist/bench/chain.js [transfers])
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeFunctionData, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devAccounts, encodeCall, encodeDeploy, type Hex } from '../src/chain/index.js';

const root = new URL('../..', import.meta.url).pathname;
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');
const ANVIL = join(root, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
const N = Number(process.argv[2] ?? 200);
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

/** Deploys, then sends N pre-signed transfers one by one; returns transfers per second. */
async function measure(url: string, deploy: Hex, deployGas: bigint, transfer: (i: number) => Hex, gas: bigint): Promise<number> {
  const h = await rpc<Hex>(url, 'eth_sendRawTransaction', [await sign(url, 0, null, deploy, deployGas)]);
  let rc: { contractAddress: Hex; status: Hex } | null = null;
  for (let i = 0; !rc && i < 600; i++) {
    rc = await rpc(url, 'eth_getTransactionReceipt', [h]);
    if (!rc) await new Promise((r) => setTimeout(r, 50));
  }
  if (!rc || rc.status !== '0x1') throw new Error('deploy failed');
  const addr = rc.contractAddress;
  const signed: Hex[] = [];
  for (let i = 0; i < N; i++) signed.push(await sign(url, i + 1, addr, transfer(i), gas));
  const t0 = performance.now();
  let last: Hex = '0x';
  for (const s of signed) last = await rpc<Hex>(url, 'eth_sendRawTransaction', [s]);
  for (let i = 0; i < 6000; i++) {
    const r = await rpc<{ status: Hex } | null>(url, 'eth_getTransactionReceipt', [last]);
    if (r) {
      if (r.status !== '0x1') throw new Error('last transfer failed');
      break;
    }
    await new Promise((res) => setTimeout(res, 10));
  }
  return N / ((performance.now() - t0) / 1000);
}

async function qvm(binary: string): Promise<number | null> {
  if (!existsSync(binary)) {
    console.log(`${binary}: missing (run: bash test/setup.sh)`);
    return null;
  }
  const { proc, url } = await start(process.execPath, [CLI, 'node', '--in-memory', '--port', '0'], /Listening on [0-9.]+:(\d+)/);
  try {
    const deploy = `0x${Buffer.from(encodeDeploy(readFileSync(binary), ['1000000000'])).toString('hex')}` as Hex;
    const tx = (i: number): Hex => `0x${Buffer.from(encodeCall(['transfer', A1!.address, String(1 + (i % 5))])).toString('hex')}` as Hex;
    return await measure(url, deploy, 200_000_000n, tx, 50_000_000n);
  } finally {
    proc.kill('SIGTERM');
  }
}

async function anvil(): Promise<number | null> {
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

const c = await qvm(join(root, 'test', 'build', 'examples', 'token-c'));
const go = await qvm(join(root, 'test', 'build', 'examples', 'token-go'));
const a = await anvil();
console.log(`token transfers over JSON-RPC, ${N} sequential transactions, one block each:`);
if (c !== null) console.log(`  qvm node, C token (musl):   ${c.toFixed(1)} tx/s`);
if (go !== null) console.log(`  qvm node, Go token:         ${go.toFixed(1)} tx/s`);
if (a !== null) console.log(`  anvil, Solidity token:      ${a.toFixed(1)} tx/s`);
if (a !== null && c !== null) console.log(`  ratio anvil / qvm (C):      ${(a / c).toFixed(2)}x`);
if (a !== null && go !== null) console.log(`  ratio anvil / qvm (Go):     ${(a / go).toFixed(2)}x`);
