/**
 * Layer 2 end to end against a real anvil: the C token and the Go registry (in chunks) deployed
 * through the L1 Inbox, 50 calls mixed with deposits, an executor that follows from the start (and
 * proposes outputs), one started 50 L1 blocks later and one started from genesis at the end: all
 * three have the same L2 blocks (hash, so state root, transactions and receipts) at every height.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Hex, RpcReceipt } from '../src/chain/index.js';
import { InboxClient } from '../src/l2/client.js';
import { l1Client } from '../src/l2/l1.js';
import { L1Sender } from '../src/l2/l1-sender.js';
import { ADDRS, example } from './chain-helpers.js';
import { blocks, KEYS, l1Env, rpc, startL2, syncStatus, waitSynced } from './l2-helpers.js';

const TOKEN = example('token-c');
const REGISTRY_GO = example('registry-go');
const text = (h: Hex | null): string | null => (h === null ? null : Buffer.from(h.slice(2), 'hex').toString('utf8'));

describe('L2 derivation from the L1 inbox', { skip: TOKEN && REGISTRY_GO ? false : 'examples not built (test/setup.sh)' }, () => {
  it('three executors started apart agree on every L2 block', async () => {
    const env = await l1Env();
    try {
      const a = await startL2(env, ['--propose-key', KEYS[1]!]);
      const l1Head = async (): Promise<number> => Number(BigInt(await rpc<string>(env.anvil.url, 'eth_blockNumber')));
      const start = await l1Head();
      const token = await env.inbox.deploy(readFileSync(TOKEN!), ['1000000']);
      assert.equal(token.chunks, 0);
      const registry = await env.inbox.deploy(readFileSync(REGISTRY_GO!), ['100']);
      assert.ok(registry.chunks >= 10, `the Go registry (1.3 MB) goes up in chunks, got ${registry.chunks}`);

      const depositor = new InboxClient(new L1Sender(l1Client(env.anvil.url), env.anvil.url, KEYS[2]!), env.l1.inbox);
      let b: Awaited<ReturnType<typeof startL2>> | null = null;
      let deposited = 0n;
      const sent = new Map<Hex, bigint>();
      let users = 0;
      for (let i = 0; i < 50; i++) {
        if (i % 5 === 0) {
          const v = BigInt(i + 1) * 10n ** 15n;
          await depositor.deposit(v);
          deposited += v;
        } else if (i % 10 === 3) {
          await env.inbox.call(registry.contractAddress, ['register', `user${i}`], ['USER_CURRENT', 'TOTALUSERS', 'QVM_INIT_MAXUSER'], new Uint8Array(0));
          users++;
        } else {
          const to = ADDRS[1 + (i % 2)]!;
          await env.inbox.call(token.contractAddress, ['transfer', to, String(i + 1)], [], new Uint8Array(0));
          sent.set(to, (sent.get(to) ?? 0n) + BigInt(i + 1));
        }
        if (!b && (await l1Head()) >= start + 50) b = await startL2(env); // the late follower
      }
      assert.ok(b, 'the second executor started');
      const sa = await waitSynced(env, a.url);
      await waitSynced(env, b.url);
      const c = await startL2(env); // from genesis, after everything
      const sc = await waitSynced(env, c.url);
      assert.equal(sc.inbox.messages, 2 + registry.chunks + 50);

      const [ba, bb, bc] = await Promise.all([blocks(a.url), blocks(b.url), blocks(c.url)]);
      assert.ok(ba.length > 50, `one L2 block per L1 block with messages: ${ba.length}`);
      assert.deepEqual(bb, ba);
      assert.deepEqual(bc, ba);
      assert.equal(sa.stateRoot, sc.stateRoot);

      // the state is what the messages did
      const deployR = await rpc<RpcReceipt>(c.url, 'eth_getTransactionReceipt', [registry.l2TransactionHash]);
      assert.equal(deployR.status, '0x1');
      assert.equal(deployR.contractAddress, registry.contractAddress);
      assert.equal(deployR.type, '0x7e', 'an L1 message transaction');
      const deployTx = await rpc<{ from: Hex; l1Message?: boolean; blockNumber: Hex }>(c.url, 'eth_getTransactionByHash', [registry.l2TransactionHash]);
      assert.equal(deployTx.l1Message, true);
      assert.equal(deployTx.from, ADDRS[0]);
      assert.equal(deployTx.blockNumber, deployR.blockNumber);
      const tokenStore = await rpc<Record<string, Hex | null>>(c.url, 'qvm_getStorage', [token.contractAddress, null]);
      for (const [to, amount] of sent) assert.equal(text(tokenStore[`BAL_${to}`] ?? null), String(amount));
      const regStore = await rpc<Record<string, Hex | null>>(c.url, 'qvm_getStorage', [registry.contractAddress, ['TOTALUSERS']]);
      assert.equal(text(regStore.TOTALUSERS ?? null), String(users));
      assert.equal(BigInt(await rpc<string>(c.url, 'eth_getBalance', [ADDRS[2]!])), deposited);

      // the proposer posted outputs; every node checked them and found them right
      for (const n of [a, b, c]) {
        const s = await syncStatus(n.url);
        assert.equal(s.mismatches.length, 0);
        assert.ok(s.outputsChecked > 0, `${n.url} checked posted outputs`);
      }
    } finally {
      await env.close();
    }
  });
});
