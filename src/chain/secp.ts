/**
 * secp256k1 public key recovery for transaction senders: the native libsecp256k1 binding (npm
 * `secp256k1`, prebuilt for the common platforms; ~50 µs a key) when it loads, else the pure-JS
 * @noble/curves implementation (~1.5 ms). Both give the same key for every signature the caller
 * lets through (tx.ts checks r and s are in range first) and throw on a signature with no key.
 */
import { createRequire } from 'node:module';
import { secp256k1 } from '@noble/curves/secp256k1';

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

function loadNative(): NativeSecp256k1 | null {
  if (process.env.QVM_SECP256K1 === 'js') return null;
  try {
    // the binding itself, not the package's main (whose fallback is a slower JS library)
    return createRequire(import.meta.url)('secp256k1/bindings.js') as NativeSecp256k1;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Which implementation recovers keys ('native' or 'js'). */
export const secpBackend: 'native' | 'js' = native !== null ? 'native' : 'js';

const N_BYTES = 32;

function be32(v: bigint): Uint8Array {
  const out = new Uint8Array(N_BYTES);
  for (let i = N_BYTES - 1; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** The 65-byte uncompressed public key (0x04 ‖ x ‖ y) that signed `hash`; throws if there is none. */
export function recoverPublicKey(hash: Uint8Array, r: bigint, s: bigint, recid: number): Uint8Array {
  if (native !== null) {
    const sig = new Uint8Array(64);
    sig.set(be32(r), 0);
    sig.set(be32(s), 32);
    return native.ecdsaRecover(sig, recid, hash, false);
  }
  return recoverPublicKeyJs(hash, r, s, recid);
}

/** The pure-JS path, always (tests compare it with the native one). */
export function recoverPublicKeyJs(hash: Uint8Array, r: bigint, s: bigint, recid: number): Uint8Array {
  return new secp256k1.Signature(r, s).addRecoveryBit(recid).recoverPublicKey(hash).toRawBytes(false);
}
