/**
 * Derivation of one L2 block from the Inbox messages of one L1 block (docs/l2.md): each message
 * becomes zero or more L2 transactions, in message order. Pure apart from reading earlier code
 * chunks: the same messages and chunks give the same transactions on every executor.
 */
import { DEFAULT_BLOCK_GAS_LIMIT, type DerivedTx, type DerivedTxInfo } from '../chain/chain.js';
import { bytesEqual, concatBytes, fromHex, keccak, type Hex } from '../chain/bytes.js';
import { encodeDeploy } from '../chain/envelope.js';
import { decodeTx, intrinsicGas, TxError, type SignedTx } from '../chain/tx.js';
import { decodeMessage, l1DeployAddress } from './messages.js';
import type { L1Message } from './l1.js';

export interface Chunk {
  sender: Hex;
  codeHash: Hex;
  index: number;
  total: number;
  data: Uint8Array;
}

export interface DerivedBlockContents {
  txs: Array<SignedTx | DerivedTx>;
  /** Code chunks to store with the block. */
  chunks: Chunk[];
  /** Hashes of every decodable transaction of the block's batches (included or not). */
  batchTxs: Set<Hex>;
}

/** Gas of an L1 message's run: what it asks for, at most the block gas limit. */
const vmGasOf = (gas: bigint): bigint => (gas > DEFAULT_BLOCK_GAS_LIMIT ? DEFAULT_BLOCK_GAS_LIMIT : gas);

function derivedTx(m: L1Message, from: Hex, to: Hex | null, data: Uint8Array, vmGas: bigint, derived: DerivedTxInfo, chainId: bigint): DerivedTx {
  return {
    type: 0, hash: m.acc, raw: m.message, chainId, nonce: 0n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n,
    gasLimit: intrinsicGas(data, to === null) + vmGas, to, value: 0n, data, accessList: [], v: 0n, r: 0n, s: 0n, yParity: 0,
    from, derived,
  };
}

/**
 * The transactions of the L2 block made from `messages` (one L1 block's, in order).
 * `storedChunks(sender, hash)` gives the chunks stored by earlier blocks.
 */
export function deriveBlock(
  messages: readonly L1Message[],
  chainId: bigint,
  storedChunks: (sender: Hex, codeHash: Hex) => Array<{ index: number; total: number; data: Uint8Array }>,
): DerivedBlockContents {
  const out: DerivedBlockContents = { txs: [], chunks: [], batchTxs: new Set() };
  for (const m of messages) {
    const msg = decodeMessage(m.message);
    const fail = (reason: string, to: Hex | null = msg.sender): void => {
      out.txs.push(derivedTx(m, msg.sender, to, new Uint8Array(0), 0n, { failure: reason }, chainId));
    };
    switch (msg.kind) {
      case 'malformed':
        fail(msg.reason);
        break;
      case 'deposit':
        out.txs.push(derivedTx(m, msg.sender, msg.sender, new Uint8Array(0), 0n, { mint: msg.value }, chainId));
        break;
      case 'deploy':
        out.txs.push(derivedTx(m, msg.sender, null, msg.envelope, vmGasOf(msg.gas), { contractAddress: l1DeployAddress(msg.sender, BigInt(m.seq)) }, chainId));
        break;
      case 'call':
        out.txs.push(derivedTx(m, msg.sender, msg.to, msg.envelope, vmGasOf(msg.gas), {}, chainId));
        break;
      case 'codeChunk':
        // the first chunk per (sender, hash, index) counts, earlier blocks first
        if (msg.index < msg.total && !out.chunks.some((c) => c.sender === msg.sender && c.codeHash === msg.codeHash && c.index === msg.index)) {
          out.chunks.push({ sender: msg.sender, codeHash: msg.codeHash, index: msg.index, total: msg.total, data: msg.data });
        }
        break;
      case 'deployCode': {
        const contractAddress = l1DeployAddress(msg.sender, BigInt(m.seq));
        if (msg.args === null) {
          fail('deploy: constructor arguments are not an RLP list of byte strings', null);
          break;
        }
        const fresh = out.chunks.filter((c) => c.sender === msg.sender && c.codeHash === msg.codeHash);
        const code = assemble(msg.sender, msg.codeHash, [...storedChunks(msg.sender, msg.codeHash), ...fresh]);
        if (typeof code === 'string') {
          fail(code, null);
          break;
        }
        out.txs.push(derivedTx(m, msg.sender, null, encodeDeploy(code, msg.args), vmGasOf(msg.gas), { contractAddress }, chainId));
        break;
      }
      case 'batch':
        if (msg.txs === null) {
          fail('batch: not an RLP list of signed transactions');
          break;
        }
        for (const raw of msg.txs) {
          try {
            const tx = decodeTx(raw);
            out.txs.push(tx);
            out.batchTxs.add(tx.hash);
          } catch (e) {
            if (!(e instanceof TxError)) throw e; // an undecodable transaction is skipped
          }
        }
        break;
    }
  }
  return out;
}

/** The code made of a sender's chunks for `codeHash`, or why there is none. */
function assemble(sender: Hex, codeHash: Hex, chunks: ReadonlyArray<{ index: number; total: number; data: Uint8Array }>): Uint8Array | string {
  const byIndex = new Map<number, { total: number; data: Uint8Array }>();
  for (const c of chunks) if (!byIndex.has(c.index)) byIndex.set(c.index, c);
  const first = byIndex.get(0);
  if (!first) return `deploy: no code chunks of ${codeHash} from ${sender}`;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < first.total; i++) {
    const c = byIndex.get(i);
    if (!c) return `deploy: code ${codeHash} is incomplete: chunk ${i} of ${first.total} is missing`;
    parts.push(c.data);
  }
  const code = concatBytes(...parts);
  if (!bytesEqual(keccak(code), fromHex(codeHash))) return `deploy: the chunks of ${codeHash} do not hash to it`;
  return code;
}
