/**
 * The L1 contracts: the committed artifacts are what the pinned solc makes of the sources, and on
 * a real anvil the Inbox numbers messages with a running hash while the OutputOracle refuses an L1
 * block hash that is not canonical and proposals from anyone but the configured proposer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileL1, L1_CONTRACTS, L1_DIR } from '../scripts/l1-contracts.js';
import { keccak, toHex, type Hex } from '../src/chain/index.js';
import { l1Artifact } from '../src/l2/artifacts.js';
import { deployL1 } from '../src/l2/deploy-l1.js';
import { l1Client, L1Reader } from '../src/l2/l1.js';
import { L1Sender } from '../src/l2/l1-sender.js';
import { nextAcc } from '../src/l2/messages.js';
import { ADDRS } from './chain-helpers.js';
import { KEYS, l1Env, rpc, startAnvil } from './l2-helpers.js';

describe('L1 contract artifacts', () => {
  it('match a fresh compilation of contracts/l1/*.sol', () => {
    const fresh = compileL1();
    assert.equal(fresh.length, L1_CONTRACTS.length);
    for (const a of fresh) {
      const stored = JSON.parse(readFileSync(join(L1_DIR, 'build', `${a.contractName}.json`), 'utf8')) as typeof a;
      assert.equal(stored.sourceKeccak, a.sourceKeccak, `${a.contractName}: source changed; run \`npm run build\``);
      assert.equal(stored.bytecode, a.bytecode, `${a.contractName}: bytecode differs`);
      assert.deepEqual(stored.abi, a.abi);
    }
  });
});

describe('L1 contracts on anvil', () => {
  it('Inbox: sequence numbers and the accumulator', async () => {
    const env = await l1Env();
    try {
      await env.inbox.deposit(5n);
      await env.inbox.call(ADDRS[1]!, ['x'], [], new Uint8Array(0));
      await env.inbox.submitBatch(Uint8Array.of(0xc0));
      const msgs = await new L1Reader(l1Client(env.anvil.url)).messages(env.l1.inbox, 0, 1000);
      assert.deepEqual(msgs.map((m) => m.seq), [0, 1, 2]);
      let acc = toHex(new Uint8Array(32));
      for (const m of msgs) assert.equal(m.acc, (acc = nextAcc(acc, m.message)));
      const abi = l1Artifact('Inbox').abi;
      const client = l1Client(env.anvil.url);
      assert.equal(await client.readContract({ address: env.l1.inbox, abi, functionName: 'acc' }), acc);
      assert.equal(await client.readContract({ address: env.l1.inbox, abi, functionName: 'count' }), 3n);
      // message bytes: kind ‖ sender ‖ body
      assert.equal(toHex(msgs[0]!.message.subarray(0, 21)), `0x01${ADDRS[0]!.slice(2)}`);
      assert.equal(BigInt(toHex(msgs[0]!.message.subarray(21))), 5n);
    } finally {
      await env.close();
    }
  });

  it('OutputOracle: canonical L1 hashes only, configurable proposer', async () => {
    const anvil = await startAnvil();
    try {
      const client = l1Client(anvil.url);
      const owner = new L1Sender(client, anvil.url, KEYS[0]!);
      const other = new L1Sender(client, anvil.url, KEYS[2]!);
      const d = await deployL1(owner, { proposer: ADDRS[1]! });
      const proposer = new L1Sender(client, anvil.url, KEYS[1]!);
      const abi = l1Artifact('OutputOracle').abi;
      const head = await rpc<{ number: Hex; hash: Hex }>(anvil.url, 'eth_getBlockByNumber', ['latest', false]);
      const n = BigInt(head.number);
      const root = toHex(keccak(Uint8Array.of(1)));
      await assert.rejects(other.send(d.oracle, abi, 'propose', [1n, root, head.hash, n]), /not the proposer/);
      await assert.rejects(proposer.send(d.oracle, abi, 'propose', [1n, root, toHex(keccak(Uint8Array.of(2))), n]), /not canonical/);
      await assert.rejects(proposer.send(d.oracle, abi, 'propose', [1n, root, head.hash, n + 100n]), /not in the past/);
      const ok = await proposer.send(d.oracle, abi, 'propose', [1n, root, head.hash, n]);
      assert.equal(ok.status, 'success');
      await assert.rejects(proposer.send(d.oracle, abi, 'propose', [1n, root, head.hash, n]), /not after the last output/);
      const out = await client.readContract({ address: d.oracle, abi, functionName: 'getOutput', args: [0n] }) as { stateRoot: Hex; l2Block: bigint };
      assert.equal(out.stateRoot, root);
      assert.equal(await client.readContract({ address: d.oracle, abi, functionName: 'isFinal', args: [0n] }), false, 'inside the challenge period');
      // the owner opens proposing to anyone
      await owner.send(d.oracle, abi, 'setProposer', ['0x' + '00'.repeat(20)]);
      const h2 = await rpc<{ number: Hex; hash: Hex }>(anvil.url, 'eth_getBlockByNumber', ['latest', false]);
      assert.equal((await other.send(d.oracle, abi, 'propose', [2n, root, h2.hash, BigInt(h2.number)])).status, 'success');
      // a challenge locks the bond
      await assert.rejects(other.send(d.oracle, abi, 'challenge', [0n], 1n), /wrong bond/);
      assert.equal((await other.send(d.oracle, abi, 'challenge', [0n], 10n ** 17n)).status, 'success');
    } finally {
      await anvil.stop();
    }
  });
});
