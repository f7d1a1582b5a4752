/**
 * The token example built for riscv64 (C and Go) deploys and runs on the chain (in process) like
 * its x86-64 build: the same transactions give the same status, the same events and the same
 * storage, byte for byte (gas differs: the instruction counts of the two builds differ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { privateKeyToAccount } from 'viem/accounts';
import { Chain, createAddress, devAccounts, DEV_BALANCE, encodeCall, encodeDeploy, toHex, type Hex } from '../src/chain/index.js';
import { example } from './chain-helpers.js';

const DEV = devAccounts(3);
const alloc = DEV.map((a) => ({ address: a.address, balance: DEV_BALANCE }));

async function sign(key: Hex, nonce: number, to: Hex | null, data: Uint8Array): Promise<Uint8Array> {
  const raw = await privateKeyToAccount(key).signTransaction({
    type: 'eip1559', chainId: 1337, nonce, gas: 500_000_000n, value: 0n, data: toHex(data), maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1n, ...(to ? { to } : {}),
  });
  return Uint8Array.from(Buffer.from(raw.slice(2), 'hex'));
}

/** Deploy `file`, run a few transfers; what the chain kept: statuses, events and storage. */
async function outcome(file: string): Promise<{ receipts: Array<{ status: Hex; logs: unknown[] }>; storage: string[][] }> {
  const chain = new Chain({ dataDir: null, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n });
  try {
    const token = createAddress(DEV[0]!.address, 0n);
    const txs = [
      await sign(DEV[0]!.privateKey, 0, null, encodeDeploy(readFileSync(file), ['1000'])),
      await sign(DEV[0]!.privateKey, 1, token, encodeCall(['transfer', DEV[1]!.address, '10'])),
      await sign(DEV[1]!.privateKey, 0, token, encodeCall(['transfer', DEV[2]!.address, '4'])),
      await sign(DEV[2]!.privateKey, 0, token, encodeCall(['transfer', DEV[0]!.address, '99'])),
    ];
    const receipts = [];
    for (const t of txs) {
      const tx = chain.submit(t);
      chain.mine();
      const r = chain.receipt(tx.hash)!;
      receipts.push({ status: r.status, logs: r.logs.map((l) => [l.topics, l.data]) });
    }
    const storage = [...chain.storageOf(token)].map(([k, v]) => [k, Buffer.from(v).toString('hex')]).sort();
    return { receipts, storage };
  } finally {
    chain.close();
  }
}

for (const [rv, x86] of [['token-rv64', 'token-c'], ['token-go-rv64', 'token-go']] as const) {
  const a = example(rv), b = example(x86);
  test(`chain: ${rv} behaves like ${x86}`, { skip: a && b ? false : `${rv} or ${x86} not built (bash test/setup.sh)` }, async () => {
    const ref = await outcome(b!);
    assert.deepEqual(await outcome(a!), ref);
    // (not vacuous: the deploy succeeded, wrote storage and the transfers logged events)
    assert.equal(ref.receipts[0]!.status, '0x1');
    assert.ok(ref.storage.length > 0);
    assert.ok(ref.receipts.some((r) => r.logs.length > 0));
  });
}
