/**
 * The chain in process: envelopes, transaction decoding, CREATE addresses, Merkle roots,
 * determinism of two chains fed the same transactions, interval blocks, and reopening a database.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import {
  Chain,
  createAddress,
  decodeEnvelope,
  decodeTx,
  devAccounts,
  DEV_BALANCE,
  encodeCall,
  encodeDeploy,
  EnvelopeError,
  keccak,
  merkleRoot,
  toHex,
  type Hex,
} from '../../../src/chain/index.js';
import { example } from '../../chain-helpers.js';

const DEV = devAccounts(3);
const alloc = DEV.map((a) => ({ address: a.address, balance: DEV_BALANCE }));
const hexOf = (b: Uint8Array): Hex => toHex(b);
const rawOf = (h: Hex): Uint8Array => Uint8Array.from(Buffer.from(h.slice(2), 'hex'));

type SignOptions = { value?: bigint; gas?: bigint; legacy?: boolean };
async function sign(key: Hex, nonce: number, to: Hex | null, data: Uint8Array, opts: SignOptions = {}): Promise<Uint8Array> {
  const a = privateKeyToAccount(key);
  const common = { chainId: 1337, nonce, gas: opts.gas ?? 50_000_000n, value: opts.value ?? 0n, data: hexOf(data), ...(to ? { to } : {}) };
  const signed = opts.legacy
    ? await a.signTransaction({ type: 'legacy', gasPrice: 1_000_000_000n, ...common })
    : await a.signTransaction({ type: 'eip1559', maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n, ...common });
  return rawOf(signed);
}

describe('chain core', () => {
  it('envelopes round-trip and bad data is refused', () => {
    const d = decodeEnvelope(encodeDeploy(Uint8Array.of(1, 2, 3), ['a', 'bc']));
    assert.equal(d.kind, 'deploy');
    if (d.kind === 'deploy') {
      assert.deepEqual([...d.code], [1, 2, 3]);
      assert.deepEqual(d.args.map((x) => Buffer.from(x).toString()), ['a', 'bc']);
    }
    const c = decodeEnvelope(encodeCall(['transfer', 'x'], ['K1'], Uint8Array.of(9)));
    assert.equal(c.kind, 'call');
    if (c.kind === 'call') {
      assert.deepEqual(c.readKeys, ['K1']);
      assert.deepEqual([...c.stdin], [9]);
    }
    assert.throws(() => decodeEnvelope(Uint8Array.of(1, 2, 3)), EnvelopeError);
    assert.throws(() => decodeEnvelope(Uint8Array.of(0x51, 0x56, 0x4d, 1, 9, 0xc0)), /unknown kind/);
  });

  it('decodes legacy and EIP-1559 transactions and recovers the sender', async () => {
    for (const legacy of [false, true]) {
      const raw = await sign(DEV[0]!.privateKey, 5, DEV[1]!.address, Uint8Array.of(1, 0, 2), { value: 7n, legacy });
      const tx = decodeTx(raw);
      assert.equal(tx.from, DEV[0]!.address);
      assert.equal(tx.to, DEV[1]!.address);
      assert.equal(tx.nonce, 5n);
      assert.equal(tx.value, 7n);
      assert.equal(tx.chainId, 1337n);
      assert.equal(tx.type, legacy ? 0 : 2);
      assert.equal(tx.hash, hexOf(keccak(raw)));
    }
  });

  it('computes CREATE addresses and Merkle roots as documented', () => {
    assert.equal(createAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', 0n), '0x5fbdb2315678afecb367f032d93f642f64180aa3');
    assert.equal(createAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', 1n), '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512');
    const [a, b, c] = [keccak(Uint8Array.of(1)), keccak(Uint8Array.of(2)), keccak(Uint8Array.of(3))];
    assert.deepEqual(merkleRoot([]), new Uint8Array(32));
    assert.deepEqual(merkleRoot([a]), a);
    assert.deepEqual(merkleRoot([a, b, c]), keccak(keccak(a, b), c));
  });

  it('two chains fed the same transactions agree on every block hash and state root', { skip: example('token-c') ? false : 'token-c not built' }, async () => {
    const code = readFileSync(example('token-c')!);
    const txs = [
      await sign(DEV[0]!.privateKey, 0, null, encodeDeploy(code, ['1000'])),
      await sign(DEV[0]!.privateKey, 1, '0x5fbdb2315678afecb367f032d93f642f64180aa3', encodeCall(['transfer', DEV[1]!.address, '10'])),
      await sign(DEV[1]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), { value: 5n, gas: 21_000n }),
      await sign(DEV[1]!.privateKey, 1, '0x5fbdb2315678afecb367f032d93f642f64180aa3', encodeCall(['transfer', DEV[2]!.address, '99'])),
    ];
    const run = (): string[] => {
      const chain = new Chain({ dataDir: null, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n });
      const out = [chain.latest().hash as string];
      for (const t of txs) {
        chain.submit(t);
        const b = chain.mine();
        out.push(`${b.number} ${b.hash} ${b.stateRoot}`);
      }
      chain.close();
      return out;
    };
    const one = run();
    assert.deepEqual(run(), one);
    assert.equal(one.length, 5);
  });

  it('mines several transactions per block (interval mode) and reopens a database at its last block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-chain-unit-'));
    try {
      const opts = { dataDir: dir, genesisAlloc: alloc, genesisTimestamp: 1_700_000_000n, timestampStep: 1n };
      const chain = new Chain(opts);
      chain.submit(await sign(DEV[0]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), { value: 1n, gas: 21_000n }));
      chain.submit(await sign(DEV[0]!.privateKey, 1, DEV[2]!.address, new Uint8Array(0), { value: 2n, gas: 21_000n }));
      chain.submit(await sign(DEV[1]!.privateKey, 0, DEV[2]!.address, new Uint8Array(0), { value: 3n, gas: 21_000n }));
      assert.equal(chain.pendingNonce(DEV[0]!.address), 2n);
      const b = chain.mine();
      assert.equal(b.transactions.length, 3);
      assert.equal(chain.account(DEV[2]!.address).balance, DEV_BALANCE + 6n);
      const root = chain.stateRoot();
      // accepted but not mined: kept in the database
      chain.submit(await sign(DEV[1]!.privateKey, 1, DEV[2]!.address, new Uint8Array(0), { value: 4n, gas: 21_000n }));
      chain.close();
      const again = new Chain(opts);
      assert.equal(again.latest().hash, b.hash);
      assert.equal(again.stateRoot(), root);
      assert.equal(again.poolSize(), 1);
      const b2 = again.mine();
      assert.equal(b2.number, 2);
      assert.equal(again.account(DEV[2]!.address).balance, DEV_BALANCE + 10n);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
