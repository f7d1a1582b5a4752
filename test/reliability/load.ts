/**
 * Load: many transactions through one node with its database on disk, from 4 clients sending
 * JSON-RPC batches of 16 signed token and value transfers. Every 10,000 (quick: 1,000) the
 * node's RSS, the database size and the batch latency percentiles of that phase are recorded.
 * Passes when no request fails, every transaction is mined successfully, and memory stays flat
 * after warm-up (the last phase's RSS within 1.5× of the second phase's).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { devAccounts, encodeCall, encodeDeploy, type Hex, type RpcReceipt } from '../../src/chain/index.js';
import { example, rpc, startNode } from '../chain-helpers.js';
import { campaign, percentile } from './campaign.js';
import { sendAndWait } from './node-client.js';

const BATCH = 16;
const CLIENTS = 4;
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

function dirMiB(dir: string): number {
  let bytes = 0;
  for (const f of readdirSync(dir)) bytes += statSync(join(dir, f)).size;
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

export interface LoadPhase { done: number; rssMiB: number; dbMiB: number; p50ms: number; p99ms: number; txPerSec: number }

export const load = campaign(
  'load',
  'transactions through one node (batches of 16 from 4 clients); RSS, database size and latency per phase',
  { quick: 5_000, full: 100_000 },
  async (t, total, opts) => {
    const phase = total >= 50_000 ? 10_000 : total / 5;
    const token = example('token-c');
    if (!token) { t.fail('token-c not built: run bash test/setup.sh'); return t.result([]); }
    const dir = mkdtempSync(join(tmpdir(), 'qvm-reliability-load-'));
    const node = await startNode(['--data-dir', dir, '--timestamp-step', '2']);
    const phases: LoadPhase[] = [];
    try {
      const keys = devAccounts(CLIENTS + 1).slice(1).map((a) => a.privateKey);
      const recipients = devAccounts(20).slice(5).map((a) => a.address.toLowerCase() as Hex);
      // each client deploys its own token, so its transfers never wait on another client's
      const tokens: Hex[] = [];
      for (const k of keys) {
        const rc = await sendAndWait(node.url, k, { to: null, data: encodeDeploy(readFileSync(token), ['1000000000']), gas: 50_000_000n });
        tokens.push(rc.contractAddress!);
      }
      let sent = 0, phaseStart = performance.now();
      let phaseLat: number[] = [];
      const client = async (c: number): Promise<void> => {
        const account = privateKeyToAccount(keys[c]!);
        let nonce = Number(BigInt(await rpc<Hex>(node.url, 'eth_getTransactionCount', [account.address, 'pending'])));
        const share = total / CLIENTS;
        for (let done = 0; done < share; done += BATCH) {
          const n = Math.min(BATCH, share - done);
          const raws: Hex[] = [];
          for (let i = 0; i < n; i++) {
            const k = done + i;
            const transfer = k % 5 !== 4;
            raws.push(await account.signTransaction({
              type: 'eip1559', chainId: 1337, nonce: nonce++, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 0n,
              gas: transfer ? 5_000_000n : 21_000n,
              to: transfer ? tokens[c]! : recipients[k % recipients.length]!,
              value: transfer ? 0n : 1n,
              data: transfer ? hex(encodeCall(['transfer', recipients[k % recipients.length]!, '1'])) : '0x',
            }));
          }
          const started = performance.now();
          const res = await fetch(node.url, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify(raws.map((raw, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [raw] }))),
          });
          const answers = (await res.json()) as Array<{ result?: Hex; error?: { message: string } }>;
          phaseLat.push(performance.now() - started);
          for (const a of answers) {
            if (a.error) { t.add('errors'); t.fail(`client ${c}: ${a.error.message}`); }
            else t.add('accepted');
          }
          sent += n;
          if (sent % phase < BATCH && sent >= phase * (phases.length + 1)) {
            const secs = (performance.now() - phaseStart) / 1000;
            phases.push({
              done: sent - (sent % phase), rssMiB: rssMiB(node.proc.pid!), dbMiB: dirMiB(dir),
              p50ms: Math.round(percentile(phaseLat, 50)), p99ms: Math.round(percentile(phaseLat, 99)),
              txPerSec: Math.round(phase / secs),
            });
            opts.log(`load: ${JSON.stringify(phases.at(-1))}`);
            phaseLat = [];
            phaseStart = performance.now();
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
      // everything mined, and successfully
      for (let c = 0; c < CLIENTS; c++) {
        const addr = privateKeyToAccount(keys[c]!).address;
        const mined = Number(BigInt(await rpc<Hex>(node.url, 'eth_getTransactionCount', [addr, 'latest'])));
        if (mined !== total / CLIENTS + 1) t.fail(`client ${c}: ${mined} transactions mined, expected ${total / CLIENTS + 1}`);
      }
      const head = Number(BigInt(await rpc<Hex>(node.url, 'eth_blockNumber')));
      for (let k = 0; k < 50; k++) {
        const n = 1 + ((k * 7919) % head);
        const b = await rpc<{ transactions: Hex[] }>(node.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
        for (const h of b.transactions) {
          const rc = await rpc<RpcReceipt>(node.url, 'eth_getTransactionReceipt', [h]);
          if (rc.status !== '0x1') t.fail(`block ${n}: ${h} failed: ${rc.qvm.failure?.reason ?? ''}`);
        }
      }
      t.add('blocks', head);
    } finally {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    if (phases.length >= 3) {
      const warm = phases[1]!.rssMiB, last = phases.at(-1)!.rssMiB;
      if (last > warm * 1.5) t.fail(`RSS grew from ${warm} MiB (phase 2) to ${last} MiB`);
    }
    const rows = phases.map((p) => `${p.done}: ${p.rssMiB} MiB RSS, db ${p.dbMiB} MiB, ${p.txPerSec} tx/s, batch p50 ${p.p50ms} ms p99 ${p.p99ms} ms`);
    for (const row of rows) t.note(row);
    return t.result(['accepted', 'errors', 'blocks']);
  },
);
