/**
 * Automine over JSON-RPC (in process, no socket): a batch of raw transactions is mined as one
 * block holding all of them, in the order sent; single requests still get one block each; a
 * batch's failing transaction is answered with its error and the others are still mined.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privateKeyToAccount } from 'viem/accounts';
import { Chain, devAccounts, DEV_BALANCE, type Hex } from '../src/chain/index.js';
import { RpcServer } from '../src/chain/rpc.js';

const DEV = devAccounts(3);
const alloc = DEV.map((a) => ({ address: a.address, balance: DEV_BALANCE }));

function transfer(key: Hex, nonce: number, value: bigint): Promise<Hex> {
  return privateKeyToAccount(key).signTransaction({
    type: 'eip1559', chainId: 1337, nonce, gas: 21_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n, to: DEV[2]!.address, value,
  });
}

const req = (id: number, raw: Hex): object => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] });

test('a batch of transactions is mined as one block; single requests one block each', async () => {
  const chain = new Chain({ dataDir: null, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n });
  const rpc = new RpcServer(chain, { automine: true });
  try {
    const batch = [
      req(1, await transfer(DEV[0]!.privateKey, 0, 1n)),
      req(2, await transfer(DEV[0]!.privateKey, 1, 2n)),
      req(3, await transfer(DEV[1]!.privateKey, 0, 3n)),
      req(4, await transfer(DEV[0]!.privateKey, 1, 9n)), // same nonce again: refused
      req(5, await transfer(DEV[1]!.privateKey, 1, 4n)),
    ];
    const out = rpc.handleBatch(batch) as Array<{ id: number; result?: Hex; error?: { message: string } }>;
    assert.deepEqual(out.map((r) => r.id), [1, 2, 3, 4, 5]);
    assert.match(out[3]!.error?.message ?? '', /nonce too low/);
    const hashes = out.filter((r) => r.result).map((r) => r.result!);
    assert.equal(hashes.length, 4);
    assert.equal(chain.latest().number, 1, 'one block for the batch');
    assert.deepEqual(chain.latest().transactions, hashes, 'in the order sent');
    assert.equal(chain.account(DEV[2]!.address).balance, DEV_BALANCE + 10n);
    assert.equal(chain.poolSize(), 0);

    rpc.handle(req(6, await transfer(DEV[0]!.privateKey, 2, 1n)));
    rpc.handle(req(7, await transfer(DEV[0]!.privateKey, 3, 1n)));
    assert.equal(chain.latest().number, 3, 'one block per single request');
    assert.equal(chain.latest().transactions.length, 1);
  } finally {
    chain.close();
  }
});
