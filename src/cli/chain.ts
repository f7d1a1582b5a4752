/**
 * Chain subcommands of `qvm` (docs/chain.md): `node` runs the local chain; `keygen`, `deploy`,
 * `call`, `query`, `receipt` and `balance` are clients over JSON-RPC. What they do is in
 * chain-actions.ts, loaded only when one of them runs.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Hex } from '../chain/bytes.js';
import { parseAmount } from './units.js';
import type { CallFlags, NodeFlags, TxFlags } from './chain-actions.js';

export const DEFAULT_RPC = 'http://127.0.0.1:8545';

/** The node the clients talk to: --rpc, else $QVM_RPC_URL, else $ETH_RPC_URL (as foundry), else the local default. */
export function defaultRpc(env: NodeJS.ProcessEnv = process.env): string {
  return env.QVM_RPC_URL || env.ETH_RPC_URL || DEFAULT_RPC;
}

const actions = (): Promise<typeof import('./chain-actions.js')> => import('./chain-actions.js');

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

function amountArg(v: string): bigint {
  try {
    return parseAmount(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
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

/** Adds the chain subcommands to the `qvm` program. */
export function registerChainCommands(program: Command): void {
  const rpcOpt = (cmd: Command): Command => cmd.option('--rpc <url>', 'JSON-RPC endpoint of the node (default: $QVM_RPC_URL, $ETH_RPC_URL or http://127.0.0.1:8545)', defaultRpc()).option('--json', 'print JSON');
  // no default shown for --key: a help text must not print a private key
  const keyOpt = (cmd: Command): Command =>
    cmd
      .option('--key <hex>', 'private key of the sender (default: the first development account)', keyArg)
      .option('--value <amount>', 'value sent with the transaction: wei, or with a unit (1ether, 2.5gwei)', amountArg)
      .option('--gas <n>', 'gas limit (default: estimated)', bigArg('gas'));

  program
    .command('node')
    .description('run a local chain with JSON-RPC on 127.0.0.1 (anvil-like, with prefunded development accounts)')
    .option('--port <n>', 'JSON-RPC port (0 = any free port)', intArg('port'), 8545)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'database directory (default ~/.qvm/chain)')
    .option('--in-memory', 'keep the chain in memory only')
    .option('--block-time <s>', 'mine a block every S seconds instead of one per transaction', intArg('block time'))
    .option('--call-timeout <ms>', 'wall-clock budget of one eth_call / eth_estimateGas (run in a worker thread)', intArg('call timeout'), 5000)
    .option('--call-gas-cap <n>', 'gas limit of eth_call / eth_estimateGas at most (default: the block gas limit)', bigArg('call gas cap'))
    .option('--chain-id <n>', 'chain id of a new chain (default 1337)', bigArg('chain id'))
    .option('--accounts <n>', 'number of prefunded development accounts', intArg('accounts'), 10)
    .option('--timestamp-step <s>', 'block timestamp = parent + S (reproducible chains) instead of the clock', bigArg('timestamp step'))
    .option('--genesis-timestamp <s>', 'timestamp of the genesis block of a new chain', bigArg('genesis timestamp'))
    .option('--deploy <elf[,arg…]>', 'deploy a contract from the first account at start (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .action(async (flags: NodeFlags) => (await actions()).runNode(flags));

  program
    .command('keygen')
    .description('generate a new secp256k1 key and print its address')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => (await actions()).keygen(flags));

  keyOpt(rpcOpt(program.command('deploy')))
    .description('deploy a contract (a static ELF): runs `contract construct [args…]`')
    .argument('<elf>', 'the contract binary')
    .argument('[args...]', 'constructor arguments')
    .action(async (elf: string, args: string[], flags: TxFlags) => (await actions()).deploy(elf, args, flags));

  keyOpt(rpcOpt(program.command('call')))
    .description('call a contract in a transaction: runs `contract <args…>`')
    .argument('<address>', 'the contract', addrArg)
    .argument('[args...]', 'arguments')
    .option('--read <K1,K2>', 'storage keys given as DB_<KEY> variables', keysArg, [] as string[])
    .option('--stdin <file>', 'file whose bytes are the call\'s standard input (- = this command\'s stdin)')
    .option('--dry-run', 'run without a transaction (qvm_call): nothing is stored')
    .action(async (address: Hex, args: string[], flags: CallFlags) => (await actions()).call(address, args, flags));

  rpcOpt(program.command('query'))
    .description('read storage keys of a contract (all keys when none are given)')
    .argument('<address>', 'the contract', addrArg)
    .argument('[keys...]', 'keys: K1 K2 … or K1,K2,…')
    .option('--block <n>', 'at a past block (number, earliest or latest)')
    .action(async (address: Hex, keys: string[], flags: { rpc: string; json?: boolean; block?: string }) => (await actions()).query(address, keys, flags));

  rpcOpt(program.command('receipt'))
    .description('show the receipt of a transaction')
    .argument('<tx>', 'transaction hash', hashArg)
    .action(async (hash: Hex, flags: { rpc: string; json?: boolean }) => (await actions()).receipt(hash, flags));

  rpcOpt(program.command('balance'))
    .description('show the balance of an address')
    .argument('<address>', 'the account', addrArg)
    .action(async (address: Hex, flags: { rpc: string; json?: boolean }) => (await actions()).balance(address, flags));
}
