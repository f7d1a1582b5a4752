/**
 * What the chain subcommands do (registered in chain.ts, loaded only when one of them runs, so
 * `qvm run` does not pay for viem and SQLite): `node` runs the local chain; the others are
 * clients over JSON-RPC (viem).
 */
import { DEFAULT_CALL_TIMEOUT_MS, Executor } from '../chain/executor.js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { Chain, DEV_BALANCE, DEV_KEY_0, devAccounts, encodeCall, encodeDeploy, receiptResult, RpcServer, type Hex, type QvmResult, type RpcReceipt } from '../chain/index.js';
import { resultJson, resultText } from './result-print.js';
import { errorLine } from '../errors.js';
import { die } from './io.js';
import { readFile, stdinBytes } from './args.js';
import { formatEther } from './units.js';

import { DEFAULT_RPC } from './chain.js';


const text = (hex: string): string => Buffer.from(hex.slice(2), 'hex').toString('utf8');

/** A JSON-RPC call; errors become one-line messages. */
async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  } catch (e) {
    die(`cannot reach the node at ${url} (${(e as Error).message}); start one with \`qvm node\``);
  }
  const body = (await res.json().catch(() => null)) as { result?: T; error?: { message: string } } | null;
  if (!body) die(`bad response from ${url} (HTTP ${res.status})`);
  if (body.error) die(body.error.message);
  return body.result as T;
}

/** Transactions at least this large show an upload progress bar (unless --json). */
const PROGRESS_MIN_BYTES = 256 * 1024;
const UPLOAD_CHUNK = 64 * 1024;

/** "[#######.............]  35%  1.2/3.4 MiB" */
export function progressBar(done: number, total: number, width = 24): string {
  const frac = total === 0 ? 1 : Math.min(1, done / total);
  const fill = Math.round(frac * width);
  const mib = (n: number): string => (n / (1024 * 1024)).toFixed(1);
  return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(Math.floor(frac * 100)).padStart(3)}%  ${mib(done)}/${mib(total)} MiB`;
}

/**
 * eth_sendRawTransaction with the request body streamed in chunks, reporting progress on stderr:
 * a deploy carries the whole ELF, which can take a while to reach a remote node.
 */
async function sendRawWithProgress(url: string, signed: Hex): Promise<Hex> {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [signed] }));
  // the body carries the transaction as hex: show the transaction's own size
  const rawSize = (signed.length - 2) / 2;
  const scaled = (n: number): number => Math.round((n * rawSize) / body.length);
  const tty = process.stderr.isTTY === true;
  let shown = -1;
  const show = (done: number): void => {
    const pct = Math.floor((done / body.length) * 100);
    if (!tty && pct < 100 && pct - shown < 25) return; // in logs, a line per quarter
    if (pct === shown) return;
    shown = pct;
    process.stderr.write(`${tty ? '\r' : ''}uploading ${progressBar(scaled(done), rawSize)}${tty && done < body.length ? '' : '\n'}`);
  };
  const u = new URL(url);
  const text = await new Promise<string>((resolve, reject) => {
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < body.length) {
        const end = Math.min(body.length, sent + UPLOAD_CHUNK);
        const ok = req.write(body.subarray(sent, end));
        sent = end;
        show(sent);
        if (!ok) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    show(0);
    pump();
  }).catch((e: Error) => die(`cannot reach the node at ${url} (${e.message}); start one with \`qvm node\``));
  let parsed: { result?: Hex; error?: { message: string } };
  try {
    parsed = JSON.parse(text) as { result?: Hex; error?: { message: string } };
  } catch {
    die(`bad response from ${url}`);
  }
  if (parsed.error) die(parsed.error.message);
  return parsed.result as Hex;
}

function client(url: string): PublicClient {
  return createPublicClient({ transport: http(url, { retryCount: 0 }) });
}

export interface TxFlags {
  rpc: string;
  /** Default: development account 0. */
  key?: Hex;
  json?: boolean;
  value?: bigint;
  gas?: bigint;
}

