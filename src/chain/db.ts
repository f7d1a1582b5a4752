/**
 * The chain's SQLite database (better-sqlite3, WAL, synchronous=FULL). Every block is written in
 * one transaction together with the state it changed, so the database always holds exactly the
 * last committed block.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (address TEXT PRIMARY KEY, nonce TEXT NOT NULL, balance TEXT NOT NULL, code_hash TEXT);
CREATE TABLE IF NOT EXISTS code (hash TEXT PRIMARY KEY, code BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS contracts (address TEXT PRIMARY KEY, info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS storage (address TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (address, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, header TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS txs (hash TEXT PRIMARY KEY, block INTEGER NOT NULL, idx INTEGER NOT NULL, raw BLOB NOT NULL, receipt TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS logs (block INTEGER NOT NULL, log_index INTEGER NOT NULL, address TEXT NOT NULL, topic0 TEXT NOT NULL, log TEXT NOT NULL, PRIMARY KEY (block, log_index)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS logs_address ON logs (address, block);
CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL UNIQUE, raw BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS impersonated (hash TEXT PRIMARY KEY, sender TEXT NOT NULL);
`;

/** Opens (creating if needed) the database in `dataDir`, or an in-memory one when dataDir is null. */
export function openDb(dataDir: string | null): Db {
  let db: Db;
  if (dataDir === null) db = new Database(':memory:');
  else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'chain.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.exec(SCHEMA);
  return db;
}
