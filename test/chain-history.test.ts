/**
 * The versioned state store in process: the state at every past block (accounts, storage, dry
 * runs) equals what the live state was when that block was mined; rollbackTo and snapshot/revert
 * give back the same state root and, mined again, the same block hashes; a database made before
 * history existed keeps its state from its last block on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { privateKeyToAccount } from 'viem/accounts';
import { Chain, devAccounts, DEV_BALANCE, encodeCall, encodeDeploy, toHex, type Hex } from '../src/chain/index.js';
import { impersonatedTx } from '../src/chain/dev-signer.js';
import { example } from './chain-helpers.js';

const DEV = devAccounts(3);
const alloc = DEV.map((a) => ({ address: a.address, balance: DEV_BALANCE }));
const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3' as Hex;

async function sign(key: Hex, nonce: number, to: Hex | null, data: Uint8Array, value = 0n): Promise<Uint8Array> {
  const signed = await privateKeyToAccount(key).signTransaction({
    type: 'eip1559', chainId: 1337, nonce, gas: data.length ? 50_000_000n : 21_000n, value, data: toHex(data),
    maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n, ...(to ? { to } : {}),
  });
  return Uint8Array.from(Buffer.from(signed.slice(2), 'hex'));
}

interface Seen {
  hash: Hex;
  root: Hex;
  balances: bigint[];
  storage: Record<string, string>;
}

function look(chain: Chain): Seen {
  const st: Record<string, string> = {};
  for (const [k, v] of chain.storageOf(TOKEN)) st[k] = Buffer.from(v).toString();
  return { hash: chain.latest().hash, root: chain.stateRoot(), balances: DEV.map((d) => chain.account(d.address).balance), storage: st };
}

const balanceEvent = (chain: Chain, who: Hex, at?: number): string => {
  const r = chain.dryRun({ to: TOKEN, data: encodeCall(['balance', who]) }, at);
  assert.equal(r.exec.status, 'success', r.exec.failure?.reason);
  return Buffer.from(r.result!.events[0]!.data).toString();
};

const skip = example('token-c') ? false : 'token-c not built';

describe('versioned state store', { skip }, () => {
  it('answers for every past block, rolls back to any of them, and mines the same blocks again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-history-'));
    try {
      const opts = { dataDir: dir, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n };
      const chain = new Chain(opts);
      const txs = [
        await sign(DEV[0]!.privateKey, 0, null, encodeDeploy(readFileSync(example('token-c')!), ['1000'])),
        await sign(DEV[0]!.privateKey, 1, TOKEN, encodeCall(['transfer', DEV[1]!.address, '10'])),
        await sign(DEV[1]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), 5n),
        await sign(DEV[1]!.privateKey, 1, TOKEN, encodeCall(['transfer', DEV[2]!.address, '7'])),
      ];
      const seen: Seen[] = [look(chain)];
      for (const t of txs) {
        chain.submit(t);
        chain.mine();
        seen.push(look(chain));
      }
      for (let n = 0; n < seen.length; n++) {
        const view = chain.stateAt(n);
        assert.deepEqual(DEV.map((d) => view.account(d.address).balance), seen[n]!.balances, `balances at block ${n}`);
        const st: Record<string, string> = {};
        for (const [k, v] of view.storageOf(TOKEN)) st[k] = Buffer.from(v).toString();
        assert.deepEqual(st, seen[n]!.storage, `storage at block ${n}`);
        assert.equal(view.code(TOKEN) !== null, n >= 1);
        assert.equal(view.contract(TOKEN) !== null, n >= 1);
      }
      assert.match(balanceEvent(chain, DEV[1]!.address, 1), / 0$/);
      assert.match(balanceEvent(chain, DEV[1]!.address, 2), / 10$/);
      assert.match(balanceEvent(chain, DEV[1]!.address), / 3$/);
      assert.equal(chain.dryRun({ to: TOKEN, data: encodeCall(['balance', DEV[1]!.address]) }, 0).exec.kind, 'transfer', 'no code at block 0');
      assert.throws(() => chain.stateAt(99), /does not exist yet/);

      // roll back to block 1, then mine the same transactions again: the same chain
      const dropped = chain.blockByNumber(2)!.transactions[0]!;
      assert.notEqual(chain.receipt(dropped), null);
      chain.rollbackTo(1);
      assert.equal(chain.latest().number, 1);
      assert.deepEqual(look(chain), seen[1]);
      assert.equal(chain.receipt(dropped), null);
      assert.equal(chain.logs({ fromBlock: 0, toBlock: 9, addresses: null, topic0: null, limit: 100 }).length, 1, 'the deploy log only');
      assert.equal(chain.blockByNumber(2), null);
      for (const t of txs.slice(1)) {
        chain.submit(t);
        chain.mine();
      }
      assert.deepEqual(look(chain), seen[4]);
      chain.rollbackTo(0);
      assert.deepEqual(look(chain), seen[0]);
      assert.equal(chain.contract(TOKEN), null);
      chain.close();
      // the database holds what memory holds
      const again = new Chain(opts);
      assert.deepEqual(look(again), seen[0]);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('snapshot and revert undo development edits and blocks alike', async () => {
    const chain = new Chain({ dataDir: null, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n });
    const before = look(chain);
    const snap = chain.snapshot();
    chain.editAccount(DEV[2]!.address, { balance: 42n });
    assert.equal(chain.account(DEV[2]!.address).balance, 42n);
    assert.equal(chain.stateAt(0).account(DEV[2]!.address).balance, 42n, 'an edit changes the latest block state');
    chain.submit(await sign(DEV[0]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), 8n));
    chain.mine();
    assert.equal(chain.account(DEV[2]!.address).balance, 50n);
    const inner = chain.snapshot();
    chain.editAccount(DEV[1]!.address, { nonce: 9n });
    chain.revertTo(inner);
    assert.equal(chain.account(DEV[1]!.address).nonce, 0n);
    assert.equal(chain.account(DEV[2]!.address).balance, 50n);
    chain.revertTo(snap);
    assert.deepEqual(look(chain), before);
    chain.close();
  });

  it('an impersonated transaction keeps its sender across a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-history-imp-'));
    try {
      const opts = { dataDir: dir, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n };
      const chain = new Chain(opts);
      const who = '0x00000000000000000000000000000000000000cc' as Hex;
      chain.editAccount(who, { balance: 10n ** 18n });
      const raw = impersonatedTx(who, {
        chainId: 1337n, nonce: 0n, to: DEV[0]!.address, value: 5n, data: new Uint8Array(0),
        gas: 21_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n,
      });
      assert.throws(() => chain.submit(raw), /insufficient funds|invalid signature/, 'not without impersonation');
      const tx = chain.submit(raw, who);
      chain.mine();
      assert.equal(chain.receipt(tx.hash)!.status, '0x1');
      chain.close();
      const again = new Chain(opts);
      assert.equal(again.transaction(tx.hash)!.tx.from, who);
      assert.equal(again.account(DEV[0]!.address).balance, DEV_BALANCE + 5n);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a database made before history existed keeps state from its last block on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-history-old-'));
    try {
      const opts = { dataDir: dir, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n };
      const chain = new Chain(opts);
      chain.submit(await sign(DEV[0]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), 1n));
      chain.mine();
      chain.close();
      const db = new Database(join(dir, 'chain.sqlite'));
      db.exec('DROP TABLE account_history; DROP TABLE storage_history; DROP TABLE block_versions;');
      db.close();
      const again = new Chain(opts);
      assert.throws(() => again.stateAt(0), /not kept: history starts at block 1/);
      again.submit(await sign(DEV[0]!.privateKey, 1, DEV[2]!.address, new Uint8Array(0), 2n));
      again.mine();
      assert.equal(again.stateAt(1).account(DEV[2]!.address).balance, DEV_BALANCE + 1n);
      assert.equal(again.account(DEV[2]!.address).balance, DEV_BALANCE + 3n);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