/** Signs, sends and waits for a transaction; returns its receipt. */
async function sendTx(flags: TxFlags, to: Hex | null, data: Uint8Array): Promise<RpcReceipt> {
  const account = privateKeyToAccount(flags.key ?? DEV_KEY_0);
  const c = client(flags.rpc);
  const dataHex = `0x${Buffer.from(data).toString('hex')}` as Hex;
  let chainId: number, nonce: number, gasPrice: bigint;
  try {
    [chainId, nonce, gasPrice] = await Promise.all([c.getChainId(), c.getTransactionCount({ address: account.address, blockTag: 'pending' }), c.getGasPrice()]);
  } catch (e) {
    die(`cannot reach the node at ${flags.rpc}: ${errorLine(e)}`);
  }
  const gas = flags.gas ?? BigInt(await rpc<string>(flags.rpc, 'eth_estimateGas', [{ from: account.address, to, data: dataHex, value: `0x${(flags.value ?? 0n).toString(16)}` }]));
  const signed = await account.signTransaction({
    type: 'eip1559', chainId, nonce, gas, maxFeePerGas: gasPrice * 2n, maxPriorityFeePerGas: 0n,
    ...(to ? { to } : {}), value: flags.value ?? 0n, data: dataHex,
  });
  const hash = !flags.json && data.length >= PROGRESS_MIN_BYTES
    ? await sendRawWithProgress(flags.rpc, signed)
    : await rpc<Hex>(flags.rpc, 'eth_sendRawTransaction', [signed]);
  for (let i = 0; ; i++) {
    const r = await rpc<RpcReceipt | null>(flags.rpc, 'eth_getTransactionReceipt', [hash]);
    if (r) return r;
    if (i > 6000) die(`transaction ${hash} was not mined within 10 minutes`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** A receipt or dry run: the summary (or --json), and exit status 1 when the run failed. */
function printResult(r: QvmResult, json: boolean | undefined): void {
  process.stdout.write(json ? JSON.stringify(resultJson(r), null, 2) + '\n' : resultText(r));
  if (r.status !== 'success') process.exitCode = 1;
}

function printReceipt(r: RpcReceipt, json: boolean | undefined): void {
  printResult(receiptResult(r), json);
}

export interface NodeFlags {
  port: number;
  host: string;
  dataDir?: string;
  inMemory?: boolean;
  blockTime?: number;
  chainId?: bigint;
  accounts: number;
  timestampStep?: bigint;
  genesisTimestamp?: bigint;
  deploy: string[];
  json?: boolean;
  /** Wall-clock budget of eth_call / eth_estimateGas in ms (their contract runs in a worker thread). */
  callTimeout?: number;
  /** Gas limit of eth_call / eth_estimateGas at most. */
  callGasCap?: bigint;
  /** Block gas limit (--gas-limit). */
  gasLimit?: bigint;
}

export async function runNode(flags: NodeFlags): Promise<void> {
  const accounts = devAccounts(flags.accounts);
  const dataDir = flags.inMemory ? null : (flags.dataDir ?? join(homedir(), '.qvm', 'chain'));
  let chain: Chain;
  try {
    chain = new Chain({
      dataDir,
      chainId: flags.chainId,
      genesisAlloc: accounts.map((a) => ({ address: a.address, balance: DEV_BALANCE })),
      genesisTimestamp: flags.genesisTimestamp,
      timestampStep: flags.timestampStep,
      ...(flags.gasLimit !== undefined ? { blockGasLimit: flags.gasLimit } : {}),
    });
  } catch (e) {
    die(`cannot open the chain database: ${(e as Error).message}`);
  }
  if (flags.callTimeout !== undefined && flags.callTimeout <= 0) die('--call-timeout must be at least 1 ms');
  const server = new RpcServer(chain, {
    host: flags.host, port: flags.port, automine: flags.blockTime === undefined, devAccounts: accounts,
    executor: new Executor(flags.callTimeout ?? DEFAULT_CALL_TIMEOUT_MS),
    blockExecutor: new Executor(null),
    ...(flags.callGasCap !== undefined ? { callGasCap: flags.callGasCap } : {}),
  });
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    die(`cannot listen on ${flags.host}:${flags.port}: ${(e as Error).message}`);
  }
  await server.minePending();
  const out: string[] = [];
  out.push('', '  QVM local chain', '', 'Available Accounts', '==================');
  accounts.forEach((a, i) => out.push(`(${i}) ${a.address} (${DEV_BALANCE / 10n ** 18n} ETH)`));
  out.push('', 'Private Keys', '==================');
  accounts.forEach((a, i) => out.push(`(${i}) ${a.privateKey}`));
  out.push('', `Chain ID:     ${chain.chainId}`, `Database:     ${dataDir ?? 'in memory'}`, `Block:        ${chain.latest().number}`,
    `Mining:       ${flags.blockTime === undefined ? 'automine (a block per transaction)' : `every ${flags.blockTime} s`}`);
  process.stdout.write(out.join('\n') + '\n');

  const rpcUrl = `http://${flags.host}:${port}`;
  for (const spec of flags.deploy) {
    const [path, ...args] = spec.split(',');
    const code = readFile(path!);
    const acct = privateKeyToAccount(accounts[0]!.privateKey);
    const nonce = Number(chain.pendingNonce(acct.address.toLowerCase() as Hex));
    const data = encodeDeploy(code, args);
    const dataHex = `0x${Buffer.from(data).toString('hex')}` as Hex;
    const est = chain.dryRun({ from: acct.address.toLowerCase() as Hex, to: null, data });
    if (est.exec.failure) die(`deploy of ${path} fails: ${est.exec.failure.reason}`);
    const signed = await acct.signTransaction({ type: 'eip1559', chainId: Number(chain.chainId), nonce, gas: est.gasUsed * 2n, maxFeePerGas: chain.baseFeePerGas * 2n, maxPriorityFeePerGas: 0n, data: dataHex });
    const tx = chain.submit(Buffer.from(signed.slice(2), 'hex'));
    await server.mineQueued();
    const r = chain.receipt(tx.hash);
    process.stdout.write(`Deployed ${path}${args.length ? ` (${args.join(' ')})` : ''} at ${r?.contractAddress ?? '(failed)'}\n`);
    if (r?.contractAddress) {
      const rpcFlag = rpcUrl === DEFAULT_RPC ? '' : ` --rpc ${rpcUrl}`;
      process.stdout.write(`  call:  npx qvm call ${r.contractAddress} <args…>${rpcFlag}\n  query: npx qvm query ${r.contractAddress}${rpcFlag}\n`);
    } else if (r) process.stdout.write(`  failed: ${r.qvm.failure?.reason ?? 'unknown'}\n`);
  }
  process.stdout.write(`\nExplorer: http://${flags.host}:${port}/ (playground: http://${flags.host}:${port}/playground)\n`);
  process.stdout.write(`\nListening on ${flags.host}:${port} (JSON-RPC over HTTP, and WebSocket: ws://${flags.host}:${port})\n`);
  if (flags.blockTime !== undefined) server.startInterval(flags.blockTime);
  const stop = (): void => {
    void server.close().then(() => {
      chain.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}


export function keygen(flags: { json?: boolean }): void {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  if (flags.json) process.stdout.write(JSON.stringify({ address, privateKey: key }) + '\n');
  else process.stdout.write(`address     ${address}\nprivate key ${key}\n`);
}

export async function deploy(elf: string, args: string[], flags: TxFlags): Promise<void> {
  const r = await sendTx(flags, null, encodeDeploy(readFile(elf), args));
  printReceipt(r, flags.json);
}

export type CallFlags = TxFlags & { read: string[]; stdin?: string; dryRun?: boolean };

export async function call(address: Hex, args: string[], flags: CallFlags): Promise<void> {
  const stdin = stdinBytes(flags.stdin, false) ?? new Uint8Array(0);
  const info = await rpc<unknown>(flags.rpc, 'qvm_getContract', [address]);
  if (info === null) die(`no contract at ${address}`);
  if (flags.dryRun) {
    const from = privateKeyToAccount(flags.key ?? DEV_KEY_0).address;
    const r = await rpc<QvmResult>(flags.rpc, 'qvm_call', [{ from, to: address, args, read: flags.read, stdin: `0x${Buffer.from(stdin).toString('hex')}`, ...(flags.value ? { value: `0x${flags.value.toString(16)}` } : {}) }]);
    printResult(r, flags.json);
    return;
  }
  const r = await sendTx(flags, address, encodeCall(args, flags.read, stdin));
  printReceipt(r, flags.json);
}

export async function query(address: Hex, keys: string[], flags: { rpc: string; json?: boolean; block?: string }): Promise<void> {
  const list = keys.flatMap((k) => k.split(',')).filter((k) => k !== '');
  const block = flags.block === undefined ? 'latest' : /^[0-9]+$/.test(flags.block) ? `0x${BigInt(flags.block).toString(16)}` : flags.block;
  if ((await rpc<unknown>(flags.rpc, 'qvm_getContract', [address, block])) === null) die(`no contract at ${address}${flags.block === undefined ? '' : ` at block ${flags.block}`}`);
  const r = await rpc<Record<string, Hex | null>>(flags.rpc, 'qvm_getStorage', [address, list.length ? list : null, block]);
  if (flags.json) {
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(r)) out[k] = v === null ? null : text(v);
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    for (const [k, v] of Object.entries(r)) process.stdout.write(v === null ? `${k} (missing)\n` : `${k}=${text(v)}\n`);
  }
}

export async function receipt(hash: Hex, flags: { rpc: string; json?: boolean }): Promise<void> {
  const r = await rpc<RpcReceipt | null>(flags.rpc, 'eth_getTransactionReceipt', [hash]);
  if (!r) die(`no receipt for ${hash} (unknown or not mined yet)`);
  printReceipt(r, flags.json);
}

export async function balance(address: Hex, flags: { rpc: string; json?: boolean }): Promise<void> {
  let wei: bigint;
  try {
    wei = await client(flags.rpc).getBalance({ address });
  } catch (e) {
    die(`cannot reach the node at ${flags.rpc}: ${errorLine(e)}`);
  }
  if (flags.json) process.stdout.write(JSON.stringify({ address, wei: wei.toString() }) + '\n');
  else process.stdout.write(`${wei} wei (${formatEther(wei)})\n`);
}
