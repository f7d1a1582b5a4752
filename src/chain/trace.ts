/**
 * qvm_traceTransaction: a mined transaction re-executed, with what the receipt does not keep — its
 * arguments, the storage it wrote with the values before and after, its events as text and its gas
 * profile.
 *
 * The node keeps only the latest state, but a contract's storage is a function of its own
 * transactions alone (a call sees its storage, the block and the transaction, never another
 * contract or a balance). So the storage before transaction T of contract A is recomputed by
 * replaying A's mined transactions before T, in block order, from its deploy; each replay is
 * checked against its receipt (status and gas), so a trace never shows a state the chain did not
 * have. A cursor per contract makes tracing the transactions of a contract in order linear.
 */
import { applyOps, runCall, runDeploy, type CallResult } from '../contract/index.js';
import type { GasProfile } from '../machine/profile/types.js';
import { fromHex, toHex, type Hex } from './bytes.js';
import type { Chain, RpcReceipt } from './chain.js';
import { decodeEnvelope, EnvelopeError, type CallEnvelope, type DeployEnvelope } from './envelope.js';
import { createAddress, intrinsicGas, type SignedTx } from './tx.js';

export interface StorageWrite {
  key: string;
  /** Value before the transaction (null: the key did not exist). */
  old: Hex | null;
  /** Value after (null: deleted). */
  new: Hex | null;
}

export interface TxTrace {
  /** The contract the transaction deployed or called, or null (a plain transfer). */
  contract: Hex | null;
  kind: 'transfer' | 'deploy' | 'call';
  args: string[];
  readKeys: string[];
  stdin: Hex;
  /** Storage writes and deletes in the order the contract printed them (empty on failure). */
  storageWrites: StorageWrite[];
  events: Array<{ topic0: Hex; data: Hex; text: string }>;
  profile: GasProfile | null;
  /** The re-execution's VM gas, equal to the receipt's (else the trace is an error). */
  vmGasUsed: number;
}

interface Mined {
  tx: SignedTx;
  receipt: RpcReceipt;
  block: number;
}

interface Cursor {
  /** Transactions of the contract replayed so far. */
  done: number;
  /** Hash of the last one. */
  last: Hex | null;
  storage: Map<string, Uint8Array>;
}

const td = new TextDecoder();

export class TxTracer {
  private readonly cursors = new Map<Hex, Cursor>();

  constructor(private readonly chain: Chain) {}

  trace(hash: Hex): TxTrace | null {
    const found = this.chain.transaction(hash);
    const receipt = this.chain.receipt(hash);
    if (!found || !receipt) return null;
    const target: Mined = { tx: found.tx, receipt, block: found.block };
    const tx = found.tx;
    // (a failed deploy has no contract address in its receipt, but it ran as the address it would have had)
    const contract = tx.to === null ? createAddress(tx.from, tx.nonce) : this.chain.contract(tx.to) ? tx.to : null;
    const env = envelopeOf(found.tx);
    const base = {
      contract,
      kind: receipt.qvm.kind,
      args: env ? env.args.map((a) => td.decode(a)) : [],
      readKeys: env?.kind === 'call' ? env.readKeys : [],
      stdin: toHex(env?.kind === 'call' ? env.stdin : new Uint8Array(0)),
    };
    // no VM run (a transfer, a bad envelope): the receipt's events are all there is
    const logged = receipt.logs.map((l) => ({ topic0: l.topics[0]!, data: l.data, text: td.decode(fromHex(l.data)) }));
    if (contract === null || env === null || receipt.qvm.kind === 'transfer') {
      return { ...base, storageWrites: [], events: logged, profile: null, vmGasUsed: receipt.qvm.vmGasUsed };
    }
    const storage = this.storageBefore(contract, hash);
    const r = this.execute(target, env, contract, storage, true);
    if (r === null) return { ...base, storageWrites: [], events: logged, profile: null, vmGasUsed: receipt.qvm.vmGasUsed };
    this.check(target, r);
    const storageWrites = r.status === 'success' ? r.ops.map((op) => ({
      key: op.key,
      old: storage.has(op.key) ? toHex(storage.get(op.key)!) : null,
      new: op.op === 'write' ? toHex(op.value) : null,
    })) : [];
    return {
      ...base,
      storageWrites: dedupe(storageWrites, storage),
      events: r.events.map((e) => ({ topic0: e.topic0 as Hex, data: toHex(e.data), text: td.decode(e.data) })),
      profile: r.profile ?? null,
      vmGasUsed: r.gasUsed,
    };
  }

