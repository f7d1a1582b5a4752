/**
 * Blocks whose transactions execute in a worker thread (Chain.mineWith with a block executor):
 * the same transactions give the same block hashes, state roots, receipts and gas as on the
 * chain's own thread; and a node mining that way answers reads from the last committed block while
 * a long transaction executes, keeps control methods in order behind the block, and puts a
 * transaction submitted meanwhile into the next block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import WebSocket from 'ws';
import { Chain, devAccounts, DEV_BALANCE, encodeCall, encodeDeploy, toHex, type Hex } from '../src/chain/index.js';
import { Executor } from '../src/chain/executor.js';
import { RpcServer } from '../src/chain/rpc.js';
import { BUILD } from './helpers.js';
import { example } from './chain-helpers.js';

const DEV = devAccounts(3);
const alloc = DEV.map((a) => ({ address: a.address, balance: DEV_BALANCE }));
const PROBE = join(BUILD, 'contracts', 'probe');
const TOKEN = example('token-c');

async function sign(key: Hex, nonce: number, to: Hex | null, data: Uint8Array, gas = 50_000_000n, value = 0n): Promise<Hex> {
  return privateKeyToAccount(key).signTransaction({
    type: 'eip1559', chainId: 1337, nonce, gas, value, data: toHex(data), maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n, ...(to ? { to } : {}),
  });
}
const raw = (h: Hex): Uint8Array => Uint8Array.from(Buffer.from(h.slice(2), 'hex'));
const newChain = (blockGasLimit?: bigint): Chain =>
  new Chain({ dataDir: null, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n, ...(blockGasLimit ? { blockGasLimit } : {}) });

/** Blocks of several transactions each: deploys, token and probe calls, a value transfer, failures. */
async function workload(): Promise<Hex[][]> {
  const [a, b] = [DEV[0]!.privateKey, DEV[1]!.privateKey];
  const token = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
  const probe = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512';
  return [
    [await sign(a, 0, null, encodeDeploy(readFileSync(TOKEN!), ['1000'])), await sign(a, 1, null, encodeDeploy(readFileSync(PROBE), []), 200_000_000n)],
    [
      await sign(a, 2, token, encodeCall(['transfer', DEV[1]!.address, '10'])),
      await sign(b, 0, token, encodeCall(['transfer', DEV[2]!.address, '3'])),
      await sign(a, 3, probe, encodeCall(['writes', '40'])),
      await sign(b, 1, DEV[2]!.address, new Uint8Array(0), 21_000n, 5n),
      await sign(a, 4, probe, encodeCall(['read', 'K1', 'K39', 'missing'], ['K1', 'K39'])),
      await sign(b, 2, token, new Uint8Array([1, 2, 3])), // not an envelope: a failure receipt
    ],
    [
      await sign(a, 5, probe, encodeCall(['exit', '3'])), // exits non-zero: fails, writes dropped
      await sign(b, 3, probe, encodeCall(['loop']), 3_000_000n), // out of gas
      await sign(a, 6, token, encodeCall(['transfer', DEV[2]!.address, '1'])),
      await sign(b, 4, probe, encodeCall(['ls'])),
    ],
  ];
}

/** Every figure of a chain that the consensus fixes: headers, receipts (gas, logs, runs), roots. */
function summary(chain: Chain): unknown[] {
  const out: unknown[] = [];
  for (let n = 0; n <= chain.latest().number; n++) {
    const b = chain.blockByNumber(n)!;
    out.push(b, ...b.transactions.map((h) => chain.receipt(h)));
  }
  out.push(chain.stateRoot());
  return out;
}

test('a block gives the same hashes, roots, receipts and gas whether its transactions run here or in a worker', { skip: TOKEN ? false : 'token-c not built' }, async () => {
  const blocks = await workload();
  const here = newChain();
  const there = newChain();
  const exec = new Executor(null);
  try {
    for (const txs of blocks) {
      for (const t of txs) {
        here.submit(raw(t));
        there.submit(raw(t));
      }
      here.mine();
      await there.mineWith((job) => exec.run(job));
    }
    assert.equal(here.latest().number, 3);
    const receipts = here.latest().transactions.map((h) => here.receipt(h)!);
    assert.deepEqual(receipts.map((r) => r.status), ['0x0', '0x0', '0x1', '0x1'], 'the failures are failures');
    assert.deepEqual(summary(there), summary(here));
  } finally {
    here.close();
    there.close();
    await exec.close();
  }
});

test('empty blocks mined many per database transaction are the blocks mined one by one', () => {
  const one = newChain();
  const many = newChain();
  try {
    for (let i = 0; i < 40; i++) {
      if (i > 0) one.increaseTime(12n);
      one.mine();
    }
    many.mineEmpty(15, 12n);
    many.increaseTime(12n);
    many.mineEmpty(25, 12n);
    assert.equal(many.latest().number, 40);
    assert.deepEqual(summary(many), summary(one));
    // the chain goes on from there alike, and the history has every block's state
    assert.deepEqual(many.stateAt(17).account(DEV[0]!.address), one.stateAt(17).account(DEV[0]!.address));
  } finally {
    one.close();
    many.close();
  }
});

