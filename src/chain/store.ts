/**
 * The chain's tables (db.ts holds the schema): every SQL statement of chain.ts, prepared once. A
 * block is written by writeBlock in one SQLite transaction with the state it changed, so the
 * database always holds exactly the last committed block.
 */
import type Database from 'better-sqlite3';
import type { Hex } from './bytes.js';
import type { Db } from './db.js';
import type { StateHistory } from './history.js';

/** An account row as the chain keeps it (chain.ts's Account). */
export interface AccountRow {
  nonce: bigint;
  balance: bigint;
  codeHash: Hex | null;
}

/** What a block changed in the state: the last value of each account and slot it touched. */
export interface StateChanges {
  accounts: ReadonlyMap<Hex, AccountRow>;
  /** null: the slot was deleted. */
  slots: ReadonlyMap<Hex, ReadonlyMap<string, Uint8Array | null>>;
  codes: ReadonlyMap<Hex, Uint8Array>;
  contracts: ReadonlyArray<{ address: Hex; info: string }>;
}

/** One transaction of a block as stored: its receipt and logs already in their JSON form. */
export interface StoredTx {
  hash: Hex;
  raw: Uint8Array;
  receipt: string;
  logs: ReadonlyArray<{ logIndex: number; address: Hex; topic0: Hex; json: string }>;
}

export interface StoredBlock {
  number: number;
  hash: Hex;
  header: string;
  ver: number;
  state: StateChanges;
  txs: readonly StoredTx[];
  /** Pooled transactions that can never be included (their nonce is past). */
  dropped: readonly Hex[];
}

type Statement = Database.Statement<unknown[]>;

export class ChainStore {
  private readonly q: Record<
    'putAccount' | 'delAccount' | 'putCode' | 'putContract' | 'putSlot' | 'delSlot' | 'putBlock' | 'putTx' | 'putLog' | 'delPending'
    | 'putPending' | 'putImpersonated' | 'impersonatedSender' | 'blockByNumber' | 'blockByHash' | 'txByHash' | 'receipt',
    Statement
  >;

  constructor(readonly db: Db, private readonly history: StateHistory) {
    this.q = {
      putAccount: db.prepare('INSERT OR REPLACE INTO accounts (address, nonce, balance, code_hash) VALUES (?, ?, ?, ?)'),
      delAccount: db.prepare('DELETE FROM accounts WHERE address = ?'),
      putCode: db.prepare('INSERT OR IGNORE INTO code (hash, code) VALUES (?, ?)'),
      putContract: db.prepare('INSERT OR REPLACE INTO contracts (address, info) VALUES (?, ?)'),
      putSlot: db.prepare('INSERT OR REPLACE INTO storage (address, key, value) VALUES (?, ?, ?)'),
      delSlot: db.prepare('DELETE FROM storage WHERE address = ? AND key = ?'),
      putBlock: db.prepare('INSERT INTO blocks (number, hash, header) VALUES (?, ?, ?)'),
      putTx: db.prepare('INSERT INTO txs (hash, block, idx, raw, receipt) VALUES (?, ?, ?, ?, ?)'),
      putLog: db.prepare('INSERT INTO logs (block, log_index, address, topic0, log) VALUES (?, ?, ?, ?, ?)'),
      delPending: db.prepare('DELETE FROM pending WHERE hash = ?'),
      putPending: db.prepare('INSERT INTO pending (hash, raw) VALUES (?, ?)'),
      putImpersonated: db.prepare('INSERT OR REPLACE INTO impersonated (hash, sender) VALUES (?, ?)'),
      impersonatedSender: db.prepare('SELECT sender FROM impersonated WHERE hash = ?'),
      blockByNumber: db.prepare('SELECT header FROM blocks WHERE number = ?'),
      blockByHash: db.prepare('SELECT header FROM blocks WHERE hash = ?'),
      txByHash: db.prepare('SELECT raw, block, idx FROM txs WHERE hash = ?'),
      receipt: db.prepare('SELECT receipt FROM txs WHERE hash = ?'),
    };
  }

  // ---------------------------------------------------------------------------- reading

  chainId(): string | null {
    const r = this.db.prepare('SELECT v FROM meta WHERE k = ?').get('chainId') as { v: string } | undefined;
    return r?.v ?? null;
  }