  /** The contract's storage just before transaction `hash` (a copy). */
  private storageBefore(contract: Hex, hash: Hex): Map<string, Uint8Array> {
    const list = this.contractTxs(contract);
    const at = list.findIndex((h) => h === hash);
    let cur = this.cursors.get(contract);
    // (after a rollback the contract's history may differ: a cursor is valid while its last replayed transaction is still there)
    if (!cur || cur.done > at || (cur.done > 0 && list[cur.done - 1] !== cur.last)) cur = { done: 0, last: null, storage: new Map() };
    for (; cur.done < at; cur.done++) {
      cur.last = list[cur.done]!;
      // (decoded only when replayed: recovering a sender is the costly part)
      const m = this.mined(list[cur.done]!);
      const env = m ? envelopeOf(m.tx) : null;
      if (m === null || env === null || m.receipt.status !== '0x1') continue;
      const r = this.execute(m, env, contract, cur.storage, false);
      if (r === null) continue;
      this.check(m, r);
      if (r.status === 'success') applyOps(cur.storage, r);
    }
    this.cursors.set(contract, cur);
    return new Map(cur.storage);
  }

  /** Hashes of the mined transactions that deployed or called the contract, in block order. */
  private contractTxs(contract: Hex): Hex[] {
    const rows = this.chain.db.prepare(
      "SELECT hash FROM txs WHERE json_extract(receipt, '$.to') = ? OR json_extract(receipt, '$.contractAddress') = ? ORDER BY block, idx",
    ).all(contract, contract) as Array<{ hash: Hex }>;
    return rows.map((r) => r.hash);
  }

  private mined(hash: Hex): Mined | null {
    const t = this.chain.transaction(hash);
    const receipt = this.chain.receipt(hash);
    return t && receipt ? { tx: t.tx, receipt, block: t.block } : null;
  }

  /** Runs a mined transaction again in its own block context (null: it never reached the VM). */
  private execute(m: Mined, env: DeployEnvelope | CallEnvelope, contract: Hex, storage: Map<string, Uint8Array>, profile: boolean): CallResult | null {
    const header = this.chain.blockByNumber(m.block);
    if (!header) return null;
    const tx = m.tx;
    const context = {
      blockNumber: BigInt(m.block),
      blockTimestamp: BigInt(header.timestamp),
      prevBlockHash: fromHex(header.parentHash),
      chainId: this.chain.chainId,
      txHash: fromHex(tx.hash),
      sender: tx.from,
      value: tx.value,
      contract,
    };
    const gasLimit = Number(tx.gasLimit - intrinsicGas(tx.data, tx.to === null));
    if (env.kind === 'deploy') {
      if (tx.to !== null) return null;
      return runDeploy({ code: env.code, args: env.args, storage: new Map(), context, gasLimit, profile });
    }
    const code = this.chain.code(contract);
    if (tx.to === null || !code) return null;
    return runCall({ code, args: env.args, readKeys: env.readKeys, stdin: env.stdin, storage, context, gasLimit, profile });
  }

  /** A replay must reproduce its receipt; anything else means the recomputed state is not the chain's. */
  private check(m: Mined, r: CallResult): void {
    const want = m.receipt.qvm;
    if (r.gasUsed !== want.vmGasUsed || r.status !== want.status) {
      throw new Error(`re-executing ${m.tx.hash} gave ${r.status} with ${r.gasUsed} gas, the receipt says ${want.status} with ${want.vmGasUsed}`);
    }
  }
}

function envelopeOf(tx: SignedTx): DeployEnvelope | CallEnvelope | null {
  if (tx.data.length === 0) return null;
  try {
    return decodeEnvelope(tx.data);
  } catch (e) {
    if (e instanceof EnvelopeError) return null;
    throw e;
  }
}

/**
 * One entry per key, in first-write order: `old` is the value before the transaction and `new`
 * the value it left (a key written twice shows its final value).
 */
function dedupe(writes: StorageWrite[], before: ReadonlyMap<string, Uint8Array>): StorageWrite[] {
  const byKey = new Map<string, StorageWrite>();
  for (const w of writes) {
    const prev = byKey.get(w.key);
    if (prev) prev.new = w.new;
    else byKey.set(w.key, { key: w.key, old: before.has(w.key) ? toHex(before.get(w.key)!) : null, new: w.new });
  }
  return [...byKey.values()];
}
