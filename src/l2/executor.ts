/**
 * An L2 executor (docs/l2.md): follows L1, derives one L2 block per L1 block that holds Inbox
 * messages, and executes it on a QVM chain (src/chain) with the L1 block's number, timestamp and
 * hash as the block context. The derivation cursor is written in the transaction of the block it
 * produced; on an L1 reorg the state is rolled back to the common ancestor and derived again.
 */
import type { PublicClient } from 'viem';
import { Chain, type BlockHeader } from '../chain/chain.js';
import { fromHex, type Hex } from '../chain/bytes.js';
import { deriveBlock } from './derive.js';
import { L1Reader, type L1Block, type L1Message } from './l1.js';
import { l1Artifact } from './artifacts.js';
import { nextAcc } from './messages.js';
import { L2Store, type Cursor } from './store.js';
import { defineError, QvmError } from '../errors.js';

export interface ExecutorOptions {
  client: PublicClient;
  inbox: Hex;
  /** Database directory; null = in memory (gone with the process). */
  dataDir: string | null;
  /** Derive only L1 blocks this many below the L1 head (default 0). */
  confirmations?: number;
  /** Most L1 blocks read per step. */
  maxRange?: number;
  log?: (line: string) => void;
}

/** The L1 answered in a way that contradicts what was derived from it before. */
export class L1InconsistencyError extends QvmError {}
defineError(L1InconsistencyError, 'L1InconsistencyError', 'L1_INCONSISTENT');

const ZERO_HASH = ('0x' + '00'.repeat(32)) as Hex;

export class Executor {
  readonly chain: Chain;
  readonly store: L2Store;
  readonly reader: L1Reader;
  l1Head = 0;
  reorgs = 0;
  /** Told of each L2 block with the hashes of its batches' transactions. */
  readonly blockListeners: Array<(b: BlockHeader, batchTxs: Set<Hex>) => void> = [];
  /** Told after each rollback. */
  readonly rollbackListeners: Array<() => void> = [];

  private constructor(
    private readonly opts: ExecutorOptions,
    readonly l2ChainId: bigint,
    readonly startBlock: number,
    genesisTimestamp: bigint,
  ) {
    this.reader = new L1Reader(opts.client);
    this.chain = new Chain({ dataDir: opts.dataDir, chainId: l2ChainId, genesisAlloc: [], genesisTimestamp });
    this.store = new L2Store(this.chain.db);
  }

  /** Reads the Inbox's parameters from L1 and opens (or creates) the L2 database. */
  static async open(opts: ExecutorOptions): Promise<Executor> {
    const abi = l1Artifact('Inbox').abi;
    const inbox = opts.inbox.toLowerCase() as Hex;
    const code = await opts.client.getCode({ address: inbox });
    if (!code || code === '0x') throw new Error(`no contract at ${inbox} on L1 (deploy one with \`qvm l1 deploy\`)`);
    const [chainId, start] = await Promise.all([
      opts.client.readContract({ address: inbox, abi, functionName: 'l2ChainId' }) as Promise<bigint>,
      opts.client.readContract({ address: inbox, abi, functionName: 'startBlock' }) as Promise<bigint>,
    ]);
    const reader = new L1Reader(opts.client);
    const startL1 = await reader.block(Number(start));
    if (!startL1) throw new Error(`L1 has no block ${start} (the Inbox's start block)`);
    const ex = new Executor({ ...opts, inbox }, chainId, Number(start), startL1.timestamp);
    const followed = ex.store.meta('inbox');
    if (followed && followed !== inbox) {
      ex.chain.close();
      throw new Error(`the database in ${opts.dataDir ?? 'memory'} follows the inbox ${followed}, not ${inbox}`);
    }
    if (!followed) ex.store.setMeta('inbox', inbox);
    if (!ex.store.cursor()) {
      const parent = await reader.block(ex.startBlock - 1);
      ex.store.putCursor({ l1Number: ex.startBlock - 1, l1Hash: parent?.hash ?? ZERO_HASH, seq: 0, acc: ZERO_HASH, l2Block: 0 });
    }
    return ex;
  }

  close(): void {
    this.chain.close();
  }

  cursor(): Cursor {
    return this.store.cursor()!;
  }

