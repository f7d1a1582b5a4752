/**
 * What the L1/L2 subcommands do (docs/l2.md): `qvm l1 deploy`, `qvm node --l1 …` (an L2 node),
 * `qvm deploy|call|deposit --l1 --inbox` (through the L1 Inbox), `qvm l2 status`, `qvm devnet`.
 * Loaded only when one of them runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Hex } from '../chain/bytes.js';
import { DEV_KEY_0, devAccounts } from '../chain/dev.js';
import { InboxClient } from '../l2/client.js';
import { deployL1 } from '../l2/deploy-l1.js';
import { l1Client } from '../l2/l1.js';
import { L1Sender } from '../l2/l1-sender.js';
import { L2Node, type SyncStatus } from '../l2/node.js';
import { progressBar } from './chain-actions.js';
import { errorLine } from '../errors.js';
import { die } from './io.js';
import { readFile } from './args.js';


function sender(l1: string, key: Hex | undefined): L1Sender {
  return new L1Sender(l1Client(l1), l1, key ?? DEV_KEY_0);
}

export interface L1DeployFlags {
  l1: string;
  key?: Hex;
  json?: boolean;
  l2ChainId?: bigint;
  proposer?: Hex;
  challengePeriod?: bigint;
}

export async function l1Deploy(flags: L1DeployFlags): Promise<void> {
  let d;
  try {
    d = await deployL1(sender(flags.l1, flags.key), flags);
  } catch (e) {
    die(`cannot deploy the L1 contracts on ${flags.l1}: ${errorLine(e)}`);
  }
  if (flags.json) process.stdout.write(JSON.stringify({ inbox: d.inbox, oracle: d.oracle, l2ChainId: d.l2ChainId.toString(), proposer: d.proposer }) + '\n');
  else {
    process.stdout.write(`Inbox          ${d.inbox}\nOutputOracle   ${d.oracle}\nL2 chain id    ${d.l2ChainId}\nproposer       ${/^0x0+$/.test(d.proposer) ? 'anyone' : d.proposer}\n`);
    process.stdout.write(`\nstart an L2 node:  npx qvm node --l1 ${flags.l1} --inbox ${d.inbox} --oracle ${d.oracle}\n`);
  }
}

export interface L2NodeFlags {
  l1: string;
  inbox?: Hex;
  oracle?: Hex;
  proposeKey?: Hex;
  sequencerKey?: Hex;
  l1Confirmations?: number;
  l1PollMs?: number;
  port: number;
  host: string;
  dataDir?: string;
  inMemory?: boolean;
}

export async function runL2Node(flags: L2NodeFlags): Promise<void> {
  if (!flags.inbox) die('--l1 needs --inbox <address> (deploy one with `qvm l1 deploy`)');
  const dataDir = flags.inMemory ? null : (flags.dataDir ?? join(homedir(), '.qvm', 'l2'));
  let node: L2Node;
  try {
    node = await L2Node.start({
      l1: flags.l1, inbox: flags.inbox, oracle: flags.oracle, proposeKey: flags.proposeKey, sequencerKey: flags.sequencerKey,
      confirmations: flags.l1Confirmations, dataDir, host: flags.host, port: flags.port, pollMs: flags.l1PollMs,
    });
  } catch (e) {
    die(`cannot start the L2 node: ${errorLine(e)}`);
  }
  let port: number;
  try {
    port = await node.listen();
  } catch (e) {
    die(`cannot listen on ${flags.host}:${flags.port}: ${errorLine(e)}`);
  }
  const role = [flags.sequencerKey ? 'sequencer' : null, flags.proposeKey ? 'proposer' : null].filter(Boolean).join(', ') || 'follower';
  process.stdout.write([
    '', '  QVM L2 node', '',
    `L1:           ${flags.l1}`, `Inbox:        ${flags.inbox}`, `Oracle:       ${flags.oracle ?? '(none: outputs not checked)'}`,
    `L2 chain id:  ${node.ex.l2ChainId}`, `Role:         ${role}`, `Database:     ${dataDir ?? 'in memory'}`,
    `L2 block:     ${node.ex.chain.latest().number} (derived up to L1 block ${node.ex.cursor().l1Number})`,
    '', `Listening on ${flags.host}:${port}`, '',
  ].join('\n'));
  const stop = (): void => {
    void node.stop().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export interface InboxFlags {
  l1: string;
  inbox?: Hex;
  key?: Hex;
  json?: boolean;
  gas?: bigint;
  value?: bigint;
}

function inboxClient(flags: InboxFlags): InboxClient {
  if (!flags.inbox) die('--l1 needs --inbox <address>');
  return new InboxClient(sender(flags.l1, flags.key), flags.inbox);
}

function printInbox(r: object, json: boolean | undefined, lines: string[]): void {
  if (json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else process.stdout.write(lines.join('\n') + '\n');
}

export async function l2Deploy(elf: string, args: string[], flags: InboxFlags): Promise<void> {
  const code = readFile(elf);
  const tty = process.stderr.isTTY === true;
  let last = -1;
  const progress = (done: number, total: number): void => {
    if (flags.json) return;
    const pct = Math.floor((done / total) * 100);
    if (pct === last || (!tty && pct < 100 && pct - last < 25)) return;
    last = pct;
    process.stderr.write(`${tty ? '\r' : ''}uploading to the Inbox ${progressBar(done, total)}${tty && done < total ? '' : '\n'}`);
  };
  let r;
  try {
    r = await inboxClient(flags).deploy(code, args, flags.gas, progress);
  } catch (e) {
    die(`deploy through ${flags.l1} failed: ${errorLine(e)}`);
  }
  printInbox(r, flags.json, [
    `contract   ${r.contractAddress} (on L2, once an executor derives L1 block ${r.l1BlockNumber})`,
    `message    ${r.seq}${r.chunks ? ` (after ${r.chunks} code chunks)` : ''}`,
    `L1 tx      ${r.l1TransactionHash}`,
    `L2 tx      ${r.l2TransactionHash}`,
  ]);
}

export async function l2Call(address: Hex, args: string[], flags: InboxFlags & { read: string[]; stdin?: string }): Promise<void> {
  const stdin = flags.stdin === undefined ? new Uint8Array(0) : readFile(flags.stdin);
  let r;
  try {
    r = await inboxClient(flags).call(address, args, flags.read, stdin, flags.gas);
  } catch (e) {
    die(`call through ${flags.l1} failed: ${errorLine(e)}`);
  }
  printInbox(r, flags.json, [`message    ${r.seq}`, `L1 tx      ${r.l1TransactionHash}`, `L2 tx      ${r.l2TransactionHash}`]);
}

export async function l2Deposit(flags: InboxFlags): Promise<void> {
  if (!flags.value) die('deposit needs --value <wei>');
  let r;
  try {
    r = await inboxClient(flags).deposit(flags.value);
  } catch (e) {
    die(`deposit through ${flags.l1} failed: ${errorLine(e)}`);
  }
  printInbox(r, flags.json, [`deposited  ${flags.value} wei`, `message    ${r.seq}`, `L1 tx      ${r.l1TransactionHash}`, `L2 tx      ${r.l2TransactionHash}`]);
}

export async function l2Status(flags: { rpc: string; json?: boolean }): Promise<void> {
  let body: { result?: SyncStatus; error?: { message: string } };
  try {
    const res = await fetch(flags.rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'qvm_syncStatus', params: [] }) });
    body = (await res.json()) as typeof body;
  } catch (e) {
    die(`cannot reach the L2 node at ${flags.rpc} (${errorLine(e)})`);
  }
  if (body.error || !body.result) die(body.error?.message.includes('not supported') ? `${flags.rpc} is not an L2 node` : (body.error?.message ?? 'no result'));
  const s = body.result;
  if (flags.json) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
  else {
    const lines = [
      `L1 head        ${s.l1Head}`,
      `derived up to  L1 block ${s.l1Derived.number} (${s.l1Derived.hash})`,
      `L2 head        ${s.l2Head.number} (${s.l2Head.hash})`,
      `state root     ${s.stateRoot}`,
      `inbox          ${s.inbox.address}: ${s.inbox.messages} messages`,
      `reorgs         ${s.reorgs}`,
      `last output    ${s.lastOutput ? `#${s.lastOutput.index} L2 block ${s.lastOutput.l2Block} ${s.lastOutput.matches === null ? '(not checked yet)' : s.lastOutput.matches ? 'matches' : 'MISMATCH'}` : '(none)'}`,
    ];
    for (const m of s.mismatches) lines.push(`MISMATCH       output #${m.index} L2 block ${m.l2Block}: posted ${m.posted}, local ${m.local}`);
    if (s.sequencer) lines.push(`sequencer      ${s.sequencer.pending} transaction(s) waiting for a batch`);
    if (s.lastError) lines.push(`last error     ${s.lastError}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (s.mismatches.length) process.exitCode = 1;
}

/** The anvil binary of the npm package (a devDependency). */
function anvilPath(): string {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil');
  } catch {
    die('anvil is not installed (npm ci installs @foundry-rs/anvil-linux-amd64)');
  }
}

