/**
 * The explorer's read-only RPC methods and qvm_traceTransaction on an in-process chain: a token is
 * deployed and transfers are mined; each trace re-executes its transaction and shows the storage
 * values before and after (checked against the storage the chain really had), the events as text
 * and a gas profile adding up to the receipt's VM gas, in any order of tracing.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { privateKeyToAccount } from 'viem/accounts';
import { Chain, RpcServer, encodeCall, encodeDeploy, type Hex } from '../src/chain/index.js';
import { ADDRS, KEYS, example, hex } from './chain-helpers.js';

const tokenPath = example('token-c');

async function sign(key: Hex, nonce: number, to: Hex | null, data: Uint8Array): Promise<Uint8Array> {
  const raw = await privateKeyToAccount(key).signTransaction({
    type: 'eip1559', chainId: 1337, nonce, gas: 100_000_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 0n,
    ...(to ? { to } : {}), value: 0n, data: hex(data),
  });
  return new Uint8Array(Buffer.from(raw.slice(2), 'hex'));
}

describe('explorer RPC and qvm_traceTransaction', { skip: !tokenPath && 'examples not built' }, () => {
  let chain: Chain;
  let rpc: RpcServer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON-RPC results, checked field by field
  const call = (method: string, ...params: unknown[]): any => {
    const r = rpc.handle({ jsonrpc: '2.0', id: 1, method, params }) as { result?: unknown; error?: { message: string } };
    if (r.error) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  const hashes: Hex[] = [];
  /** The token's storage after each mined transaction, as the chain held it. */
  const snapshots: Array<Map<string, string>> = [];
  let token: Hex;

  before(async () => {
    const genesisAlloc = ADDRS.map((a) => ({ address: a, balance: 10n ** 24n }));
    chain = new Chain({ dataDir: null, genesisAlloc, genesisTimestamp: 1_800_000_000n, timestampStep: 2n });
    rpc = new RpcServer(chain);
    const code = new Uint8Array(readFileSync(tokenPath!));
    const txs: Array<[number, Hex | null, Uint8Array]> = [[0, null, encodeDeploy(code, ['1000'])]];
    const mine = async (key: number, to: Hex | null, data: Uint8Array): Promise<void> => {
      const t = chain.submit(await sign(KEYS[key]!, Number(chain.pendingNonce(ADDRS[key]!)), to, data));
      chain.mine();
      hashes.push(t.hash);
      const st = chain.storageOf(token ?? (chain.receipt(t.hash)!.contractAddress as Hex));
      snapshots.push(new Map([...st].map(([k, v]) => [k, hex(v)])));
    };
    await mine(...txs[0]!);
    token = chain.receipt(hashes[0]!)!.contractAddress as Hex;
    await mine(0, token, encodeCall(['transfer', ADDRS[1]!, '300'], [`BAL_${ADDRS[0]}`]));
    await mine(1, token, encodeCall(['transfer', ADDRS[2]!, '100']));
    await mine(2, token, encodeCall(['transfer', ADDRS[0]!, '5000'])); // more than it has: fails
    await mine(0, token, encodeCall(['transfer', ADDRS[2]!, '1']));
    await mine(0, ADDRS[1]!, new Uint8Array(0)); // a plain transfer
    await mine(1, null, encodeDeploy(code, ['lots'])); // a constructor that fails
  });
  after(() => chain.close());

  it('lists blocks and transactions, newest first', () => {
    const blocks = call('qvm_listBlocks', 3);
    assert.deepEqual(blocks.map((b: { number: number }) => b.number), [7, 6, 5]);
    assert.equal(blocks[0].transactions, 1);
    const older = call('qvm_listBlocks', 2, 2);
    assert.deepEqual(older.map((b: { number: number }) => b.number), [1, 0]);
    const txs = call('qvm_listTransactions', { limit: 4 });
    assert.deepEqual(txs.map((t: { hash: Hex }) => t.hash), hashes.slice(-4).reverse());
    // sent by it or to it (a token transfer to it is a call to the token)
    const mine = call('qvm_listTransactions', { address: ADDRS[1] });
    assert.deepEqual(mine.map((t: { hash: Hex }) => t.hash), [hashes[6], hashes[5], hashes[2]]);
    assert.equal(mine[1].kind, 'transfer');
    assert.equal(call('qvm_listTransactions', { address: ADDRS[2] })[0].status, 'failure');
    assert.equal(call('qvm_listTransactions', { address: token }).length, 5);
    assert.equal(call('qvm_listTransactions', { block: 2 })[0].hash, hashes[1]);
  });

  it('an account and its storage, paged', () => {
    const a = call('qvm_getAccount', token);
    assert.equal(a.arch, 'x86_64');
    assert.equal(a.codeSize, readFileSync(tokenPath!).length);
    assert.equal(a.contract.deployTx, hashes[0]);
    assert.equal(a.storageKeys, 5);
    const p1 = call('qvm_getStoragePage', token, 0, 2);
    const p2 = call('qvm_getStoragePage', token, 2, 10);
    assert.equal(p1.total, 5);
    const keys = [...p1.entries, ...p2.entries].map((e: { key: string }) => e.key);
    assert.deepEqual(keys, [...snapshots[5]!.keys()].sort());
    const bal = p1.entries.concat(p2.entries).find((e: { key: string }) => e.key === `BAL_${ADDRS[1]}`);
    assert.equal(bal.text, '200');
    const user = call('qvm_getAccount', ADDRS[0]);
    assert.equal(user.arch, null);
    assert.equal(user.nonce, '0x4');
  });

  it('garbage parameters get an error or an answer, never an internal error', () => {
    const garbage: unknown[][] = [[], [null], [{}], ['0x'], [123], [[]], [-1, -1, -1], [1.5], ['0x' + 'ab'.repeat(20), 'x', {}], [{ address: 5, limit: -3 }], [{ block: 'x' }], [{ limit: 1e9 }], ['0x' + '11'.repeat(32), 'yes'], ['0x' + '11'.repeat(32), { reexecute: 1 }]];
    for (const m of ['qvm_listBlocks', 'qvm_listTransactions', 'qvm_getAccount', 'qvm_getStoragePage', 'qvm_search', 'qvm_traceTransaction']) {
      for (const g of garbage) {
        const r = rpc.handle({ jsonrpc: '2.0', id: 1, method: m, params: g }) as { result?: unknown; error?: { code: number; message: string } };
        assert.ok('result' in r || r.error, `${m}(${JSON.stringify(g)}): no result and no error`);
        if (r.error) assert.notEqual(r.error.code, -32603, `${m}(${JSON.stringify(g)}): ${r.error.message}`);
      }
    }
  });

  it('search: block number, block hash, tx hash, address, nothing', () => {
    assert.deepEqual(call('qvm_search', '3'), { kind: 'block', path: '/block/3' });
    assert.deepEqual(call('qvm_search', chain.blockByNumber(2)!.hash), { kind: 'block', path: '/block/2' });
    assert.deepEqual(call('qvm_search', ` ${hashes[1]!.toUpperCase().replace('0X', '0x')} `), { kind: 'tx', path: `/tx/${hashes[1]}` });
    assert.deepEqual(call('qvm_search', token), { kind: 'address', path: `/address/${token}` });
    assert.deepEqual(call('qvm_search', 'hello'), { kind: 'none', path: null });
    assert.deepEqual(call('qvm_search', '99'), { kind: 'none', path: null });
  });

  it('traces in any order show the real old and new values, events as text and an exact profile', () => {
    for (const i of [4, 1, 2, 0, 3, 4, 1]) {
      const shared = call('qvm_traceTransaction', hashes[i]);
      assert.equal(shared.reexecuted, undefined, 'only when asked for');
      const full = call('qvm_traceTransaction', hashes[i], { reexecute: true });
      const t = { ...full, ...full.reexecuted };
      assert.deepEqual({ ...full, reexecuted: undefined }, { ...shared, reexecuted: undefined }, 'the shared shape is unchanged');
      const receipt = chain.receipt(hashes[i]!)!;
      assert.equal(t.vmGasUsed, receipt.qvm.vmGasUsed);
      assert.equal(t.profile.gasUsed, receipt.qvm.vmGasUsed);
      assert.equal(t.profile.stacks.reduce((a: number, s: { gas: number }) => a + s.gas, 0), receipt.qvm.vmGasUsed);
      assert.ok(t.profile.functions.some((f: { name: string }) => f.name === 'main'));
      const beforeSt = i === 0 ? new Map<string, string>() : snapshots[i - 1]!;
      const afterSt = snapshots[i]!;
      if (receipt.status === '0x1') {
        assert.ok(t.storageWrites.length > 0);
        for (const w of t.storageWrites) {
          assert.equal(w.old, beforeSt.get(w.key) ?? null, `old value of ${w.key} in tx ${i}`);
          assert.equal(w.new, afterSt.get(w.key) ?? null, `new value of ${w.key} in tx ${i}`);
        }
      } else {
        assert.equal(t.status, 'failure');
        assert.deepEqual(t.storageWrites, []);
        assert.match(t.failure.reason, /.+/);
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a trace object, checked field by field
    const trace = (h: Hex): any => { const f = call('qvm_traceTransaction', h, { reexecute: true }); return { ...f, ...f.reexecuted }; };
    const t1 = trace(hashes[1]!);
    assert.deepEqual(t1.args, ['transfer', ADDRS[1], '300']);
    assert.deepEqual(t1.readKeys, [`BAL_${ADDRS[0]}`]);
    assert.equal(t1.events[0].text, `transfer ${ADDRS[0]} ${ADDRS[1]} 300`);
    const txt = (h: Hex | null): string | null => (h === null ? null : Buffer.from(h.slice(2), 'hex').toString());
    assert.deepEqual(t1.storageWrites.map((w: { key: string; old: Hex | null; new: Hex | null }) => [w.key, txt(w.old), txt(w.new)]),
      [[`BAL_${ADDRS[0]}`, '1000', '700'], [`BAL_${ADDRS[1]}`, null, '300']]);
    const plain = trace(hashes[5]!);
    assert.equal(plain.kind, 'transfer');
    assert.equal(plain.profile, null);
    assert.equal(call('qvm_traceTransaction', '0x' + '11'.repeat(32), { reexecute: true }), null);
    const failedDeploy = trace(hashes[6]!);
    assert.equal(failedDeploy.status, 'failure');
    assert.match(failedDeploy.events[0].text, /invalid supply lots/);
    assert.equal(failedDeploy.profile.gasUsed, chain.receipt(hashes[6]!)!.qvm.vmGasUsed);
  });
});
