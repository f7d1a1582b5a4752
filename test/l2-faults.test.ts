/**
 * Bad input on L2 never stalls derivation: malformed Inbox messages (bad envelope, bad RLP, an
 * unknown envelope kind, an unknown message kind, incomplete chunked code, a batch that is not RLP,
 * a batch transaction with a bad signature or another chain's id) fail deterministically with a
 * receipt or are skipped, and later messages still apply. A wrong output posted to the oracle is
 * reported by a follower (log, qvm_syncStatus, `qvm l2 status` exit code).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { privateKeyToAccount } from 'viem/accounts';
import { ENVELOPE_MAGIC, concatBytes, encodeCall, keccak, toHex, type Hex, type RpcReceipt } from '../src/chain/index.js';
import { l1Artifact } from '../src/l2/artifacts.js';
import { deriveBlock } from '../src/l2/derive.js';
import { decodeMessage, encodeArgs, encodeBatch } from '../src/l2/messages.js';
import { ADDRS, example, rpcRaw } from './chain-helpers.js';
import { blocks, KEYS, l1Env, qvm, rpc, startL2, syncStatus, waitSynced } from './l2-helpers.js';

const TOKEN = example('token-c');
const te = new TextEncoder();

describe('L2 message decoding', () => {
  it('an unknown message kind or a short message becomes a failure, never an exception', () => {
    const sender = new Uint8Array(20).fill(7);
    for (const m of [Uint8Array.of(99, ...sender), Uint8Array.of(1), Uint8Array.of(1, ...sender, 1, 2), Uint8Array.of(3, ...sender, 0)]) {
      const d = decodeMessage(m);
      assert.equal(d.kind, 'malformed');
      const acc = toHex(keccak(m));
      const out = deriveBlock([{ seq: 0, acc, message: m, blockNumber: 1, blockHash: acc, logIndex: 0 }], 1338n, () => []);
      assert.equal(out.txs.length, 1);
      assert.ok('derived' in out.txs[0]! && out.txs[0].derived.failure, 'a failure receipt');
    }
  });
});

async function signL2(key: Hex, nonce: number, chainId: number, to: Hex, data: Uint8Array): Promise<Uint8Array> {
  const raw = await privateKeyToAccount(key).signTransaction({ type: 'eip1559', chainId, nonce, gas: 5_000_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 0n, to, value: 0n, data: toHex(data) });
  return Buffer.from(raw.slice(2), 'hex');
}

describe('L2 faults', { skip: TOKEN ? false : 'token-c not built' }, () => {
  it('malformed messages fail or are skipped deterministically; a wrong output is detected', async () => {
    const env = await l1Env();
    try {
      const token = await env.inbox.deploy(readFileSync(TOKEN!), ['1000000']);
      const a = await startL2(env);
      await env.inbox.deposit(10n ** 18n);
      const receipt = async (h: Hex): Promise<RpcReceipt | null> => rpc<RpcReceipt | null>(a.url, 'eth_getTransactionReceipt', [h]);
      const failures: Array<[Hex, RegExp]> = [];
      failures.push([(await env.inbox.deployRaw(te.encode('not an envelope at all'))).l2TransactionHash, /not a QVM envelope/]);
      failures.push([(await env.inbox.callRaw(token.contractAddress, concatBytes(ENVELOPE_MAGIC, Uint8Array.of(2, 0xff, 0x01)))).l2TransactionHash, /bad QVM envelope/]);
      failures.push([(await env.inbox.callRaw(token.contractAddress, concatBytes(ENVELOPE_MAGIC, Uint8Array.of(9, 0xc0)))).l2TransactionHash, /unknown kind 9/]);
      const code = readFileSync(TOKEN!);
      const codeHash = toHex(keccak(code));
      await env.inbox.uploadChunk(codeHash, 0, 2, code.subarray(0, 1000));
      const incomplete = (await env.inbox.deployCode(codeHash, encodeArgs(['1']))).l2TransactionHash;
      const badArgs = (await env.inbox.deployCode(codeHash, Uint8Array.of(0x05))).l2TransactionHash;
      failures.push([(await env.inbox.submitBatch(Uint8Array.of(0xde, 0xad, 0xbe, 0xef))).l2TransactionHash, /not an RLP list/]);

      const valid = await signL2(KEYS[0]!, 0, 1338, token.contractAddress, encodeCall(['balance', ADDRS[0]!]));
      const otherChain = await signL2(KEYS[0]!, 1, 1337, token.contractAddress, encodeCall(['balance', ADDRS[0]!]));
      const badSig = await signL2(KEYS[0]!, 1, 1338, token.contractAddress, encodeCall(['balance', ADDRS[1]!]));
      const sigByte = badSig.length - 2;
      badSig[sigByte] = (badSig[sigByte] ?? 0) ^ 0x55;
      await env.inbox.submitBatch(encodeBatch([badSig, otherChain, valid, Uint8Array.of(0x02, 0xc0)]));
      // derivation goes on: a plain call after all of that applies
      const after = await env.inbox.call(token.contractAddress, ['transfer', ADDRS[1]!, '5'], [], new Uint8Array(0));
      await waitSynced(env, a.url);

      for (const [h, reason] of failures) {
        const r = await receipt(h);
        assert.ok(r, `a receipt for ${h}`);
        assert.equal(r.status, '0x0');
        assert.match(r.qvm.failure!.reason, reason);
      }
      const ri = await receipt(incomplete);
      assert.equal(ri?.status, '0x0');
      assert.match(ri!.qvm.failure!.reason, /incomplete: chunk 1 of 2 is missing/);
      assert.match((await receipt(badArgs))!.qvm.failure!.reason, /constructor arguments/);
      assert.equal((await receipt(toHex(keccak(valid))))?.status, '0x1', 'the valid batch transaction is included');
      assert.equal(await receipt(toHex(keccak(otherChain))), null, 'another chain id is skipped');
      assert.equal(await receipt(toHex(keccak(badSig))), null, 'a bad signature is skipped');
      assert.equal((await receipt(after.l2TransactionHash))?.status, '0x1');
      assert.equal(BigInt(await rpc<string>(a.url, 'eth_getTransactionCount', [ADDRS[0]!])), 1n);

      // the local chain's test controls would fork the state from L1: refused
      for (const [m, params] of [['evm_snapshot', []], ['anvil_setBalance', [ADDRS[1], '0x1']], ['evm_mine', []], ['anvil_reset', []], ['evm_increaseTime', [10]]] as Array<[string, unknown[]]>) {
        assert.match((await rpcRaw(a.url, m, params)).error?.message ?? '', /not available on an L2 node|cannot mine/, m);
      }
      const fresh = await startL2(env);
      await waitSynced(env, fresh.url);
      assert.deepEqual(await blocks(fresh.url), await blocks(a.url));

      // --l1-confirmations 3: derives L1 only up to 3 blocks below the head, the same blocks as far as it goes
      const deep = await startL2(env, ['--l1-confirmations', '3']);
      const l1Head = Number(BigInt(await rpc<string>(env.anvil.url, 'eth_blockNumber')));
      for (let i = 0; i < 300 && (await syncStatus(deep.url)).l1Derived.number < l1Head - 3; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await syncStatus(deep.url)).l1Derived.number, l1Head - 3);
      const deepBlocks = await blocks(deep.url);
      assert.deepEqual(deepBlocks, (await blocks(a.url)).slice(0, deepBlocks.length));
      await deep.stop();

      // outputs: a right one matches, a wrong one is reported
      const s = await syncStatus(a.url);
      const oracleAbi = l1Artifact('OutputOracle').abi;
      const root = (await rpc<{ stateRoot: Hex }>(a.url, 'eth_getBlockByNumber', [`0x${s.l2Head.number.toString(16)}`, false])).stateRoot;
      await env.sender.send(env.l1.oracle, oracleAbi, 'propose', [BigInt(s.l2Head.number - 1), (await rpc<{ stateRoot: Hex }>(a.url, 'eth_getBlockByNumber', [`0x${(s.l2Head.number - 1).toString(16)}`, false])).stateRoot, s.l1Derived.hash, BigInt(s.l1Derived.number)]);
      const wrong = toHex(keccak(te.encode('a wrong state root')));
      assert.notEqual(wrong, root);
      await env.sender.send(env.l1.oracle, oracleAbi, 'propose', [BigInt(s.l2Head.number), wrong, s.l1Derived.hash, BigInt(s.l1Derived.number)]);
      const until = Date.now() + 30_000;
      let st = await syncStatus(a.url);
      while (st.outputsChecked < 2 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        st = await syncStatus(a.url);
      }
      assert.equal(st.outputsChecked, 2);
      assert.equal(st.mismatches.length, 1);
      assert.equal(st.mismatches[0]!.posted, wrong);
      assert.equal(st.mismatches[0]!.local, root);
      assert.match(a.output(), /OUTPUT MISMATCH: output 1 .* claims state root 0x[0-9a-f]{64} for L2 block/);
      const cli = await qvm(['l2', 'status', '--rpc', a.url]);
      assert.equal(cli.status, 1, cli.stdout + cli.stderr);
      assert.match(cli.stdout, /MISMATCH +output #1/);
    } finally {
      await env.close();
    }
  });
});
