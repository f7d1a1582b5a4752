/**
 * Sealing a block (docs/chain.md, "Blocks"): its transactions and receipts roots, its bloom, its
 * header and hash, and the final form of its receipts and logs (which name the block's hash).
 * Pure functions of the block's contents: the same block gives the same bytes wherever it is built.
 */
import { toRlp } from 'viem';
import { bigToBytes, fromHex, keccak, quantity, toHex, type Hex } from './bytes.js';
import type { BlockHeader, PendingReceipt, RpcLog, RpcReceipt } from './chain.js';
import { emptyBloom, merkleRoot } from './merkle.js';
import type { StoredTx } from './store.js';

export interface BlockContents {
  number: number;
  parentHash: Hex;
  timestamp: bigint;
  stateRoot: Hex;
  txs: ReadonlyArray<{ hash: Hex; raw: Uint8Array }>;
  receipts: readonly PendingReceipt[];
  gasLimit: bigint;
  baseFeePerGas: bigint;
  chainId: bigint;
}

/** The Merkle root over each receipt's RLP (status, cumulative gas, gas, contract, logs) hashed. */
function receiptsRoot(receipts: readonly PendingReceipt[]): Hex {
  const leaves = receipts.map((r) => keccak(toRlp([
    r.status === '0x1' ? '0x01' : '0x',
    toHex(bigToBytes(BigInt(r.cumulativeGasUsed))),
    toHex(bigToBytes(BigInt(r.gasUsed))),
    r.contractAddress ?? '0x',
    r.logs.map((l) => [l.address, l.topics[0]!, l.data]),
  ], 'bytes')));
  return toHex(merkleRoot(leaves));
}

/** The union of the receipts' blooms. */
function blockBloom(receipts: readonly PendingReceipt[]): Hex {
  const bloom = emptyBloom();
  for (const r of receipts) {
    const rb = fromHex(r.logsBloom);
    for (let i = 0; i < 256; i++) bloom[i]! |= rb[i]!;
  }
  return toHex(bloom);
}

export function sealHeader(b: BlockContents): BlockHeader {
  const txHashes = b.txs.map((t) => t.hash);
  const transactionsRoot = toHex(merkleRoot(txHashes.map((h) => fromHex(h))));
  const receiptsHash = receiptsRoot(b.receipts);
  const last = b.receipts[b.receipts.length - 1];
  const gasUsed = last ? BigInt(last.cumulativeGasUsed) : 0n;
  const hash = toHex(keccak(toRlp([
    b.parentHash,
    toHex(bigToBytes(BigInt(b.number))),
    toHex(bigToBytes(b.timestamp)),
    b.stateRoot,
    transactionsRoot,
    receiptsHash,
    toHex(bigToBytes(gasUsed)),
    toHex(bigToBytes(b.gasLimit)),
    toHex(bigToBytes(b.baseFeePerGas)),
    toHex(bigToBytes(b.chainId)),
  ], 'bytes')));
  return {
    number: b.number,
    hash,
    parentHash: b.parentHash,
    timestamp: b.timestamp.toString(),
    stateRoot: b.stateRoot,
    transactionsRoot,
    receiptsRoot: receiptsHash,
    gasUsed: gasUsed.toString(),
    gasLimit: b.gasLimit.toString(),
    baseFeePerGas: b.baseFeePerGas.toString(),
    logsBloom: blockBloom(b.receipts),
    transactions: txHashes,
  };
}

/** The block's transactions as stored: receipts naming the block, logs numbered across the block. */
export function storedTxs(header: BlockHeader, b: BlockContents): StoredTx[] {
  let logIndex = 0;
  return b.txs.map((tx, i) => {
    const r = b.receipts[i]!;
    const logs: RpcLog[] = r.logs.map((l) => ({
      ...l,
      blockNumber: quantity(b.number),
      blockHash: header.hash,
      blockTimestamp: quantity(b.timestamp),
      transactionHash: tx.hash,
      transactionIndex: quantity(i),
      logIndex: quantity(logIndex++),
      removed: false,
    }));
    const receipt: RpcReceipt = { ...r, blockHash: header.hash, logs };
    return {
      hash: tx.hash,
      raw: tx.raw,
      receipt: JSON.stringify(receipt),
      logs: logs.map((l) => ({ logIndex: Number(l.logIndex), address: l.address, topic0: l.topics[0]!, json: JSON.stringify(l) })),
    };
  });
}
