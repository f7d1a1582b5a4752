/**
 * Chain subcommands of `qvm` (docs/chain.md): `node` runs the local chain; `keygen`, `deploy`,
 * `call`, `query`, `receipt` and `balance` are clients over JSON-RPC (viem).
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { Chain, DEV_BALANCE, DEV_KEY_0, devAccounts, encodeCall, encodeDeploy, RpcServer, type Hex, type RpcReceipt } from '../chain/index.js';

const DEFAULT_RPC = 'http://127.0.0.1:8545';

function die(message: string): never {
  process.stderr.write(`qvm: ${message}\n`);
  process.exit(2);
}

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    die(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

function intArg(name: string) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v)) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return Number(v);
  };
}

function bigArg(name: string) {
  return (v: string): bigint => {
    if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return BigInt(v);
  };
}

function keyArg(v: string): Hex {
  const k = v.startsWith('0x') ? v : '0x' + v;
  if (!/^0x[0-9a-fA-F]{64}$/.test(k)) throw new InvalidArgumentError('the key must be 32 bytes of hex');
  return k.toLowerCase() as Hex;
}

function addrArg(v: string): Hex {
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InvalidArgumentError(`"${v}" is not an address (0x + 40 hex digits)`);
  return v.toLowerCase() as Hex;
}

function hashArg(v: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new InvalidArgumentError(`"${v}" is not a transaction hash (0x + 64 hex digits)`);
  return v.toLowerCase() as Hex;
}

function keysArg(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(',').filter((k) => k !== '')];
}

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

function client(url: string): PublicClient {
  return createPublicClient({ transport: http(url, { retryCount: 0 }) });
}

interface TxFlags {
  rpc: string;
  key: Hex;
  json?: boolean;
  value?: bigint;
  gas?: bigint;
}

/** Signs, sends and waits for a transaction; returns its receipt. */
async function sendTx(flags: TxFlags, to: Hex | null, data: Uint8Array): Promise<RpcReceipt> {
  const account = privateKeyToAccount(flags.key);
  const c = client(flags.rpc);
  const dataHex = `0x${Buffer.from(data).toString('hex')}` as Hex;
  let chainId: number, nonce: number, gasPrice: bigint;
  try {
    [chainId, nonce, gasPrice] = await Promise.all([c.getChainId(), c.getTransactionCount({ address: account.address, blockTag: 'pending' }), c.getGasPrice()]);
  } catch (e) {
    die(`cannot reach the node at ${flags.rpc}: ${(e as Error).message.split('\n')[0]}`);
  }
  const gas = flags.gas ?? BigInt(await rpc<string>(flags.rpc, 'eth_estimateGas', [{ from: account.address, to, data: dataHex, value: `0x${(flags.value ?? 0n).toString(16)}` }]));
  const signed = await account.signTransaction({
    type: 'eip1559', chainId, nonce, gas, maxFeePerGas: gasPrice * 2n, maxPriorityFeePerGas: 0n,
    ...(to ? { to } : {}), value: flags.value ?? 0n, data: dataHex,
  });
  const hash = await rpc<Hex>(flags.rpc, 'eth_sendRawTransaction', [signed]);
  for (let i = 0; ; i++) {
    const r = await rpc<RpcReceipt | null>(flags.rpc, 'eth_getTransactionReceipt', [hash]);
    if (r) return r;
    if (i > 6000) die(`transaction ${hash} was not mined within 10 minutes`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

function printReceipt(r: RpcReceipt, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  } else {
    const ok = r.status === '0x1';
    const lines = [
      `status    ${ok ? 'success' : 'failure'}${r.qvm.failure ? ` (${r.qvm.failure.reason})` : ''}`,
      `tx        ${r.transactionHash}`,
      `block     ${BigInt(r.blockNumber)}`,
      `gas used  ${BigInt(r.gasUsed)} (vm ${r.qvm.vmGasUsed}, intrinsic ${r.qvm.intrinsicGas})`,
    ];
    if (r.contractAddress) lines.push(`contract  ${r.contractAddress}`);
    if (r.qvm.reads.length) lines.push(`reads     ${r.qvm.reads.join(', ')}`);
    if (r.qvm.writes.length) lines.push(`writes    ${r.qvm.writes.join(', ')}`);
    if (r.qvm.deletes.length) lines.push(`deletes   ${r.qvm.deletes.join(', ')}`);
    for (const l of r.logs) lines.push(`${ok ? 'event' : 'error'}     ${text(l.data)}`);
    if (!ok && r.qvm.stderr !== '0x') lines.push(`stderr    ${text(r.qvm.stderr).trimEnd()}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (r.status !== '0x1') process.exitCode = 1;
}

interface NodeFlags {
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
}

async function runNode(flags: NodeFlags): Promise<void> {
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
    });
  } catch (e) {
    die(`cannot open the chain database: ${(e as Error).message}`);
  }
  const server = new RpcServer(chain, { host: flags.host, port: flags.port, automine: flags.blockTime === undefined });
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    die(`cannot listen on ${flags.host}:${flags.port}: ${(e as Error).message}`);
  }
  server.minePending();
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
    server.mine();
    const r = chain.receipt(tx.hash);
    process.stdout.write(`Deployed ${path}${args.length ? ` (${args.join(' ')})` : ''} at ${r?.contractAddress ?? '(failed)'}\n`);
    if (r?.contractAddress) process.stdout.write(`  e.g. node dist/src/cli/main.js call ${r.contractAddress} <args…> --rpc ${rpcUrl}\n`);
  }
  process.stdout.write(`\nListening on ${flags.host}:${port}\n`);
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

/** Adds the chain subcommands to the `qvm` program. */
export function registerChainCommands(program: Command): void {
  const rpcOpt = (cmd: Command): Command => cmd.option('--rpc <url>', 'JSON-RPC endpoint of the node', DEFAULT_RPC).option('--json', 'print JSON');
  const keyOpt = (cmd: Command): Command =>
    cmd
      .option('--key <hex>', 'private key of the sender (default: the first development account)', keyArg, DEV_KEY_0)
      .option('--value <wei>', 'value sent with the transaction', bigArg('value'))
      .option('--gas <n>', 'gas limit (default: estimated)', bigArg('gas'));

  program
    .command('node')
    .description('run a local chain with JSON-RPC on 127.0.0.1 (anvil-like, with prefunded development accounts)')
    .option('--port <n>', 'JSON-RPC port (0 = any free port)', intArg('port'), 8545)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'database directory (default ~/.qvm/chain)')
    .option('--in-memory', 'keep the chain in memory only')
    .option('--block-time <s>', 'mine a block every S seconds instead of one per transaction', intArg('block time'))
    .option('--chain-id <n>', 'chain id of a new chain (default 1337)', bigArg('chain id'))
    .option('--accounts <n>', 'number of prefunded development accounts', intArg('accounts'), 10)
    .option('--timestamp-step <s>', 'block timestamp = parent + S (reproducible chains) instead of the clock', bigArg('timestamp step'))
    .option('--genesis-timestamp <s>', 'timestamp of the genesis block of a new chain', bigArg('genesis timestamp'))
    .option('--deploy <elf[,arg…]>', 'deploy a contract from the first account at start (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .action((flags: NodeFlags) => runNode(flags));

  program
    .command('keygen')
    .description('generate a new secp256k1 key and print its address')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      const key = generatePrivateKey();
      const address = privateKeyToAccount(key).address;
      if (flags.json) process.stdout.write(JSON.stringify({ address, privateKey: key }) + '\n');
      else process.stdout.write(`address     ${address}\nprivate key ${key}\n`);
    });

  keyOpt(rpcOpt(program.command('deploy')))
    .description('deploy a contract (a static ELF): runs `contract construct [args…]`')
    .argument('<elf>', 'the contract binary')
    .argument('[args...]', 'constructor arguments')
    .action(async (elf: string, args: string[], flags: TxFlags) => {
      const r = await sendTx(flags, null, encodeDeploy(readFile(elf), args));
      printReceipt(r, flags.json);
    });

  keyOpt(rpcOpt(program.command('call')))
    .description('call a contract in a transaction: runs `contract <args…>`')
    .argument('<address>', 'the contract', addrArg)
    .argument('[args...]', 'arguments')
    .option('--read <K1,K2>', 'storage keys given as DB_<KEY> variables', keysArg, [] as string[])
    .option('--stdin <file>', 'file whose bytes are the call\'s standard input')
    .option('--dry-run', 'run without a transaction (qvm_call) and print the full result')
    .action(async (address: Hex, args: string[], flags: TxFlags & { read: string[]; stdin?: string; dryRun?: boolean }) => {
      const stdin = flags.stdin === undefined ? new Uint8Array(0) : readFile(flags.stdin);
      if (flags.dryRun) {
        const from = privateKeyToAccount(flags.key).address;
        const r = await rpc<Record<string, unknown>>(flags.rpc, 'qvm_call', [{ from, to: address, args, read: flags.read, stdin: `0x${Buffer.from(stdin).toString('hex')}`, ...(flags.value ? { value: `0x${flags.value.toString(16)}` } : {}) }]);
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        if (r.status !== 'success') process.exitCode = 1;
        return;
      }
      const r = await sendTx(flags, address, encodeCall(args, flags.read, stdin));
      printReceipt(r, flags.json);
    });

  rpcOpt(program.command('query'))
    .description('read storage keys of a contract (all keys when none are given)')
    .argument('<address>', 'the contract', addrArg)
    .argument('[keys]', 'K1,K2,…')
    .action(async (address: Hex, keys: string | undefined, flags: { rpc: string; json?: boolean }) => {
      const list = keys === undefined ? null : keys.split(',').filter((k) => k !== '');
      const r = await rpc<Record<string, Hex | null>>(flags.rpc, 'qvm_getStorage', [address, list]);
      if (flags.json) {
        const out: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(r)) out[k] = v === null ? null : text(v);
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else {
        for (const [k, v] of Object.entries(r)) process.stdout.write(v === null ? `${k} (missing)\n` : `${k}=${text(v)}\n`);
      }
    });

  rpcOpt(program.command('receipt'))
    .description('show the receipt of a transaction')
    .argument('<tx>', 'transaction hash', hashArg)
    .action(async (hash: Hex, flags: { rpc: string; json?: boolean }) => {
      const r = await rpc<RpcReceipt | null>(flags.rpc, 'eth_getTransactionReceipt', [hash]);
      if (!r) die(`no receipt for ${hash} (unknown or not mined yet)`);
      printReceipt(r, flags.json);
    });

  rpcOpt(program.command('balance'))
    .description('show the balance of an address')
    .argument('<address>', 'the account', addrArg)
    .action(async (address: Hex, flags: { rpc: string; json?: boolean }) => {
      let wei: bigint;
      try {
        wei = await client(flags.rpc).getBalance({ address });
      } catch (e) {
        die(`cannot reach the node at ${flags.rpc}: ${(e as Error).message.split('\n')[0]}`);
      }
      if (flags.json) process.stdout.write(JSON.stringify({ address, wei: wei.toString() }) + '\n');
      else process.stdout.write(`${wei} wei (${Number(wei / 10n ** 12n) / 1e6} ETH)\n`);
    });
}
