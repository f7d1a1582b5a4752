/**
 * Signing for the node's unlocked development accounts (eth_sendTransaction, eth_sign,
 * personal_sign, eth_signTypedData_v4), synchronous so that a JSON-RPC handler stays synchronous.
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { hashMessage, hashTypedData, serializeTransaction, type TransactionSerializableEIP1559, type TypedDataDefinition } from 'viem';
import { concatBytes, fromHex, keccak, toHex, type Hex } from './bytes.js';

export interface TxFields {
  chainId: bigint;
  nonce: bigint;
  to: Hex | null;
  value: bigint;
  data: Uint8Array;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

function fields(t: TxFields): TransactionSerializableEIP1559 {
  return {
    type: 'eip1559', chainId: Number(t.chainId), nonce: Number(t.nonce), gas: t.gas, value: t.value, data: toHex(t.data),
    maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas, ...(t.to ? { to: t.to } : {}),
  };
}

const raw = (h: Hex): Uint8Array => fromHex(h);

/** A signed EIP-1559 transaction. */
export function signTx(key: Hex, t: TxFields): Uint8Array {
  const unsigned = fields(t);
  const sig = secp256k1.sign(keccak(raw(serializeTransaction(unsigned))), fromHex(key));
  const r = `0x${sig.r.toString(16).padStart(64, '0')}` as Hex;
  const s = `0x${sig.s.toString(16).padStart(64, '0')}` as Hex;
  return raw(serializeTransaction(unsigned, { r, s, yParity: sig.recovery }));
}

/**
 * The transaction of an impersonated account: a placeholder signature (r = the sender, s = 1),
 * so that two senders' otherwise equal transactions still differ in hash.
 */
export function impersonatedTx(sender: Hex, t: TxFields): Uint8Array {
  const r = `0x${sender.slice(2).padStart(64, '0')}` as Hex;
  return raw(serializeTransaction(fields(t), { r, s: `0x${'1'.padStart(64, '0')}`, yParity: 0 }));
}

function sign65(key: Hex, hash: Hex): Hex {
  const sig = secp256k1.sign(fromHex(hash), fromHex(key));
  return toHex(concatBytes(sig.toCompactRawBytes(), Uint8Array.of(27 + sig.recovery)));
}

/** EIP-191 personal message signature (eth_sign, personal_sign). */
export function signMessage(key: Hex, message: Uint8Array): Hex {
  return sign65(key, hashMessage({ raw: message }));
}

/** EIP-712 signature (eth_signTypedData_v4). */
export function signTypedData(key: Hex, typed: TypedDataDefinition): Hex {
  return sign65(key, hashTypedData(typed));
}
