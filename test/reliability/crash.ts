/**
 * Crash safety of the node: kill -9 at random moments while 4 clients send token transfers, value
 * transfers, deploys and failing calls. After each restart every acknowledged transaction is
 * there (this round's, and a sample of the earlier ones; all of them at the end), no transaction
 * is included twice and each sender's nonces run without gaps; at the end the database passes
 * PRAGMA integrity_check and a fresh node fed the same blocks reaches the same block hashes and
 * state root.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3';
import { privateKeyToAccount } from 'viem/accounts';
import { devAccounts, encodeCall, encodeDeploy, type Hex, type RpcReceipt } from '../../src/chain/index.js';
import { example, rpc, rpcRaw, startNode, type NodeProc } from '../chain-helpers.js';
import { campaign } from './campaign.js';
import { Rng } from './rng.js';

const FLAGS = ['--timestamp-step', '2', '--genesis-timestamp', '1700000000'];
const CLIENT_KEYS = devAccounts(5).slice(1).map((a) => a.privateKey);
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;

interface BlockJson { hash: Hex; transactions: Array<{ hash: Hex; from: Hex; nonce: Hex }> }

async function waitExit(node: NodeProc): Promise<void> {
  if (node.proc.exitCode !== null || node.proc.signalCode !== null) return;
  await new Promise((res) => node.proc.once('exit', res));
}

async function receiptSoon(url: string, h: Hex): Promise<RpcReceipt | null> {
  for (let i = 0; i < 100; i++) {
    const rc = await rpc<RpcReceipt | null>(url, 'eth_getTransactionReceipt', [h]);
    if (rc) return rc;
    await new Promise((res) => setTimeout(res, 50));
  }
  return null;
}

export const crash = campaign(
  'crash-kill9',
  'kill -9 of a node at random points under 4 clients; acknowledged transactions, duplicates, integrity, replay',
  { quick: 10, full: 200 },
  async (t, rounds, opts) => {
    const token = example('token-c'), registry = example('registry-c');
    if (!token || !registry) { t.fail('examples not built: run bash test/setup.sh'); return t.result([]); }
    const dir = mkdtempSync(join(tmpdir(), 'qvm-reliability-crash-'));
    const raws = new Map<Hex, Hex>();
    const acked: Hex[] = [];
    const seen = new Set<Hex>();
    const nextNonce = new Map<Hex, bigint>();
    let scanned = 0;
    const r = new Rng(opts.seed);
    let node = await startNode(['--data-dir', dir, ...FLAGS]);
    try {
      const deployer = privateKeyToAccount(CLIENT_KEYS[0]!);
      const sign = async (key: Hex, nonce: number, spec: { to: Hex | null; data?: Uint8Array; value?: bigint; gas: bigint }): Promise<Hex> =>
        privateKeyToAccount(key).signTransaction({
          type: 'eip1559', chainId: 1337, nonce, gas: spec.gas, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 0n,
          ...(spec.to ? { to: spec.to } : {}), value: spec.value ?? 0n, data: hex(spec.data ?? new Uint8Array(0)),
        });
      const send = async (raw: Hex): Promise<Hex | null> => {
        raws.set(hex(keccak_256(Buffer.from(raw.slice(2), 'hex'))), raw);
        const res = await rpcRaw<Hex>(node.url, 'eth_sendRawTransaction', [raw]);
        return res.result ?? null;
      };
      const d0 = await send(await sign(CLIENT_KEYS[0]!, 0, { to: null, data: encodeDeploy(readFileSync(token), ['1000000']), gas: 50_000_000n }));
      const tokenAddr = d0 ? (await receiptSoon(node.url, d0))?.contractAddress : null;
      if (!d0 || !tokenAddr) throw new Error('token deploy failed');
      acked.push(d0);
      const registryCode = readFileSync(registry);
      const recipient = deployer.address.toLowerCase() as Hex;

      for (let round = 0; round < rounds; round++) {
        let stop = false;
        const killAt = 150 + r.int(1200);
        const killer = setTimeout(() => { stop = true; node.proc.kill('SIGKILL'); }, killAt);
        const roundAcked: Hex[] = [];
        const client = async (c: number): Promise<void> => {
          const key = CLIENT_KEYS[c]!;
          const addr = privateKeyToAccount(key).address;
          let nonce: number;
          try { nonce = Number(BigInt(await rpc<Hex>(node.url, 'eth_getTransactionCount', [addr, 'pending']))); } catch { return; }
          for (let i = 0; !stop; i++) {
            const spec = c === 0 ? { to: tokenAddr, data: encodeCall(['transfer', recipient, String(1 + (i % 7))]), gas: 5_000_000n }
              : c === 1 ? { to: recipient, value: BigInt(i + 1), gas: 21_000n }
              : c === 2 ? { to: null, data: encodeDeploy(registryCode, ['5']), gas: 80_000_000n }
              : { to: tokenAddr, data: encodeCall(['no-such-method', String(i)]), gas: 5_000_000n };
            try {
              const h = await send(await sign(key, nonce, spec));
              if (h === null) return; // refused (e.g. after a lost nonce): the next round starts afresh
              nonce++;
              roundAcked.push(h);
            } catch {
              return; // the node is gone
            }
          }
        };
        // client 0 also needs token balance: it is the deployer's own transfers that move it
        await Promise.all([0, 1, 2, 3].map(client));
        clearTimeout(killer);
        if (!stop) node.proc.kill('SIGKILL');
        await waitExit(node);
        t.add('kills');
        acked.push(...roundAcked);
        node = await startNode(['--data-dir', dir, ...FLAGS]);
        // this round's acknowledgements and a sample of the earlier ones
        const check = [...roundAcked];
        for (let k = 0; k < 30 && acked.length > 0; k++) check.push(acked[r.int(acked.length)]!);
        for (const h of check) if (!(await receiptSoon(node.url, h))) { t.add('lost'); t.fail(`round ${round}: acknowledged ${h} is missing`); }
        // no duplicates, gap-free nonces, in the blocks added since the last scan
        const head = Number(BigInt(await rpc<Hex>(node.url, 'eth_blockNumber')));
        for (let n = scanned + 1; n <= head; n++) {
          const b = await rpc<BlockJson>(node.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, true]);
          for (const tx of b.transactions) {
            if (seen.has(tx.hash)) { t.add('duplicates'); t.fail(`block ${n}: ${tx.hash} included twice`); }
            seen.add(tx.hash);
            const want = nextNonce.get(tx.from) ?? 0n;
            if (BigInt(tx.nonce) !== want) t.fail(`block ${n}: ${tx.from} nonce ${BigInt(tx.nonce)}, expected ${want}`);
            nextNonce.set(tx.from, BigInt(tx.nonce) + 1n);
          }
        }
        scanned = head;
        if ((round + 1) % 20 === 0) opts.log(`crash-kill9: ${round + 1}/${rounds} rounds, ${acked.length} acknowledged`);
      }
      for (const h of acked) if (!(await receiptSoon(node.url, h))) { t.add('lost'); t.fail(`acknowledged ${h} is missing at the end`); }
      t.add('acknowledged', acked.length);
      t.add('blocks', scanned);

      // replay into a fresh node: the same blocks, the same state root
      const fresh = await startNode(['--in-memory', ...FLAGS]);
      try {
        const manual = !(await rpcRaw(fresh.url, 'evm_setAutomine', [false])).error;
        for (let n = 1; n <= scanned; n++) {
          const b = await rpc<BlockJson>(node.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, true]);
          if (!manual && b.transactions.length !== 1) throw new Error(`block ${n} has ${b.transactions.length} transactions and this node cannot mine on demand`);
          for (const tx of b.transactions) {
            const raw = raws.get(tx.hash);
            if (!raw) { t.fail(`block ${n} holds ${tx.hash}, which no client sent`); continue; }
            await rpc(fresh.url, 'eth_sendRawTransaction', [raw]);
          }
          if (manual) await rpc(fresh.url, 'evm_mine', []);
          const fb = await rpc<BlockJson>(fresh.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
          if (fb.hash !== b.hash) { t.fail(`replay: block ${n} differs`); break; }
        }
        const [a, b] = [await rpc(node.url, 'qvm_stateRoot'), await rpc(fresh.url, 'qvm_stateRoot')];
        if (a !== b) t.fail(`replay: state root ${String(b)} differs from ${String(a)}`);
        else t.add('replay matches');
      } finally {
        await fresh.stop();
      }
    } finally {
      await node.stop();
    }
    const db = new Database(join(dir, 'chain.sqlite'), { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    if (integrity !== 'ok') t.fail(`integrity_check: ${String(integrity)}`);
    rmSync(dir, { recursive: true, force: true });
    return t.result(['kills', 'acknowledged', 'blocks', 'lost', 'duplicates', 'replay matches'], [['integrity_check', String(integrity)]]);
  },
);
