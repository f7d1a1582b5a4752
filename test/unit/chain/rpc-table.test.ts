/**
 * The JSON-RPC method table (src/chain/rpc-table.ts): every method declares its parameters, and a
 * call with too many, a missing or a mistyped one is answered -32602 with a message naming it,
 * before the handler runs. In process, on a real in-memory chain.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Chain, devAccounts, DEV_BALANCE } from '../../../src/chain/index.js';
import { RpcServer } from '../../../src/chain/rpc.js';
import { METHODS } from '../../../src/chain/rpc-methods.js';
import { WebSocket } from 'ws';

const DEV = devAccounts(1);
const ADDR = DEV[0]!.address;
const chain = new Chain({ dataDir: null, genesisAlloc: [{ address: ADDR, balance: DEV_BALANCE }], genesisTimestamp: 1_700_000_000n, timestampStep: 1n });
const server = new RpcServer(chain, { automine: true, devAccounts: DEV });

interface Reply {
  result?: unknown;
  error?: { code: number; message: string };
}
const call = (method: string, params: unknown[]): Reply => server.handle({ jsonrpc: '2.0', id: 1, method, params }) as Reply;

function refused(method: string, params: unknown[], message: RegExp): void {
  const r = call(method, params);
  assert.equal(r.error?.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(r)}`);
  assert.match(r.error.message, message);
}

describe('RPC method table', () => {
  after(() => server.close());

  it('every method names its parameters (distinct, non-empty), optional ones last', () => {
    assert.ok(Object.keys(METHODS).length > 80, 'the whole method set is in the table');
    for (const [name, m] of Object.entries(METHODS)) {
      const names = m.params.map((p) => p.name);
      assert.ok(names.every((n) => n.length > 0), name);
      assert.equal(new Set(names).size, names.length, `${name}: parameter names repeat`);
      // a required parameter after an optional one could never be left out
      const firstOptional = m.params.findIndex((p) => p.optional);
      if (firstOptional >= 0) assert.ok(m.params.slice(firstOptional).every((p) => p.optional), `${name}: required after optional`);
    }
  });

  it('too many parameters is -32602 naming the method and what it takes', () => {
    refused('eth_blockNumber', [1], /^too many parameters: eth_blockNumber takes at most 0, got 1$/);
    refused('eth_getBalance', [ADDR, 'latest', 3], /^too many parameters: eth_getBalance takes at most 2 \(address, block\), got 3$/);
  });

  it('a missing required parameter is -32602 naming it', () => {
    refused('eth_getBalance', [], /^missing parameter 1 \(address\)$/);
    refused('anvil_setBalance', [ADDR], /^missing parameter 2 \(balance\)$/);
    refused('eth_getTransactionByBlockHashAndIndex', ['0x' + '00'.repeat(32)], /^missing parameter 2 \(index\)$/);
  });

  it('each kind of parameter checks its type', () => {
    refused('eth_getBalance', ['0x12'], /address must be 0x followed by 40 hex digits/); // address
    refused('eth_getBalance', [ADDR, 'yesterday'], /block number must be a hex quantity/); // block tag
    refused('anvil_setBalance', [ADDR, -1], /balance must be a hex quantity/); // quantity
    refused('anvil_setBalance', [ADDR, '0x'], /balance must be a hex quantity/);
    refused('eth_getBlockByHash', ['0x1234'], /block hash must be a 32-byte hex hash/); // hash
    refused('web3_sha3', ['0xabc'], /data/); // data: odd digits
    refused('eth_getBlockByNumber', ['latest', 'yes'], /full transactions must be true or false/); // bool
    refused('eth_newFilter', [[1]], /filter must be an object/); // object
    refused('eth_call', [{ to: ADDR }, 'latest', { [ADDR]: { balance: '0x1' } }], /state overrides are not supported/);
  });

  it('optional parameters may be absent or null, and valid calls answer as before', () => {
    const balance = `0x${DEV_BALANCE.toString(16)}`;
    assert.equal(call('eth_getBalance', [ADDR]).result, balance);
    assert.equal(call('eth_getBalance', [ADDR, null]).result, balance);
    assert.equal(call('eth_getBalance', [ADDR, 'latest']).result, balance);
    assert.equal(call('eth_getBalance', [ADDR, { blockNumber: '0x0' }]).result, balance);
    assert.equal(call('eth_getTransactionCount', [ADDR, 'pending']).result, '0x0');
    assert.equal((call('eth_getBlockByNumber', ['0x0']).result as { number: string }).number, '0x0');
    assert.equal(call('eth_call', [{ to: ADDR }, 'latest', {}]).result, '0x');
    assert.equal(call('anvil_mine', [null, null]).result, null);
    assert.equal(call('eth_blockNumber', []).result, '0x1');
    assert.equal(call('qvm_listBlocks', []).error, undefined);
  });

  it('an unknown method is -32601, a __proto__ name too', () => {
    assert.equal(call('eth_nothing', []).error?.code, -32601);
    assert.equal(call('__proto__', []).error?.code, -32601);
    assert.equal(call('constructor', []).error?.code, -32601);
  });

  it('over WebSocket, eth_subscribe and eth_unsubscribe check their parameters the same way', async () => {
    const node = new RpcServer(chain, { port: 0 });
    const port = await node.listen();
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const ask = (id: number, method: string, params: unknown): Promise<Reply> =>
        new Promise((resolve) => {
          ws.on('message', function onReply(d) {
            const r = JSON.parse(d.toString()) as Reply & { id: number };
            if (r.id !== id) return;
            ws.off('message', onReply);
            resolve(r);
          });
          ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
        });
      assert.match((await ask(1, 'eth_unsubscribe', [])).error?.message ?? '', /^missing parameter 1 \(subscription id\)$/);
      assert.match((await ask(2, 'eth_subscribe', ['newHeads', {}, 3])).error?.message ?? '', /^too many parameters: eth_subscribe takes at most 2/);
      assert.equal((await ask(3, 'eth_subscribe', { kind: 'newHeads' })).error?.code, -32602);
      assert.match((await ask(4, 'eth_subscribe', ['blocks'])).error?.message ?? '', /unknown subscription "blocks"/);
      const sub = (await ask(5, 'eth_subscribe', ['newHeads'])).result;
      assert.equal(typeof sub, 'string');
      assert.equal((await ask(6, 'eth_unsubscribe', [sub])).result, true);
      assert.equal((await ask(7, 'eth_unsubscribe', [sub])).result, false);
    } finally {
      ws.close();
      await node.close();
    }
  });
});
