/**
 * What an L2 executor keeps next to the chain's tables in the same SQLite database: the
 * derivation cursor (written in the same transaction as the block it produced, so a crash resumes
 * exactly), the L1 blocks derived so far (to find the common ancestor after an L1 reorg), and code
 * chunks. Rolling the state back is the chain's own (`Chain.rollbackTo`, its state history).
 */
import type { Db } from '../chain/db.js';
import type { Hex } from '../chain/bytes.js';

/** The last L1 block derived and the Inbox sequence number and accumulator after it. */
export interface Cursor {
  l1Number: number;
  l1Hash: Hex;
  /** The next message's sequence number. */
  seq: number;
  acc: Hex;
  /** The L2 head after this L1 block. */
  l2Block: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS l2_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS l2_l1_blocks (l1_number INTEGER PRIMARY KEY, l1_hash TEXT NOT NULL, seq INTEGER NOT NULL, acc TEXT NOT NULL, l2_block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS l2_chunks (sender TEXT NOT NULL, code_hash TEXT NOT NULL, idx INTEGER NOT NULL, total INTEGER NOT NULL, data BLOB NOT NULL, l2_block INTEGER NOT NULL, PRIMARY KEY (sender, code_hash, idx)) WITHOUT ROWID;
`;

export class L2Store {
  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
  }

  meta(k: string): string | null {
    const r = this.db.prepare('SELECT v FROM l2_meta WHERE k = ?').get(k) as { v: string } | undefined;
    return r?.v ?? null;
  }

  setMeta(k: string, v: string): void {
    this.db.prepare('INSERT OR REPLACE INTO l2_meta (k, v) VALUES (?, ?)').run(k, v);
  }

  cursor(): Cursor | null {
    const r = this.db.prepare('SELECT l1_number, l1_hash, seq, acc, l2_block FROM l2_l1_blocks ORDER BY l1_number DESC LIMIT 1').get() as
      | { l1_number: number; l1_hash: Hex; seq: number; acc: Hex; l2_block: number }
      | undefined;
    return r ? { l1Number: r.l1_number, l1Hash: r.l1_hash, seq: r.seq, acc: r.acc, l2Block: r.l2_block } : null;
  }

  /** Derived L1 blocks at or below `below`, newest first (candidates for the common ancestor). */
  derivedBefore(below: number, limit: number): Cursor[] {
    const rows = this.db.prepare('SELECT l1_number, l1_hash, seq, acc, l2_block FROM l2_l1_blocks WHERE l1_number <= ? ORDER BY l1_number DESC LIMIT ?').all(below, limit) as Array<{ l1_number: number; l1_hash: Hex; seq: number; acc: Hex; l2_block: number }>;
    return rows.map((r) => ({ l1Number: r.l1_number, l1Hash: r.l1_hash, seq: r.seq, acc: r.acc, l2Block: r.l2_block }));
  }

  /** Records an L1 block as derived; called inside the transaction of the block it produced (if any). */
  putCursor(c: Cursor): void {
    this.db.prepare('INSERT OR REPLACE INTO l2_l1_blocks (l1_number, l1_hash, seq, acc, l2_block) VALUES (?, ?, ?, ?, ?)').run(c.l1Number, c.l1Hash, c.seq, c.acc, c.l2Block);
  }

  /** Stores a code chunk (the first one per sender, hash and index counts). */
  putChunk(c: { sender: Hex; codeHash: Hex; index: number; total: number; data: Uint8Array }, l2Block: number): void {
    this.db.prepare('INSERT OR IGNORE INTO l2_chunks (sender, code_hash, idx, total, data, l2_block) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.sender, c.codeHash.toLowerCase(), c.index, c.total, Buffer.from(c.data), l2Block);
  }

  /** The chunks a sender uploaded for a code hash, by index. */
  chunks(sender: Hex, codeHash: Hex): Array<{ index: number; total: number; data: Uint8Array }> {
    const rows = this.db.prepare('SELECT idx, total, data FROM l2_chunks WHERE sender = ? AND code_hash = ? ORDER BY idx').all(sender, codeHash.toLowerCase()) as Array<{ idx: number; total: number; data: Buffer }>;
    return rows.map((r) => ({ index: r.idx, total: r.total, data: new Uint8Array(r.data) }));
  }

  /**
   * Forgets what was derived after `to`: its chunks and L1 blocks; `to` becomes the cursor. Runs
   * in the transaction that rolls the chain back to `to.l2Block` (executor.ts).
   */
  forgetAfter(to: Cursor): void {
    this.db.prepare('DELETE FROM l2_chunks WHERE l2_block > ?').run(to.l2Block);
    this.db.prepare('DELETE FROM l2_l1_blocks WHERE l1_number > ?').run(to.l1Number);
    this.putCursor(to);
  }
}
