/**
 * L2 derivation benchmark: how fast a fresh executor derives an L2 chain from L1. On anvil, N C
 * token transfers are submitted through the Inbox, one L1 block each (plus the token's deploy);
 * then an executor starts from genesis and derives them all. Prints L2 blocks per second and
 * the ratio to the local chain's rate for the same transfers (each mined in its own block, in
 * process), i.e. what following L1 costs on top of executing.
 *
 *   node dist/bench/l2.js [transfers]      (default 100)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { privateKeyToAccount } from 'viem/accounts';
import { Chain, devAccounts, encodeCall, encodeDeploy, type Hex } from '../src/chain/index.js';
import { InboxClient } from '../src/l2/client.js';
import { deployL1 } from '../src/l2/deploy-l1.js';
import { Executor } from '../src/l2/executor.js';
import { l1Client } from '../src/l2/l1.js';
import { L1Sender } from '../src/l2/l1-sender.js';

const root = new URL('../..', import.meta.url).pathname;
const ANVIL = join(root, 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
const TOKEN = join(root, 'test', 'build', 'examples', 'token-c');
const N = Number(process.argv[2] ?? 100);
const [A0, A1] = devAccounts(2);

const anvil = spawn(ANVIL, ['--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise<string>((resolve) => {
  let out = '';
  anvil.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
    if (m) resolve(`http://127.0.0.1:${m[1]}`);
  });
});
try {
  const client = l1Client(url);
  const sender = new L1Sender(client, url, A0!.privateKey);
  const d = await deployL1(sender);
  const inbox = new InboxClient(sender, d.inbox);
  const code = readFileSync(TOKEN);
  const token = await inbox.deploy(code, ['1000000000']);
  for (let i = 0; i < N; i++) await inbox.call(token.contractAddress, ['transfer', A1!.address, String(1 + (i % 5))], [], new Uint8Array(0));

  const t0 = performance.now();
  const ex = await Executor.open({ client, inbox: d.inbox, dataDir: null });
  while (await ex.step()) { /* derive until caught up */ }
  const l2 = (performance.now() - t0) / 1000;
  const blocks = ex.chain.latest().number;
  ex.close();

  // the same transfers on the local chain, one block each, in process
  const chain = new Chain({ dataDir: null, genesisAlloc: [{ address: A0!.address, balance: 10n ** 24n }] });
  const acct = privateKeyToAccount(A0!.privateKey);
  const sign = (nonce: number, to: Hex | null, data: Uint8Array, gas: bigint): Promise<Hex> =>
    acct.signTransaction({ type: 'eip1559', chainId: 1337, nonce, gas, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 0n, ...(to ? { to } : {}), data: `0x${Buffer.from(data).toString('hex')}` });
  const raws = [await sign(0, null, encodeDeploy(code, ['1000000000']), 200_000_000n)];
  const local = (await import('../src/chain/tx.js')).createAddress(A0!.address, 0n);
  for (let i = 0; i < N; i++) raws.push(await sign(i + 1, local, encodeCall(['transfer', A1!.address, String(1 + (i % 5))]), 50_000_000n));
  const t1 = performance.now();
  for (const r of raws) {
    chain.submit(Buffer.from(r.slice(2), 'hex'));
    chain.mine();
  }
  const lc = (performance.now() - t1) / 1000;
  chain.close();
  console.log(`L2 derivation from anvil, ${N} C token transfers through the Inbox (one L1 block each) + deploy:`);
  console.log(`  fresh executor:        ${blocks} L2 blocks in ${l2.toFixed(2)} s = ${(blocks / l2).toFixed(1)} blocks/s`);
  console.log(`  local chain (same txs, in process, a block each): ${(raws.length / lc).toFixed(1)} blocks/s`);
  console.log(`  ratio local / L2:      ${((raws.length / lc) / (blocks / l2)).toFixed(2)}x`);
} finally {
  anvil.kill('SIGTERM');
}
