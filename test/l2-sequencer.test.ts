/**
 * The sequencer: signed L2 transactions sent to its JSON-RPC get a soft receipt at once, go to the
 * L1 Inbox in batches, and a follower that reads only L1 reaches the same blocks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createAddress, encodeCall, encodeDeploy, type Hex, type RpcReceipt } from '../src/chain/index.js';
import { l1Client, L1Reader } from '../src/l2/l1.js';
import { MESSAGE_KINDS } from '../src/l2/messages.js';
import { ADDRS, example, rpcRaw, signTx } from './chain-helpers.js';
import { blocks, KEYS, l1Env, qvm, rpc, startL2, syncStatus, waitSynced } from './l2-helpers.js';

const TOKEN = example('token-c');
const text = (h: Hex | null | undefined): string | null => (h ? Buffer.from(h.slice(2), 'hex').toString('utf8') : null);

describe('L2 sequencer', { skip: TOKEN ? false : 'token-c not built' }, () => {
  it('soft receipts at once, batches on L1, the follower agrees', async () => {
    const env = await l1Env();
    try {
      await env.inbox.deposit(10n ** 18n);
      const seq = await startL2(env, ['--sequencer-key', KEYS[1]!]);
      const follower = await startL2(env);
      await waitSynced(env, seq.url);
      assert.equal(BigInt(await rpc<string>(seq.url, 'eth_getBalance', [ADDRS[0]!])), 10n ** 18n);

      const token = createAddress(ADDRS[0]!, 0n);
      const hashes: Hex[] = [];
      const deploy = await signTx(seq.url, KEYS[0]!, { to: null, chainId: 1338, data: encodeDeploy(readFileSync(TOKEN!), ['1000']), gas: 50_000_000n });
      hashes.push(await rpc<Hex>(seq.url, 'eth_sendRawTransaction', [deploy]));
      const soft = await rpc<RpcReceipt & { soft?: boolean }>(seq.url, 'eth_getTransactionReceipt', [hashes[0]]);
      assert.equal(soft.soft, true, 'a soft receipt before the batch is derived');
      assert.equal(soft.blockHash, null);
      assert.equal(soft.contractAddress, token);
      for (let i = 1; i <= 4; i++) {
        const raw = await signTx(seq.url, KEYS[0]!, { to: token, chainId: 1338, data: encodeCall(['transfer', ADDRS[2]!, String(i)]), gas: 5_000_000n });
        hashes.push(await rpc<Hex>(seq.url, 'eth_sendRawTransaction', [raw]));
      }
      // a follower is no sequencer
      const refused = await rpcRaw(follower.url, 'eth_sendRawTransaction', [deploy]);
      assert.match(refused.error?.message ?? '', /not a sequencer/);

      const until = Date.now() + 60_000;
      for (const h of hashes) {
        for (;;) {
          const r = await rpc<(RpcReceipt & { soft?: boolean }) | null>(follower.url, 'eth_getTransactionReceipt', [h]);
          if (r) {
            assert.equal(r.status, '0x1');
            assert.equal(r.soft, undefined);
            break;
          }
          if (Date.now() > until) throw new Error(`${h} never reached the follower`);
          await new Promise((res) => setTimeout(res, 100));
        }
      }
      // through the CLI too (qvm call against the sequencer: soft receipt printed at once)
      const cli = await qvm(['call', token, 'transfer', ADDRS[1]!, '50', '--rpc', seq.url]);
      assert.equal(cli.status, 0, cli.stdout + cli.stderr);
      assert.match(cli.stdout, /status +success/);

      const messages = await new L1Reader(l1Client(env.anvil.url)).messages(env.l1.inbox, 0, 100_000);
      const batches = messages.filter((m) => m.message[0] === MESSAGE_KINDS.batch);
      assert.ok(batches.length >= 1, 'the transactions went to L1 in batches');
      assert.equal(toHexAddr(batches[0]!.message.subarray(1, 21)), ADDRS[1], 'posted by the sequencer key');

      for (let i = 0; i < 100 && (await syncStatus(seq.url)).sequencer!.pending > 0; i++) await new Promise((res) => setTimeout(res, 100));
      await waitSynced(env, seq.url);
      await waitSynced(env, follower.url);
      const store = await rpc<Record<string, Hex | null>>(follower.url, 'qvm_getStorage', [token, [`BAL_${ADDRS[2]}`, `BAL_${ADDRS[1]}`]]);
      assert.equal(text(store[`BAL_${ADDRS[2]}`]), '10');
      assert.equal(text(store[`BAL_${ADDRS[1]}`]), '50');
      assert.deepEqual(await blocks(follower.url), await blocks(seq.url));
    } finally {
      await env.close();
    }
  });
});

const toHexAddr = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;