function startAnvil(port: number): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(anvilPath(), ['--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
    });
    proc.once('exit', (c) => reject(new Error(`anvil exited (${c}): ${out.slice(-300)}`)));
  });
}

export async function devnet(flags: { port: number; l1Port: number; deploy: string[] }): Promise<void> {
  const anvil = await startAnvil(flags.l1Port).catch((e: unknown) => die(`cannot start anvil: ${errorLine(e)}`));
  const nodes: L2Node[] = [];
  const cleanup = async (): Promise<void> => {
    for (const n of nodes) await n.stop().catch(() => undefined);
    anvil.proc.kill('SIGTERM');
  };
  try {
    const [, a1] = devAccounts(2);
    const d = await deployL1(sender(anvil.url, DEV_KEY_0));
    const start = async (port: number, extra: { sequencerKey?: Hex; proposeKey?: Hex }): Promise<{ node: L2Node; url: string }> => {
      const node = await L2Node.start({ l1: anvil.url, inbox: d.inbox, oracle: d.oracle, dataDir: null, port, pollMs: 250, log: (l) => process.stdout.write(`[${extra.sequencerKey ? 'sequencer' : 'follower'}] ${l}\n`), ...extra });
      nodes.push(node);
      return { node, url: `http://127.0.0.1:${await node.listen()}` };
    };
    const seq = await start(flags.port, { sequencerKey: a1!.privateKey, proposeKey: a1!.privateKey });
    const fol = await start(flags.port === 0 ? 0 : flags.port + 1, {});
    const client = new InboxClient(sender(anvil.url, DEV_KEY_0), d.inbox);
    await client.deposit(10n ** 20n);
    const deployed: string[] = [];
    let example = '<contract>';
    for (const spec of flags.deploy) {
      const [path, ...args] = spec.split(',');
      const r = await client.deploy(readFile(path!), args);
      deployed.push(`${path} at ${r.contractAddress}`);
      example = r.contractAddress;
    }
    process.stdout.write([
      '', '  QVM L2 devnet', '',
      `L1 (anvil):         ${anvil.url}`, `Inbox:              ${d.inbox}`, `OutputOracle:       ${d.oracle}`, `L2 chain id:        ${d.l2ChainId}`,
      `L2 sequencer RPC:   ${seq.url} (accepts eth_sendRawTransaction; proposes outputs)`, `L2 follower RPC:    ${fol.url}`,
      ...deployed.map((x) => `Deployed through L1: ${x}`),
      `Account 0 (${devAccounts(1)[0]!.address}) deposited 100 ETH to L2.`,
      '', 'Try:',
      `  npx qvm l2 status --rpc ${fol.url}`,
      `  npx qvm call ${example} <args…> --l1 ${anvil.url} --inbox ${d.inbox}   # through L1`,
      `  npx qvm call ${example} <args…> --rpc ${seq.url}   # through the sequencer`,
      `  npx qvm query ${example} --rpc ${fol.url}`,
      '', 'Ctrl-C stops everything.', '',
    ].join('\n'));
  } catch (e) {
    await cleanup();
    die(`devnet: ${errorLine(e)}`);
  }
  const stop = (): void => {
    void cleanup().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
