/**
 * What an L2 executor keeps next to the chain's tables in the same SQLite database: the
 * derivation cursor (written in the same transaction as the block it produced, so a crash resumes
 * exactly), the L1 blocks derived so far (to find the common ancestor after an L1 reorg), code
 * chunks, and an undo log filled by triggers on the state tables, so the state can be rolled back
 * to any earlier L2 block without the chain code knowing.
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

/** The state tables that can be rolled back, with their key and value columns. */
const UNDONE_TABLES: ReadonlyArray<{ table: string; keys: string[]; values: string[] }> = [
  { table: 'accounts', keys: ['address'], values: ['nonce', 'balance', 'code_hash'] },
  { table: 'storage', keys: ['address', 'key'], values: ['value'] },
  { table: 'contracts', keys: ['address'], values: ['info'] },
];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS l2_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS l2_l1_blocks (l1_number INTEGER PRIMARY KEY, l1_hash TEXT NOT NULL, seq INTEGER NOT NULL, acc TEXT NOT NULL, l2_block INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS l2_chunks (sender TEXT NOT NULL, code_hash TEXT NOT NULL, idx INTEGER NOT NULL, total INTEGER NOT NULL, data BLOB NOT NULL, l2_block INTEGER NOT NULL, PRIMARY KEY (sender, code_hash, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS l2_building (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT OR IGNORE INTO l2_building (id, n) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS l2_undo (seq INTEGER PRIMARY KEY AUTOINCREMENT, block INTEGER NOT NULL, tbl TEXT NOT NULL, present INTEGER NOT NULL, row TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS l2_undo_block ON l2_undo (block);
`;

/** Triggers that record a row's previous content (or its absence) before each change. */
function undoTriggers(): string {
  const out: string[] = [];
  for (const t of UNDONE_TABLES) {
    const cols = [...t.keys, ...t.values];
    // values as hex so BLOBs survive JSON; restored with unhex()
    const json = (ref: string): string => `json_object(${cols.map((c) => `'${c}', hex(${ref}.${c})`).join(', ')})`;
    const match = (ref: string): string => t.keys.map((k) => `${k} = ${ref}.${k}`).join(' AND ');
    const old = `(SELECT ${json(t.table)} FROM ${t.table} WHERE ${match('NEW')})`;
    const block = '(SELECT n FROM l2_building WHERE id = 1)';
    out.push(`CREATE TRIGGER IF NOT EXISTS l2_undo_${t.table}_ins BEFORE INSERT ON ${t.table} BEGIN
      INSERT INTO l2_undo (block, tbl, present, row) VALUES (${block}, '${t.table}', EXISTS (SELECT 1 FROM ${t.table} WHERE ${match('NEW')}), COALESCE(${old}, ${json('NEW')}));
    END;`);
    out.push(`CREATE TRIGGER IF NOT EXISTS l2_undo_${t.table}_upd BEFORE UPDATE ON ${t.table} BEGIN
      INSERT INTO l2_undo (block, tbl, present, row) VALUES (${block}, '${t.table}', 1, ${json('OLD')});
    END;`);
    out.push(`CREATE TRIGGER IF NOT EXISTS l2_undo_${t.table}_del BEFORE DELETE ON ${t.table} BEGIN
      INSERT INTO l2_undo (block, tbl, present, row) VALUES (${block}, '${t.table}', 1, ${json('OLD')});
    END;`);
  }
  return out.join('\n');
}

export class L2Store {
  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
    db.exec(undoTriggers());
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

  /**
   * Forgets undo records and derived-L1 rows older than `keepL1` L1 blocks below `cursor`: a
   * reorg deeper than that cannot be rolled back (the executor then refuses to go on).
   */
  prune(cursor: Cursor, keepL1: number): void {
    const horizon = this.db.prepare('SELECT l1_number, l2_block FROM l2_l1_blocks WHERE l1_number <= ? ORDER BY l1_number DESC LIMIT 1').get(cursor.l1Number - keepL1) as { l1_number: number; l2_block: number } | undefined;
    if (!horizon) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM l2_undo WHERE block <= ?').run(horizon.l2_block);
      this.db.prepare('DELETE FROM l2_l1_blocks WHERE l1_number < ?').run(horizon.l1_number);
      this.setMeta('undoHorizonL1', String(horizon.l1_number));
    })();
  }

  /** The oldest L1 block the state can be rolled back to (after pruning), or null for any. */
  undoHorizon(): number | null {
    const v = this.meta('undoHorizonL1');
    return v === null ? null : Number(v);
  }

  /** Tells the undo triggers which L2 block the coming writes belong to. */
  building(l2Block: number): void {
    this.db.prepare('UPDATE l2_building SET n = ? WHERE id = 1').run(l2Block);
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
   * Rolls the database back to the state right after `to` was derived: undoes every state change
   * of later L2 blocks and forgets their blocks, transactions, logs, chunks and L1 blocks. One
   * SQLite transaction; the chain must be reopened afterwards (its memory is stale).
   */
  rollbackTo(to: Cursor): void {
    const db = this.db;
    db.transaction(() => {
      const undo = db.prepare('SELECT tbl, present, row FROM l2_undo WHERE block > ? ORDER BY seq DESC').all(to.l2Block) as Array<{ tbl: string; present: number; row: string }>;
      // the restoring writes below fire the triggers too: file them under a block that is dropped
      db.prepare('UPDATE l2_building SET n = ? WHERE id = 1').run(Number.MAX_SAFE_INTEGER);
      for (const u of undo) {
        const t = UNDONE_TABLES.find((x) => x.table === u.tbl)!;
        const row = JSON.parse(u.row) as Record<string, string>;
        const text = (c: string): string => Buffer.from(row[c] ?? '', 'hex').toString('utf8');
        db.prepare(`DELETE FROM ${t.table} WHERE ${t.keys.map((k) => `${k} = ?`).join(' AND ')}`).run(...t.keys.map(text));
        if (!u.present) continue;
        const cols = [...t.keys, ...t.values];
        // hex() of NULL is '': only code_hash may be NULL; storage values are BLOBs
        const vals = cols.map((c) => (c === 'value' ? Buffer.from(row[c] ?? '', 'hex') : c === 'code_hash' && !row[c] ? null : text(c)));
        db.prepare(`INSERT INTO ${t.table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...vals);
      }
      db.prepare('DELETE FROM l2_undo WHERE block > ?').run(to.l2Block);
      db.prepare('DELETE FROM logs WHERE block > ?').run(to.l2Block);
      db.prepare('DELETE FROM txs WHERE block > ?').run(to.l2Block);
      db.prepare('DELETE FROM blocks WHERE number > ?').run(to.l2Block);
      db.prepare('DELETE FROM l2_chunks WHERE l2_block > ?').run(to.l2Block);
      db.prepare('DELETE FROM l2_l1_blocks WHERE l1_number > ?').run(to.l1Number);
      this.putCursor(to);
    })();
  }
}