  setChainId(id: bigint): void {
    this.db.prepare('INSERT INTO meta (k, v) VALUES (?, ?)').run('chainId', id.toString());
  }

  /** The whole live state, for loading it into memory at start. */
  loadState(): {
    accounts: Array<{ address: Hex } & AccountRow>;
    codes: Array<{ hash: Hex; code: Uint8Array }>;
    contracts: Array<{ address: Hex; info: string }>;
    slots: Array<{ address: Hex; key: string; value: Uint8Array }>;
  } {
    const accounts = (this.db.prepare('SELECT address, nonce, balance, code_hash FROM accounts').all() as Array<{ address: Hex; nonce: string; balance: string; code_hash: Hex | null }>)
      .map((r) => ({ address: r.address, nonce: BigInt(r.nonce), balance: BigInt(r.balance), codeHash: r.code_hash }));
    const codes = (this.db.prepare('SELECT hash, code FROM code').all() as Array<{ hash: Hex; code: Buffer }>).map((r) => ({ hash: r.hash, code: new Uint8Array(r.code) }));
    const contracts = this.db.prepare('SELECT address, info FROM contracts').all() as Array<{ address: Hex; info: string }>;
    const slots = (this.db.prepare('SELECT address, key, value FROM storage').all() as Array<{ address: Hex; key: string; value: Buffer }>)
      .map((r) => ({ address: r.address, key: r.key, value: new Uint8Array(r.value) }));
    return { accounts, codes, contracts, slots };
  }

  latestHeader(): string | null {
    const h = this.db.prepare('SELECT header FROM blocks ORDER BY number DESC LIMIT 1').get() as { header: string } | undefined;
    return h?.header ?? null;
  }

  headerByNumber(n: number): string | null {
    return (this.q.blockByNumber.get(n) as { header: string } | undefined)?.header ?? null;
  }

  headerByHash(hash: Hex): string | null {
    return (this.q.blockByHash.get(hash) as { header: string } | undefined)?.header ?? null;
  }

  transaction(hash: Hex): { raw: Uint8Array; block: number; index: number } | null {
    const r = this.q.txByHash.get(hash) as { raw: Buffer; block: number; idx: number } | undefined;
    return r ? { raw: new Uint8Array(r.raw), block: r.block, index: r.idx } : null;
  }

  receipt(hash: Hex): string | null {
    return (this.q.receipt.get(hash) as { receipt: string } | undefined)?.receipt ?? null;
  }

  /** The raw transactions waiting for a block, in arrival order. */
  pending(): Uint8Array[] {
    return (this.db.prepare('SELECT raw FROM pending ORDER BY seq').all() as Array<{ raw: Buffer }>).map((r) => new Uint8Array(r.raw));
  }

  /** The sender recorded for an unsigned transaction of an impersonated account. */
  impersonatedSender(hash: Hex): Hex | null {
    return (this.q.impersonatedSender.get(hash) as { sender: Hex } | undefined)?.sender ?? null;
  }

  logs(filter: { fromBlock: number; toBlock: number; addresses: Hex[] | null; topic0: Hex[] | null; limit: number }): string[] {
    const params: unknown[] = [filter.fromBlock, filter.toBlock];
    let sql = 'SELECT log FROM logs WHERE block BETWEEN ? AND ?';
    if (filter.addresses) {
      sql += ` AND address IN (${filter.addresses.map(() => '?').join(',')})`;
      params.push(...filter.addresses);
    }
    if (filter.topic0) {
      sql += ` AND topic0 IN (${filter.topic0.map(() => '?').join(',')})`;
      params.push(...filter.topic0);
    }
    sql += ' ORDER BY block, log_index LIMIT ?';
    params.push(filter.limit);
    return (this.db.prepare(sql).all(...params) as Array<{ log: string }>).map((r) => r.log);
  }

  // ---------------------------------------------------------------------------- writing

  /** Pools a transaction (and the sender of an impersonated one), so an acknowledged one survives a crash. */
  addPending(hash: Hex, raw: Uint8Array, impersonated?: Hex): void {
    this.db.transaction(() => {
      if (impersonated) this.q.putImpersonated.run(hash, impersonated);
      this.q.putPending.run(hash, Buffer.from(raw));
    })();
  }

