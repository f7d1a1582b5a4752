/**
 * L1 reorgs against a real anvil (evm_snapshot / evm_revert, then other L1 transactions): the
 * executor rolls its L2 state back to the common ancestor, derives the new L1 blocks, and ends
 * with exactly the chain a fresh executor derives — for a longer and for a shorter new L1 chain.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Hex } from '../src/chain/index.js';
import { ADDRS, example } from './chain-helpers.js';
import { blocks, l1Env, rpc, startL2, syncStatus, type L1Env } from './l2-helpers.js';

const TOKEN = example('token-c');
const text = (h: Hex | null | undefined): string | null => (h ? Buffer.from(h.slice(2), 'hex').toString('utf8') : null);

/** Waits until the node has derived the current canonical L1 head (same number and hash). */
async function waitCanonical(env: L1Env, url: string, minReorgs: number): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const head = await rpc<{ number: string; hash: Hex }>(env.anvil.url, 'eth_getBlockByNumber', ['latest', false]);
    const s = await syncStatus(url);
    if (s.reorgs >= minReorgs && s.l1Derived.number === Number(BigInt(head.number)) && s.l1Derived.hash === head.hash) return;
    if (Date.now() > until) throw new Error(`no canonical sync: ${JSON.stringify(s)} vs L1 head ${head.number} ${head.hash}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('L1 reorgs', { skip: TOKEN ? false : 'token-c not built' }, () => {
  it('rolls back to the common ancestor and matches a fresh executor', async () => {
    const env = await l1Env();
    try {
      const token = await env.inbox.deploy(readFileSync(TOKEN!), ['1000000']);
      const a = await startL2(env);
      const mem = await startL2(env, ['--in-memory']); // rolls back its in-memory database too
      const transfer = (to: Hex, n: number): Promise<unknown> => env.inbox.call(token.contractAddress, ['transfer', to, String(n)], [], new Uint8Array(0));
      const balances = async (url: string): Promise<Record<string, Hex | null>> => rpc(url, 'qvm_getStorage', [token.contractAddress, [`BAL_${ADDRS[1]}`, `BAL_${ADDRS[2]}`]]);
      await waitCanonical(env, a.url, 0);

      // 1: the new L1 chain is longer than the one it replaces
      let snap = await rpc<Hex>(env.anvil.url, 'evm_snapshot');
      for (let i = 1; i <= 3; i++) await transfer(ADDRS[1]!, i);
      await env.inbox.deposit(10n ** 15n);
      await waitCanonical(env, a.url, 0);
      assert.equal(text((await balances(a.url))[`BAL_${ADDRS[1]}`]), '6');
      const before = (await syncStatus(a.url)).l2Head.number;
      assert.equal(await rpc<boolean>(env.anvil.url, 'evm_revert', [snap]), true);
      await rpc(env.anvil.url, 'evm_mine');
      for (let i = 1; i <= 5; i++) await transfer(ADDRS[2]!, 10 * i);
      await waitCanonical(env, a.url, 1);
      let bal = await balances(a.url);
      assert.equal(bal[`BAL_${ADDRS[1]}`], null, 'the transfers of the lost fork are undone');
      assert.equal(text(bal[`BAL_${ADDRS[2]}`]), '150');
      assert.equal(BigInt(await rpc<string>(a.url, 'eth_getBalance', [ADDRS[0]!])), 0n, 'the deposit of the lost fork is undone');
      assert.equal((await syncStatus(a.url)).l2Head.number, before - 4 + 5, 'four L2 blocks rolled back, five derived');

      // 2: the new L1 chain is shorter: the executor's last L1 block no longer exists
      snap = await rpc<Hex>(env.anvil.url, 'evm_snapshot');
      for (let i = 1; i <= 4; i++) await transfer(ADDRS[1]!, 100 * i);
      await waitCanonical(env, a.url, 1);
      assert.equal(await rpc<boolean>(env.anvil.url, 'evm_revert', [snap]), true);
      await transfer(ADDRS[1]!, 7);
      await waitCanonical(env, a.url, 2);
      bal = await balances(a.url);
      assert.equal(text(bal[`BAL_${ADDRS[1]}`]), '7');
      assert.equal(text(bal[`BAL_${ADDRS[2]}`]), '150');

      const fresh = await startL2(env);
      await waitCanonical(env, fresh.url, 0);
      assert.deepEqual(await blocks(a.url), await blocks(fresh.url));
      await waitCanonical(env, mem.url, 2);
      assert.deepEqual(await blocks(mem.url), await blocks(fresh.url));
      assert.equal((await syncStatus(a.url)).stateRoot, (await syncStatus(fresh.url)).stateRoot);
    } finally {
      await env.close();
    }
  });
});
