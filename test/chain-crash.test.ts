/**
 * Crash safety: kill -9 a node at random moments while a client sends transactions; after each
 * restart every acknowledged transaction is there, and a fresh node replaying the same
 * transactions reaches the same block hashes and state root.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCall, encodeDeploy, type Hex, type RpcReceipt } from '../src/chain/index.js';
import { ADDRS, example, KEYS, rpc, rpcRaw, signTx, startNode, type NodeProc } from './chain-helpers.js';

const TOKEN = example('token-c');
const FLAGS = ['--timestamp-step', '2', '--genesis-timestamp', '1700000000'];

describe('crash safety', { skip: TOKEN ? false : 'token-c not built' }, () => {
  it('keeps every acknowledged transaction across kill -9, and replays to the same state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-chain-crash-'));
    const raws = new Map<Hex, Hex>(); // every signed transaction sent, acknowledged or not
    const acked: Hex[] = [];
    let node: NodeProc = await startNode(['--data-dir', dir, ...FLAGS]);
    try {
      const deploy = await signTx(node.url, KEYS[0]!, { to: null, data: encodeDeploy(readFileSync(TOKEN!), ['1000000']), gas: 5_000_000n });
      const dh = await rpc<Hex>(node.url, 'eth_sendRawTransaction', [deploy]);
      raws.set(dh, deploy);
      acked.push(dh);
      const token = (await rpc<RpcReceipt>(node.url, 'eth_getTransactionReceipt', [dh])).contractAddress!;

      let seed = 12345;
      const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let round = 0; round < 4; round++) {
        let stop = false;
        const killAt = 200 + Math.floor(rand() * 900);
        const killer = setTimeout(() => {
          stop = true;
          node.proc.kill('SIGKILL');
        }, killAt);
        // a client sending as fast as it can until the node dies
        for (let i = 0; !stop; i++) {
          let raw: Hex;
          try {
            const key = KEYS[i % 2]!;
            raw = i % 3 === 2
              ? await signTx(node.url, key, { to: ADDRS[2]!, value: BigInt(i + 1), gas: 21_000n })
              : await signTx(node.url, key, { to: token, data: encodeCall(['transfer', ADDRS[2]!, String(i + 1)]), gas: 2_000_000n });
          } catch {
            break; // the node is gone
          }
          const hash = `0x${Buffer.from(await import('@noble/hashes/sha3').then((m) => m.keccak_256(Buffer.from(raw.slice(2), 'hex')))).toString('hex')}` as Hex;
          raws.set(hash, raw);
          try {
            const r = await rpcRaw<Hex>(node.url, 'eth_sendRawTransaction', [raw]);
            if (r.result) {
              const rc = await rpc<RpcReceipt | null>(node.url, 'eth_getTransactionReceipt', [r.result]);
              if (rc) acked.push(r.result);
            }
          } catch {
            break;
          }
        }
        clearTimeout(killer);
        if (!stop) node.proc.kill('SIGKILL');
        await new Promise((res) => (node.proc.exitCode !== null || node.proc.signalCode !== null ? res(null) : node.proc.once('exit', res)));
        node = await startNode(['--data-dir', dir, ...FLAGS]);
        for (const h of acked) {
          const rc = await rpc<RpcReceipt | null>(node.url, 'eth_getTransactionReceipt', [h]);
          assert.ok(rc, `acknowledged transaction ${h} lost after crash ${round + 1}`);
        }
      }
      assert.ok(acked.length > 5, `too few transactions got through (${acked.length})`);

      // replay every block's transactions into a fresh node
      const head = Number(BigInt(await rpc<Hex>(node.url, 'eth_blockNumber')));
      const fresh = await startNode(['--in-memory', ...FLAGS]);
      try {
        for (let n = 1; n <= head; n++) {
          const b = await rpc<{ transactions: Hex[]; hash: Hex }>(node.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
          assert.equal(b.transactions.length, 1);
          const raw = raws.get(b.transactions[0]!);
          assert.ok(raw, `block ${n} holds a transaction the client never sent`);
          await rpc(fresh.url, 'eth_sendRawTransaction', [raw]);
          const fb = await rpc<{ hash: Hex }>(fresh.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
          assert.equal(fb.hash, b.hash, `block ${n} differs`);
        }
        assert.equal(await rpc(fresh.url, 'qvm_stateRoot'), await rpc(node.url, 'qvm_stateRoot'));
      } finally {
        await fresh.stop();
      }
    } finally {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
