/**
 * The versioned state store (docs/chain.md, "Historical state"): every account and storage change
 * is kept as a row of the chain's SQLite database, tagged with the state *version* that made it.
 * A version is a step of the state: each block is one, and so is each development edit
 * (anvil_setBalance and the like) made between blocks. `block_versions` maps a block to the last
 * version of its state, so the state at block B is, for every account and slot, its newest row
 * with a version ≤ version(B). Rolling back to a version applies the rows after it in reverse
 * (to the live tables) and deletes them.
 *
 * Cost: one history row per changed account or slot per block (a value transfer adds 2 rows, a
 * contract call 1 plus one per written key); nothing is pruned.
 */
import type { Db } from './db.js';
import type { Hex } from './bytes.js';

export const HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS account_history (address TEXT NOT NULL, ver INTEGER NOT NULL, nonce TEXT NOT NULL, balance TEXT NOT NULL, code_hash TEXT, PRIMARY KEY (address, ver)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS storage_history (address TEXT NOT NULL, key TEXT NOT NULL, ver INTEGER NOT NULL, value BLOB, PRIMARY KEY (address, key, ver)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS account_history_ver ON account_history (ver);
CREATE INDEX IF NOT EXISTS storage_history_ver ON storage_history (ver);
CREATE TABLE IF NOT EXISTS block_versions (block INTEGER PRIMARY KEY, ver INTEGER NOT NULL);
`;

export interface AccountRow {
  nonce: bigint;
  balance: bigint;
  codeHash: Hex | null;
}

/** A point of the state to come back to: the head block and the version of its state. */
export interface StatePoint {
  block: number;
  ver: number;
}

/** The value before a rolled-back change: null when the account or slot did not exist. */
export interface Restore {
  accounts: Array<{ address: Hex; account: AccountRow | null }>;
  slots: Array<{ address: Hex; key: string; value: Uint8Array | null }>;
}

export class StateHistory {
  private readonly q;

  constructor(private readonly db: Db) {
    db.exec(HISTORY_SCHEMA);
    this.q = {
      putAccount: db.prepare('INSERT OR REPLACE INTO account_history (address, ver, nonce, balance, code_hash) VALUES (?, ?, ?, ?, ?)'),
      putSlot: db.prepare('INSERT OR REPLACE INTO storage_history (address, key, ver, value) VALUES (?, ?, ?, ?)'),
      markBlock: db.prepare('INSERT OR REPLACE INTO block_versions (block, ver) VALUES (?, ?)'),
      blockVer: db.prepare('SELECT ver FROM block_versions WHERE block = ?'),
      maxVer: db.prepare('SELECT MAX(ver) AS v FROM block_versions'),
      firstBlock: db.prepare('SELECT MIN(block) AS b FROM block_versions'),
      accountAt: db.prepare('SELECT nonce, balance, code_hash FROM account_history WHERE address = ? AND ver <= ? ORDER BY ver DESC LIMIT 1'),
      slotAt: db.prepare('SELECT value FROM storage_history WHERE address = ? AND key = ? AND ver <= ? ORDER BY ver DESC LIMIT 1'),
      storageAt: db.prepare(`SELECT key, value FROM storage_history h WHERE address = ? AND ver = (
        SELECT MAX(ver) FROM storage_history WHERE address = h.address AND key = h.key AND ver <= ?) AND value IS NOT NULL`),
      accountsAfter: db.prepare('SELECT DISTINCT address FROM account_history WHERE ver > ?'),
      slotsAfter: db.prepare('SELECT DISTINCT address, key FROM storage_history WHERE ver > ?'),
      dropAccounts: db.prepare('DELETE FROM account_history WHERE ver > ?'),
      dropSlots: db.prepare('DELETE FROM storage_history WHERE ver > ?'),
      dropBlocks: db.prepare('DELETE FROM block_versions WHERE block > ?'),
    };
  }

  /** The first block whose state is kept (a database made before history existed starts later). */
  firstBlock(): number {
    return (this.q.firstBlock.get() as { b: number | null }).b ?? 0;
  }

  /** True when nothing is recorded yet (a new database, or one made before history existed). */
  isEmpty(): boolean {
    return (this.q.maxVer.get() as { v: number | null }).v === null;
  }

  /** The newest version recorded (0 before the genesis block is written). */
  latestVersion(): number {
    return (this.q.maxVer.get() as { v: number | null }).v ?? 0;
  }

  /** The version of block `n`'s state, or null when that state is not kept. */
  versionOf(n: number): number | null {
    const r = this.q.blockVer.get(n) as { ver: number } | undefined;
    return r ? r.ver : null;
  }

  /** Records the values after version `ver` (called inside the block's database transaction). */
  recordAccount(ver: number, address: Hex, a: AccountRow): void {
    this.q.putAccount.run(address, ver, a.nonce.toString(), a.balance.toString(), a.codeHash);
  }

  recordSlot(ver: number, address: Hex, key: string, value: Uint8Array | null): void {
    this.q.putSlot.run(address, key, ver, value === null ? null : Buffer.from(value));
  }

  /** Block `n`'s state is (now) version `ver`. */
  markBlock(n: number, ver: number): void {
    this.q.markBlock.run(n, ver);
  }

  accountAt(address: Hex, ver: number): AccountRow | null {
    const r = this.q.accountAt.get(address, ver) as { nonce: string; balance: string; code_hash: Hex | null } | undefined;
    return r ? { nonce: BigInt(r.nonce), balance: BigInt(r.balance), codeHash: r.code_hash } : null;
  }

  slotAt(address: Hex, key: string, ver: number): Uint8Array | null {
    const r = this.q.slotAt.get(address, key, ver) as { value: Buffer | null } | undefined;
    return r?.value ? new Uint8Array(r.value) : null;
  }

  /** Every slot of `address` at version `ver`. */
  storageAt(address: Hex, ver: number): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const r of this.q.storageAt.all(address, ver) as Array<{ key: string; value: Buffer }>) out.set(r.key, new Uint8Array(r.value));
    return out;
  }

  /**
   * Deletes every change after `to` and says what each changed account and slot was at `to`
   * (the caller writes that to the live state). Block versions after `to.block` go too, and
   * `to.block` is marked as version `to.ver`. Run inside a database transaction.
   */
  truncate(to: StatePoint): Restore {
    const accounts = (this.q.accountsAfter.all(to.ver) as Array<{ address: Hex }>)
      .map(({ address }) => ({ address, account: this.accountAt(address, to.ver) }));
    const slots = (this.q.slotsAfter.all(to.ver) as Array<{ address: Hex; key: string }>)
      .map(({ address, key }) => ({ address, key, value: this.slotAt(address, key, to.ver) }));
    this.q.dropAccounts.run(to.ver);
    this.q.dropSlots.run(to.ver);
    this.q.dropBlocks.run(to.block);
    this.q.markBlock.run(to.block, to.ver);
    return { accounts, slots };
  }
}
