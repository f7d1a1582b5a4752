/** Shared by the chain tests: start a `qvm node` process, talk JSON-RPC to it, sign transactions. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { devAccounts, type Hex } from '../src/chain/index.js';
import { BUILD, CLI, ROOT } from './helpers.js';

export { CLI, ROOT };
export const EXAMPLES = join(BUILD, 'examples');
export const CAST = join(ROOT, 'node_modules', '@foundry-rs', 'cast-linux-amd64', 'bin', 'cast');
export const ANVIL = join(ROOT, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');

/** The well-known development keys (mnemonic "test … junk", m/44'/60'/0'/0/i). */
export const KEYS: Hex[] = devAccounts(3).map((a) => a.privateKey);
export const ADDRS: Hex[] = KEYS.map((k) => privateKeyToAccount(k).address.toLowerCase() as Hex);

export function example(name: string): string | null {
  const p = join(EXAMPLES, name);
  return existsSync(p) ? p : null;
}

export interface NodeProc {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns `qvm node --port 0 …` and waits for "Listening on host:port". */
export function startNode(args: string[]): Promise<NodeProc> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, 'node', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Listening on ([0-9.]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        proc.stdout!.on('data', (x: Buffer) => (out += x.toString()));
        resolve({
          url: `http://${m[1]}:${m[2]}`,
          proc,
          output: () => out,
          stop: () =>
            new Promise((res) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return res();
              proc.once('exit', () => res());
              proc.kill('SIGTERM');
            }),
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited (${code}):\n${out}`));
    });
  });
}

export interface RpcResponse<T> {
  result?: T;
  error?: { code: number; message: string; data?: unknown };
}

export async function rpcRaw<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<RpcResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await res.json()) as RpcResponse<T>;
}

export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = await rpcRaw<T>(url, method, params);
  if (r.error) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

export const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;

export interface TxSpec {
  to?: Hex | null;
  data?: Uint8Array;
  value?: bigint;
  gas?: bigint;
  nonce?: number;
  chainId?: number;
  maxFeePerGas?: bigint;
}

/** Signs an EIP-1559 transaction (nonce from the node unless given). */
export async function signTx(url: string, key: Hex, spec: TxSpec): Promise<Hex> {
  const account = privateKeyToAccount(key);
  const nonce = spec.nonce ?? Number(BigInt(await rpc<string>(url, 'eth_getTransactionCount', [account.address, 'pending'])));
  return account.signTransaction({
    type: 'eip1559',
    chainId: spec.chainId ?? 1337,
    nonce,
    gas: spec.gas ?? 2_000_000_000n / 4n,
    maxFeePerGas: spec.maxFeePerGas ?? 2_000_000_000n,
    maxPriorityFeePerGas: 0n,
    ...(spec.to ? { to: spec.to } : {}),
    value: spec.value ?? 0n,
    data: hex(spec.data ?? new Uint8Array(0)),
  });
}

/** Sends a transaction; returns its hash (automine: the receipt exists when this returns). */
export async function send(url: string, key: Hex, spec: TxSpec): Promise<Hex> {
  return rpc<Hex>(url, 'eth_sendRawTransaction', [await signTx(url, key, spec)]);
}

export const text = (h: string): string => Buffer.from(h.slice(2), 'hex').toString('utf8');
