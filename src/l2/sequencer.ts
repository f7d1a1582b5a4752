/**
 * The sequencer (docs/l2.md): accepts L2-signed transactions over JSON-RPC, answers with a soft
 * receipt at once (a dry run against the current state, marked `soft`), and posts the waiting
 * transactions to the Inbox in batches. The real receipt exists once the batch is derived from
 * L1, on this node and on every follower alike.
 */
import { quantity, toHex, type Hex } from '../chain/bytes.js';
import type { RpcReceipt } from '../chain/chain.js';
import type { SignedTx } from '../chain/tx.js';
import { l1Artifact } from './artifacts.js';
import type { Executor } from './executor.js';
import type { L1Sender } from './l1-sender.js';
import { encodeBatch } from './messages.js';

/** Largest batch posted in one L1 transaction (calldata and log), in bytes. */
const MAX_BATCH_BYTES = 100 * 1024;

export type SoftReceipt = Omit<RpcReceipt, 'blockHash'> & { blockHash: null; soft: true };

export class Sequencer {
  /** Hashes posted to L1 but not derived yet. */
  private readonly posted = new Set<Hex>();

  constructor(private readonly ex: Executor, private readonly inbox: Hex, private readonly sender: L1Sender, private readonly log: (line: string) => void) {
    ex.blockListeners.push((_b, batchTxs) => {
      for (const h of batchTxs) this.posted.delete(h);
    });
  }

  /** Accepts a transaction into the pool (checked against the current state; persisted). */
  submit(raw: Uint8Array): Hex {
    return this.ex.chain.submit(raw).hash;
  }

  /** The soft receipt of a transaction still waiting for its batch to be derived, or null. */
  softReceipt(hash: Hex): SoftReceipt | null {
    const tx = this.ex.chain.pendingTransaction(hash);
    return tx ? this.dryReceipt(tx) : null;
  }

  private dryReceipt(tx: SignedTx): SoftReceipt {
    const chain = this.ex.chain;
    const r = chain.dryRun({ from: tx.from, to: tx.to, value: tx.value, data: tx.data, gas: tx.gasLimit });
    const ok = r.exec.status === 'success';
    return {
      soft: true,
      type: quantity(tx.type),
      status: ok ? '0x1' : '0x0',
      transactionHash: tx.hash,
      transactionIndex: '0x0',
      blockHash: null,
      blockNumber: quantity(chain.latest().number + 1),
      from: tx.from,
      to: tx.to,
      contractAddress: ok ? r.contractAddress : null,
      cumulativeGasUsed: quantity(r.gasUsed),
      gasUsed: quantity(r.gasUsed),
      effectiveGasPrice: quantity(chain.baseFeePerGas),
      logs: [],
      logsBloom: toHex(new Uint8Array(256)),
      qvm: r.exec,
    };
  }

  pendingCount(): number {
    return this.ex.chain.poolSize();
  }

  /** Posts the pool's transactions not posted yet, in batches of at most MAX_BATCH_BYTES. */
  async postBatches(): Promise<void> {
    const waiting = this.ex.chain.poolTransactions().filter((t) => !this.posted.has(t.hash));
    let batch: SignedTx[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      const txs = batch;
      batch = [];
      size = 0;
      const data = encodeBatch(txs.map((t) => t.raw));
      const r = await this.sender.send(this.inbox, l1Artifact('Inbox').abi, 'submitBatch', [toHex(data)]);
      if (r.status !== 'success') throw new Error(`posting a batch failed (${r.hash})`);
      for (const t of txs) this.posted.add(t.hash);
      this.log(`posted a batch of ${txs.length} transaction(s) (${data.length} bytes) in L1 transaction ${r.hash}`);
    };
    for (const t of waiting) {
      if (size + t.raw.length > MAX_BATCH_BYTES) await flush();
      batch.push(t);
      size += t.raw.length;
    }
    await flush();
  }
}
