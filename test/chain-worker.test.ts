/**
 * eth_call / eth_estimateGas run in a worker thread (src/chain/executor.ts): the node answers
 * other requests while a looping contract's call runs, the call is stopped at its wall-clock
 * budget with a clear error, the gas cap bounds it, and a normal eth_call gives what qvm_call (the
 * same dry run, also in the worker) gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCall, encodeDeploy, type Hex } from '../src/chain/index.js';
import { BUILD } from './helpers.js';
import { hex, KEYS, rpc, rpcRaw, send, startNode } from './chain-helpers.js';

const PROBE = join(BUILD, 'contracts', 'probe');

test('a long eth_call runs off the RPC thread, within its time budget and gas cap', async () => {
  // gas far above what the translator retires in the budget (a tight loop runs at ~10^9 instructions/s)
  const node = await startNode(['--in-memory', '--call-timeout', '1500', '--gas-limit', '1000000000000', '--call-gas-cap', '1000000000000']);
  try {
    const h = await send(node.url, KEYS[0]!, { data: encodeDeploy(readFileSync(PROBE), []), gas: 200_000_000n });
    const addr = (await rpc<{ contractAddress: Hex }>(node.url, 'eth_getTransactionReceipt', [h])).contractAddress;
    const loop = { to: addr, data: hex(encodeCall(['loop'])) };

    // the call loops until the budget ends it; a request sent after it is answered before it
    const order: string[] = [];
    const long = rpcRaw(node.url, 'eth_call', [loop, 'latest']).then((r) => { order.push('call'); return r; });
    await new Promise((r) => setTimeout(r, 200));
    const bn = await rpc<Hex>(node.url, 'eth_blockNumber');
    order.push('blockNumber');
    assert.equal(bn, '0x1');
    const r = await long;
    assert.deepEqual(order, ['blockNumber', 'call']);
    assert.match(r.error?.message ?? '', /ran longer than the 1500 ms budget of a call \(qvm node --call-timeout\)/);

    // a small gas limit ends the same loop by gas, as a revert
    const small = await rpcRaw(node.url, 'eth_call', [{ ...loop, gas: '0x30000' }, 'latest']);
    assert.match(small.error?.message ?? '', /execution reverted: out of gas/);
    // estimateGas goes through the same path
    const est = await rpcRaw(node.url, 'eth_estimateGas', [{ ...loop, gas: '0x30000' }]);
    assert.match(est.error?.message ?? '', /out of gas/);

    // qvm_call is a dry run in the worker too, under the same budget
    const q = await rpcRaw(node.url, 'qvm_call', [loop]);
    assert.match(q.error?.message ?? '', /ran longer than the 1500 ms budget of a call/);

    // after a stopped worker the next call gets a fresh one; its result is qvm_call's
    const echo = { to: addr, data: hex(encodeCall(['echo'], [], new TextEncoder().encode('OUT=hi\n'))) };
    const viaWorker = await rpc<Hex>(node.url, 'eth_call', [echo, 'latest']);
    const inline = await rpc<{ stdout: Hex }>(node.url, 'qvm_call', [echo]);
    assert.equal(viaWorker, inline.stdout);
    assert.equal(Buffer.from(viaWorker.slice(2), 'hex').toString(), 'OUT=hi\n');
    const gas = await rpc<Hex>(node.url, 'eth_estimateGas', [echo]);
    assert.ok(BigInt(gas) > 21_000n);
  } finally {
    await node.stop();
  }
});
