/**
 * Chain subcommands of `qvm` (docs/chain.md): `node` runs the local chain; `keygen`, `deploy`,
 * `call`, `query`, `receipt` and `balance` are clients over JSON-RPC. What they do is in
 * chain-actions.ts, loaded only when one of them runs.
 */
import { Command } from 'commander';
import type { Hex } from '../chain/bytes.js';
import { addressArg, amountArg, bigintArg, collect, collectList, hashArg, intArg, portArg, privateKeyArg } from './args.js';
import type { CallFlags, NodeFlags, TxFlags } from './chain-actions.js';
import type { InboxFlags, L2NodeFlags } from './l2-actions.js';

export const DEFAULT_RPC = 'http://127.0.0.1:8545';

/** The node the clients talk to: --rpc, else $QVM_RPC_URL, else $ETH_RPC_URL (as foundry), else the local default. */
export function defaultRpc(env: NodeJS.ProcessEnv = process.env): string {
  return env.QVM_RPC_URL || env.ETH_RPC_URL || DEFAULT_RPC;
}

const actions = (): Promise<typeof import('./chain-actions.js')> => import('./chain-actions.js');
const l2 = (): Promise<typeof import('./l2-actions.js')> => import('./l2-actions.js');

/** Adds the chain subcommands to the `qvm` program. */
export function registerChainCommands(program: Command): void {
  const rpcOpt = (cmd: Command): Command => cmd.option('--rpc <url>', 'JSON-RPC endpoint of the node (default: $QVM_RPC_URL, $ETH_RPC_URL or http://127.0.0.1:8545)', defaultRpc()).option('--json', 'print JSON');
  // no default shown for --key: a help text must not print a private key
  const keyOpt = (cmd: Command): Command =>
    cmd
      .option('--key <hex>', 'private key of the sender (default: the first development account)', privateKeyArg)
      .option('--value <amount>', 'value sent with the transaction: wei, or with a unit (1ether, 2.5gwei)', amountArg)
      .option('--gas <n>', 'gas limit (default: estimated)', bigintArg('gas'));
  const l1Opt = (cmd: Command): Command =>
    cmd.option('--l1 <url>', 'submit through this L1 (Ethereum JSON-RPC) instead of --rpc').option('--inbox <address>', 'the L1 Inbox (with --l1)', addressArg('inbox'));

  program
    .command('node')
    .description('run a local chain with JSON-RPC on 127.0.0.1 (anvil-like, with prefunded development accounts)')
    .option('--port <n>', 'JSON-RPC port (0 = any free port)', portArg, 8545)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'database directory (default ~/.qvm/chain)')
    .option('--in-memory', 'keep the chain in memory only')
    .option('--block-time <s>', 'mine a block every S seconds instead of one per transaction', intArg('block time'))
    .option('--call-timeout <ms>', 'wall-clock budget of one eth_call / eth_estimateGas (run in a worker thread)', intArg('call timeout'), 5000)
    .option('--gas-limit <n>', 'block gas limit (default 1000000000, as anvil\'s --gas-limit)', bigintArg('gas limit'))
    .option('--call-gas-cap <n>', 'gas limit of eth_call / eth_estimateGas at most (default: the block gas limit)', bigintArg('call gas cap'))
    .option('--chain-id <n>', 'chain id of a new chain (default 1337)', bigintArg('chain id'))
    .option('--accounts <n>', 'number of prefunded development accounts', intArg('accounts'), 10)
    .option('--timestamp-step <s>', 'block timestamp = parent + S (reproducible chains) instead of the clock', bigintArg('timestamp step'))
    .option('--genesis-timestamp <s>', 'timestamp of the genesis block of a new chain', bigintArg('genesis timestamp'))
    .option('--deploy <elf[,arg…]>', 'deploy a contract from the first account at start (repeatable)', collect, [] as string[])
    .option('--l1 <url>', 'L2 node: follow this L1 (Ethereum JSON-RPC, http or ws) and derive the chain from its Inbox')
    .option('--inbox <address>', 'L2 node: the L1 Inbox contract', addressArg('inbox'))
    .option('--oracle <address>', 'L2 node: the L1 OutputOracle (check posted outputs)', addressArg('oracle'))
    .option('--propose-key <hex>', 'L2 node: post outputs to the oracle with this L1 key', privateKeyArg)
    .option('--sequencer-key <hex>', 'L2 node: accept L2 transactions and post them in batches with this L1 key', privateKeyArg)
    .option('--l1-confirmations <n>', 'L2 node: derive only L1 blocks this deep', intArg('confirmations'))
    .option('--l1-poll-ms <n>', 'L2 node: L1 polling interval in milliseconds (default 1000)', intArg('poll interval'))
    .action(async (flags: NodeFlags & L2NodeFlags) => (flags.l1 ? (await l2()).runL2Node(flags) : (await actions()).runNode(flags)));

  program
    .command('keygen')
    .description('generate a new secp256k1 key and print its address')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => (await actions()).keygen(flags));

  l1Opt(keyOpt(rpcOpt(program.command('deploy'))))
    .description('deploy a contract (a static ELF): runs `contract construct [args…]`')
    .argument('<elf>', 'the contract binary')
    .argument('[args...]', 'constructor arguments')
    .action(async (elf: string, args: string[], flags: TxFlags & InboxFlags) =>
      (flags.l1 ? (await l2()).l2Deploy(elf, args, flags) : (await actions()).deploy(elf, args, flags)));

  l1Opt(keyOpt(rpcOpt(program.command('call'))))
    .description('call a contract in a transaction: runs `contract <args…>`')
    .argument('<address>', 'the contract', addressArg('contract address'))
    .argument('[args...]', 'arguments')
    .option('--read <K1,K2>', 'storage keys given as DB_<KEY> variables', collectList, [] as string[])
    .option('--stdin <file>', 'file whose bytes are the call\'s standard input (- = this command\'s stdin)')
    .option('--dry-run', 'run without a transaction (qvm_call): nothing is stored')
    .action(async (address: Hex, args: string[], flags: CallFlags & InboxFlags) =>
      (flags.l1 ? (await l2()).l2Call(address, args, flags) : (await actions()).call(address, args, flags)));

  program
    .command('deposit')
    .description('deposit ETH from L1 to your L2 balance through the Inbox')
    .requiredOption('--l1 <url>', 'L1 JSON-RPC endpoint')
    .requiredOption('--inbox <address>', 'the L1 Inbox', addressArg('inbox'))
    .requiredOption('--value <amount>', 'amount: wei, or with a unit (1ether, 2.5gwei)', amountArg)
    .option('--key <hex>', 'L1 private key (default: the first development account)', privateKeyArg)
    .option('--json', 'print JSON')
    .action(async (flags: InboxFlags) => (await l2()).l2Deposit(flags));

  const l1 = program.command('l1').description('the L1 side of QVM\'s layer 2');
  l1.command('deploy')
    .description('deploy the Inbox and the OutputOracle on L1 and print their addresses')
    .requiredOption('--l1 <url>', 'L1 JSON-RPC endpoint')
    .option('--key <hex>', 'L1 private key (default: the first development account)', privateKeyArg)
    .option('--l2-chain-id <n>', 'chain id of the L2 (default 1338)', bigintArg('chain id'))
    .option('--proposer <address>', 'the only address allowed to post outputs (default: anyone)', addressArg('proposer'))
    .option('--challenge-period <s>', 'seconds an output can be challenged (default 7 days)', bigintArg('challenge period'))
    .option('--json', 'print JSON')
    .action(async (flags: import('./l2-actions.js').L1DeployFlags) => (await l2()).l1Deploy(flags));

  const l2cmd = program.command('l2').description('QVM\'s layer 2 on Ethereum');
  rpcOpt(l2cmd.command('status'))
    .description('sync status of an L2 node: L1 head, derived L1 block, L2 head, state root, posted outputs (exit 1 on a mismatch)')
    .action(async (flags: { rpc: string; json?: boolean }) => (await l2()).l2Status(flags));

  program
    .command('devnet')
    .description('start anvil, deploy the L1 contracts, a sequencer and a follower, and deploy contracts through L1')
    .option('--port <n>', 'sequencer JSON-RPC port (the follower gets the next one; 0 = any)', portArg, 8545)
    .option('--l1-port <n>', 'anvil port (0 = any)', portArg, 0)
    .option('--deploy <elf[,arg…]>', 'deploy a contract through L1 (repeatable)', collect, [] as string[])
    .action(async (flags: { port: number; l1Port: number; deploy: string[] }) => (await l2()).devnet(flags));

  rpcOpt(program.command('query'))
    .description('read storage keys of a contract (all keys when none are given)')
    .argument('<address>', 'the contract', addressArg('contract address'))
    .argument('[keys...]', 'keys: K1 K2 … or K1,K2,…')
    .option('--block <n>', 'at a past block (number, earliest or latest)')
    .action(async (address: Hex, keys: string[], flags: { rpc: string; json?: boolean; block?: string }) => (await actions()).query(address, keys, flags));

  rpcOpt(program.command('receipt'))
    .description('show the receipt of a transaction')
    .argument('<tx>', 'transaction hash', hashArg('transaction hash'))
    .action(async (hash: Hex, flags: { rpc: string; json?: boolean }) => (await actions()).receipt(hash, flags));

  rpcOpt(program.command('balance'))
    .description('show the balance of an address')
    .argument('<address>', 'the account', addressArg('address'))
    .action(async (address: Hex, flags: { rpc: string; json?: boolean }) => (await actions()).balance(address, flags));
}