  dropPending(hashes: Iterable<Hex>): void {
    this.db.transaction(() => {
      for (const h of hashes) this.q.delPending.run(h);
    })();
  }

  dropAllPending(): void {
    this.db.prepare('DELETE FROM pending').run();
  }

  /**
   * Blocks, their transactions and the state they changed, in one transaction (it throws when the
   * write fails); `extra` runs inside that transaction (what L2 derivation commits with a block).
   */
  writeBlocks(blocks: readonly StoredBlock[], extra?: () => void): void {
    this.db.transaction(() => {
      for (const b of blocks) this.insertBlock(b);
      extra?.();
    })();
  }

  private insertBlock(b: StoredBlock): void {
    this.writeState(b.ver, b.state);
    this.history.markBlock(b.number, b.ver);
    this.q.putBlock.run(b.number, b.hash, b.header);
    b.txs.forEach((tx, i) => this.writeTx(b.number, i, tx));
    for (const h of b.dropped) this.q.delPending.run(h);
  }

  /** A development edit of one account as state version `ver` of block `block` (its header is kept). */
  writeAccountEdit(block: number, ver: number, address: Hex, a: AccountRow): void {
    this.db.transaction(() => {
      this.putAccount(address, a);
      this.history.recordAccount(ver, address, a);
      this.history.markBlock(block, ver);
    })();
  }

  /**
   * Rolls the tables back to `p`: the history's last values come back into the live state and
   * every later block, transaction, log and contract goes. Returns what was restored.
   */
  revertTo(p: { block: number; ver: number }): ReturnType<StateHistory['truncate']> {
    let restore!: ReturnType<StateHistory['truncate']>;
    this.db.transaction(() => {
      restore = this.history.truncate(p);
      for (const { address, account } of restore.accounts) {
        if (account) this.putAccount(address, account);
        else this.q.delAccount.run(address);
      }
      for (const { address, key, value } of restore.slots) this.putSlot(address, key, value);
      this.db.prepare('DELETE FROM blocks WHERE number > ?').run(p.block);
      this.db.prepare('DELETE FROM txs WHERE block > ?').run(p.block);
      this.db.prepare('DELETE FROM logs WHERE block > ?').run(p.block);
      this.db.prepare("DELETE FROM contracts WHERE json_extract(info, '$.deployBlock') > ?").run(p.block);
    })();
    return restore;
  }

  /** A database made before history existed: its current state becomes version 1 of block `head`. */
  seedHistory(head: number, accounts: Iterable<[Hex, AccountRow]>, slots: Iterable<[Hex, Iterable<[string, Uint8Array]>]>): void {
    this.db.transaction(() => {
      for (const [a, acc] of accounts) this.history.recordAccount(1, a, acc);
      for (const [a, m] of slots) for (const [k, v] of m) this.history.recordSlot(1, a, k, v);
      this.history.markBlock(head, 1);
    })();
  }

  private writeState(ver: number, s: StateChanges): void {
    for (const [a, acc] of s.accounts) {
      this.history.recordAccount(ver, a, acc);
      this.putAccount(a, acc);
    }
    for (const [h, code] of s.codes) this.q.putCode.run(h, Buffer.from(code));
    for (const c of s.contracts) this.q.putContract.run(c.address, c.info);
    for (const [a, keys] of s.slots) {
      for (const [k, v] of keys) {
        this.history.recordSlot(ver, a, k, v);
        this.putSlot(a, k, v);
      }
    }
  }

  private writeTx(block: number, index: number, tx: StoredTx): void {
    this.q.putTx.run(tx.hash, block, index, Buffer.from(tx.raw), tx.receipt);
    for (const l of tx.logs) this.q.putLog.run(block, l.logIndex, l.address, l.topic0, l.json);
    this.q.delPending.run(tx.hash);
  }

  private putAccount(address: Hex, a: AccountRow): void {
    this.q.putAccount.run(address, a.nonce.toString(), a.balance.toString(), a.codeHash);
  }

  private putSlot(address: Hex, key: string, value: Uint8Array | null): void {
    if (value === null) this.q.delSlot.run(address, key);
    else this.q.putSlot.run(address, key, Buffer.from(value));
  }
}
