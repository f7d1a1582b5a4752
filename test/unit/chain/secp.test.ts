/**
 * Sender recovery: the native libsecp256k1 binding and the pure-JS fallback recover the same key
 * for signatures made by @noble/curves (many keys and messages), both refuse a signature with no
 * key, and a transaction signed by viem decodes to its real sender on whichever backend loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { privateKeyToAccount } from 'viem/accounts';
import { recoverPublicKey, recoverPublicKeyJs, secpBackend } from '../../../src/chain/secp.js';
import { decodeTx } from '../../../src/chain/tx.js';
import { devAccounts } from '../../../src/chain/index.js';

test('the native binding loads on this platform', () => {
  assert.equal(secpBackend, 'native');
});

test('native and JS recovery agree with the signing key', () => {
  for (let i = 1; i <= 64; i++) {
    const priv = keccak_256(`key ${i}`);
    const msg = keccak_256(`message ${i}`);
    const sig = secp256k1.sign(msg, priv);
    const want = Buffer.from(secp256k1.getPublicKey(priv, false)).toString('hex');
    assert.equal(Buffer.from(recoverPublicKey(msg, sig.r, sig.s, sig.recovery)).toString('hex'), want, `key ${i}`);
    assert.equal(Buffer.from(recoverPublicKeyJs(msg, sig.r, sig.s, sig.recovery)).toString('hex'), want, `key ${i} (js)`);
  }
});

test('a signature whose r is no curve point has no key on either path', () => {
  const msg = keccak_256('m');
  // x = 5 is not the x coordinate of a point of secp256k1 (5^3 + 7 = 132 is no square mod p)
  assert.throws(() => recoverPublicKey(msg, 5n, 1234n, 0));
  assert.throws(() => recoverPublicKeyJs(msg, 5n, 1234n, 0));
});

test('a viem-signed transaction decodes to its sender', async () => {
  const [a] = devAccounts(1);
  const raw = await privateKeyToAccount(a!.privateKey).signTransaction({
    type: 'eip1559', chainId: 1337, nonce: 3, gas: 50_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, to: '0x70997970c51812dc3a010c7d44c5d5ab5dbcdfbd', value: 5n,
  });
  const tx = decodeTx(Buffer.from(raw.slice(2), 'hex'));
  assert.equal(tx.from, a!.address.toLowerCase());
});