test('while a block executes in the worker, reads see the last committed block and writes wait their turn', async () => {
  const chain = newChain();
  const rpc = new RpcServer(chain, { automine: true, blockExecutor: new Executor(null) });
  const call = (id: number, method: string, params: unknown[]): Promise<{ result?: unknown; error?: { message: string } }> =>
    rpc.handleAsync({ jsonrpc: '2.0', id, method, params }) as Promise<{ result?: unknown; error?: { message: string } }>;
  try {
    const [a, b] = [DEV[0]!.privateKey, DEV[1]!.privateKey];
    const deployed = await call(1, 'eth_sendRawTransaction', [await sign(a, 0, null, encodeDeploy(readFileSync(PROBE), []), 200_000_000n)]);
    const probe = chain.receipt(deployed.result as Hex)!.contractAddress!;
    assert.equal(chain.latest().number, 1);
    const balance = chain.account(DEV[0]!.address).balance;

    // a transaction that loops until its gas (tens of millions of instructions) is gone
    const order: string[] = [];
    const long = call(2, 'eth_sendRawTransaction', [await sign(a, 1, probe, encodeCall(['loop']), 60_000_000n)]).then((r) => {
      order.push('long');
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    const snapshot = call(3, 'evm_snapshot', []).then((r) => {
      order.push('snapshot');
      return r;
    });
    const next = call(4, 'eth_sendRawTransaction', [await sign(b, 0, DEV[2]!.address, new Uint8Array(0), 21_000n, 7n)]);
    const bn = await call(5, 'eth_blockNumber', []);
    const bal = await call(6, 'eth_getBalance', [DEV[0]!.address, 'latest']);
    const nonce = await call(7, 'eth_getTransactionCount', [DEV[0]!.address, 'latest']);
    order.push('reads');
    assert.equal(bn.result, '0x1', 'the block being built is not visible');
    assert.equal(BigInt(bal.result as Hex), balance);
    assert.equal(nonce.result, '0x1');
    assert.equal(chain.stateRoot(), chain.latest().stateRoot);

    const longReply = await long;
    assert.equal(typeof longReply.result, 'string', JSON.stringify(longReply));
    await snapshot;
    assert.deepEqual(order, ['reads', 'long', 'snapshot'], 'reads are answered while the block executes; the control method waits for it');
    const r = chain.receipt(longReply.result as Hex)!;
    assert.equal(r.status, '0x0');
    assert.match(r.qvm.failure?.reason ?? '', /out of gas/);
    assert.equal(BigInt(r.gasUsed), 60_000_000n);

    // the transfer submitted during the long block went into the next one
    const nextReply = await next;
    const t = chain.transaction(nextReply.result as Hex)!;
    assert.equal(t.block, 3);
    assert.equal(chain.account(DEV[2]!.address).balance, DEV_BALANCE + 7n);
  } finally {
    await rpc.close();
    chain.close();
  }
});

test('eth_sendTransaction without gas estimates it in the call executor, then pools and mines', async () => {
  const chain = newChain(1_000_000_000_000n);
  // a gas cap far above what the translator retires in the 2 s budget (a tight loop runs at ~10^9 instructions/s)
  const rpc = new RpcServer(chain, {
    automine: true, devAccounts: DEV, executor: new Executor(2000), blockExecutor: new Executor(null), callGasCap: 1_000_000_000_000n,
  });
  const call = (id: number, method: string, params: unknown[]): Promise<{ result?: unknown; error?: { message: string } }> =>
    rpc.handleAsync({ jsonrpc: '2.0', id, method, params }) as Promise<{ result?: unknown; error?: { message: string } }>;
  try {
    const from = DEV[0]!.address;
    const deployed = await call(1, 'eth_sendTransaction', [{ from, data: toHex(encodeDeploy(readFileSync(PROBE), [])) }]);
    assert.equal(typeof deployed.result, 'string', JSON.stringify(deployed));
    const probe = chain.receipt(deployed.result as Hex)?.contractAddress;
    assert.ok(probe, JSON.stringify(deployed));
    const sent = await call(2, 'eth_sendTransaction', [{ from, to: probe, data: toHex(encodeCall(['writes', '3'])) }]);
    const r = chain.receipt(sent.result as Hex)!;
    assert.equal(r.status, '0x1');
    assert.deepEqual(['K0', 'K1', 'K2'].map((k) => chain.storageOf(probe).has(k)), [true, true, true]);
    // an estimate that never ends meets the executor's time budget, not the gas cap
    const endless = await call(3, 'eth_sendTransaction', [{ from, to: probe, data: toHex(encodeCall(['loop'])) }]);
    assert.match(endless.error?.message ?? '', /ran longer than the 2000 ms budget of a call/);
    assert.equal(chain.poolSize(), 0);
    assert.equal(chain.latest().number, 2);
  } finally {
    await rpc.close();
    chain.close();
  }
});

test('a WebSocket batch of transactions is mined as one block after it, as over HTTP', async () => {
  const chain = newChain();
  const rpc = new RpcServer(chain, { port: 0, automine: true, blockExecutor: new Executor(null) });
  const port = await rpc.listen();
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const raws = [await sign(DEV[0]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), 21_000n, 1n),
      await sign(DEV[0]!.privateKey, 1, DEV[2]!.address, new Uint8Array(0), 21_000n, 2n),
      await sign(DEV[1]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), 21_000n, 3n)];
    const reply = new Promise<Array<{ id: number; result?: Hex }>>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Array<{ id: number; result?: Hex }>)));
    ws.send(JSON.stringify(raws.map((raw, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'eth_sendRawTransaction', params: [raw] }))));
    const out = await reply;
    assert.deepEqual(out.map((r) => r.id), [1, 2, 3]);
    assert.equal(chain.latest().number, 1, 'one block for the batch, committed before the reply');
    assert.deepEqual(chain.latest().transactions, out.map((r) => r.result));
    assert.equal(chain.account(DEV[2]!.address).balance, DEV_BALANCE + 6n);
  } finally {
    ws.close();
    await rpc.close();
    chain.close();
  }
});