  /** Whether the last round derived everything L1 had (up to the head minus the confirmations). */
  caughtUp(): boolean {
    return this.cursor().l1Number >= this.l1Head - (this.opts.confirmations ?? 0);
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /**
   * One round: checks the cursor is still canonical (else rolls back), then derives the next L1
   * blocks up to the head minus the confirmations. Returns whether anything changed.
   */
  async step(): Promise<boolean> {
    const cur = this.cursor();
    this.l1Head = await this.reader.head();
    const atCursor = await this.reader.block(cur.l1Number);
    if (cur.l1Number >= this.startBlock && (!atCursor || atCursor.hash !== cur.l1Hash)) {
      await this.reorg(cur);
      return true;
    }
    const target = this.l1Head - (this.opts.confirmations ?? 0);
    if (target <= cur.l1Number) return false;
    const to = Math.min(target, cur.l1Number + (this.opts.maxRange ?? 2000));
    const end = await this.reader.block(to);
    if (!end) return false;
    const messages = await this.reader.messages(this.opts.inbox, cur.l1Number + 1, to);
    // the logs must come from the chain that ends in `end`: a reorg in between is retried next round
    const again = await this.reader.block(to);
    if (!again || again.hash !== end.hash) return false;
    const byBlock = new Map<number, L1Message[]>();
    for (const m of messages) {
      let list = byBlock.get(m.blockNumber);
      if (!list) byBlock.set(m.blockNumber, (list = []));
      list.push(m);
    }
    let seq = cur.seq;
    let acc = cur.acc;
    for (const [n, list] of [...byBlock.entries()].sort((a, b) => a[0] - b[0])) {
      const blk = n === to ? end : await this.reader.block(n);
      if (!blk || list.some((m) => m.blockHash !== blk.hash)) return true; // L1 moved; next round sees the reorg
      for (const m of list) {
        if (m.seq !== seq) throw new L1InconsistencyError(`inbox message ${m.seq} in L1 block ${n}, expected ${seq}: messages are missing`);
        acc = nextAcc(acc, m.message);
        if (acc !== m.acc) throw new L1InconsistencyError(`inbox message ${m.seq}: accumulator ${m.acc} does not match the messages read (${acc})`);
        seq++;
      }
      this.deriveL1Block(blk, list, seq, acc);
    }
    if (!byBlock.has(to)) this.store.putCursor({ l1Number: to, l1Hash: end.hash, seq, acc, l2Block: this.chain.latest().number });
    return true;
  }

  /** Executes the L2 block of one L1 block's messages and commits it with the cursor. */
  private deriveL1Block(blk: L1Block, messages: L1Message[], seq: number, acc: Hex): void {
    const number = this.chain.latest().number + 1;
    const contents = deriveBlock(messages, this.l2ChainId, (s, h) => this.store.chunks(s, h));
    const { header, skipped } = this.chain.mineDerived({
      timestamp: blk.timestamp,
      context: { number: BigInt(blk.number), prevBlockHash: fromHex(blk.hash) },
      txs: contents.txs,
      persist: () => {
        for (const c of contents.chunks) this.store.putChunk(c, number);
        this.store.putCursor({ l1Number: blk.number, l1Hash: blk.hash, seq, acc, l2Block: number });
      },
    });
    if (contents.batchTxs.size) this.chain.dropFromPool(contents.batchTxs);
    this.log(`L2 block ${header.number} from L1 block ${blk.number}: ${messages.length} message(s), ${header.transactions.length} transaction(s)${skipped.length ? `, ${skipped.length} skipped` : ''}, state root ${header.stateRoot}`);
    for (const l of this.blockListeners) l(header, contents.batchTxs);
  }

  /** Rolls back to the newest derived L1 block that is still canonical, and reopens the chain. */
  private async reorg(cur: Cursor): Promise<void> {
    let ancestor: Cursor | null = null;
    for (let below = cur.l1Number - 1; ancestor === null;) {
      const candidates = this.store.derivedBefore(below, 64);
      if (candidates.length === 0) break;
      for (const c of candidates) {
        const b = c.l1Number < this.startBlock ? null : await this.reader.block(c.l1Number);
        if (c.l1Number < this.startBlock || (b && b.hash === c.l1Hash)) {
          ancestor = c;
          break;
        }
      }
      below = candidates[candidates.length - 1]!.l1Number - 1;
    }
    if (!ancestor) {
      const parent = await this.reader.block(this.startBlock - 1);
      ancestor = { l1Number: this.startBlock - 1, l1Hash: parent?.hash ?? ZERO_HASH, seq: 0, acc: ZERO_HASH, l2Block: 0 };
    }
    this.log(`L1 reorg: L1 block ${cur.l1Number} is no longer canonical; rolling L2 back from block ${this.chain.latest().number} to ${ancestor.l2Block} (L1 block ${ancestor.l1Number})`);
    const to = ancestor;
    try {
      // one SQLite transaction: the chain's rollback (a nested one) and the derivation rows
      this.chain.db.transaction(() => {
        this.chain.rollbackTo(to.l2Block);
        this.store.forgetAfter(to);
      })();
    } catch (e) {
      this.chain.reload(); // the database is as before; memory may not be
      throw e;
    }
    this.reorgs++;
    for (const l of this.rollbackListeners) l();
  }
}
