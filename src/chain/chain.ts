/**
 * The local chain (SPEC §5, docs/chain.md): accounts, contracts, blocks, transactions and
 * receipts. State lives in memory (loaded from the database at start) and every block is written
 * to SQLite in one transaction with the state it changed.
 */
import { runCall, runDeploy, TOPIC_STDERR, type CallInput, type CallResult, type FailureKind } from '../contract/index.js';
import { keccak, quantity, toHex, fromHex, type Hex } from './bytes.js';
import { openDb, type Db } from './db.js';
import { StateHistory, type StatePoint } from './history.js';
import { decodeEnvelope, EnvelopeError } from './envelope.js';
import { accountLeaf, bloomAdd, emptyBloom, storageLeaf } from './merkle.js';
import { accountPath, slotPath, StateTrie } from './state-trie.js';
import { createAddress, decodeTx, intrinsicGas, TxError, type SignedTx } from './tx.js';
import { defineError, QvmError, reportInternalError } from '../errors.js';
import { BlockState } from './block-state.js';
import { sealHeader, storedTxs, type BlockContents } from './block-header.js';
import { ChainStore, type StoredBlock } from './store.js';
import { runHere, runWith, type Steps } from './steps.js';

export interface ChainOptions {
  /** Directory of the database; null = in memory. */
  dataDir: string | null;
  chainId?: bigint;
  /** Accounts funded in the genesis block (only used when the database is new). */
  genesisAlloc?: ReadonlyArray<{ address: Hex; balance: bigint }>;
  /** Genesis timestamp (default: now). Only used when the database is new. */
  genesisTimestamp?: bigint;
  /** When set, block N's timestamp is block N-1's plus this (reproducible chains); else the wall clock. */
  timestampStep?: bigint;
  blockGasLimit?: bigint;
  baseFeePerGas?: bigint;
  /** Biggest raw transaction accepted, in bytes. */
  maxTxBytes?: number;
  /** Wall clock in seconds (tests). */
  now?: () => bigint;
}

export interface Account {
  nonce: bigint;
  balance: bigint;
  codeHash: Hex | null;
}

/** What a run reads of the state: the live state (the Chain) or the state at a past block. */
export interface StateReader {
  account(address: Hex): Account;
  code(address: Hex): Uint8Array | null;
  storageOf(address: Hex): ReadonlyMap<string, Uint8Array>;
  contract(address: Hex): ContractInfo | null;
}

export type { StatePoint };

export interface ContractInfo {
  address: Hex;
  codeHash: Hex;
  codeSize: number;
  deployer: Hex;
  deployTx: Hex;
  deployBlock: number;
}

export interface BlockHeader {
  number: number;
  hash: Hex;
  parentHash: Hex;
  timestamp: string;
  stateRoot: Hex;
  transactionsRoot: Hex;
  receiptsRoot: Hex;
  gasUsed: string;
  gasLimit: string;
  baseFeePerGas: string;
  logsBloom: Hex;
  transactions: Hex[];
}

export interface RpcLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  blockTimestamp: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed: false;
}

/** What the VM did in a transaction (qvm_traceTransaction; also in receipts as `qvm`). */
export interface ExecRecord {
  kind: 'transfer' | 'deploy' | 'call';
  status: 'success' | 'failure';
  failure: { kind: FailureKind | 'envelope' | 'internal'; reason: string } | null;
  /** Gas used by the VM run (the receipt's gasUsed adds the intrinsic gas). */
  vmGasUsed: number;
  intrinsicGas: number;
  reads: string[];
  writes: string[];
  /** The last value written to each key of `writes` (absent in receipts of databases made before it). */
  written?: Record<string, Hex>;
  deletes: string[];
  events: number;
  stdout: Hex;
  stderr: Hex;
  exitCode: number;
  instructions: number;
  syscalls: number;
}

export interface RpcReceipt {
  type: Hex;
  status: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  blockHash: Hex;
  blockNumber: Hex;
  from: Hex;
  to: Hex | null;
  contractAddress: Hex | null;
  cumulativeGasUsed: Hex;
  gasUsed: Hex;
  effectiveGasPrice: Hex;
  logs: RpcLog[];
  logsBloom: Hex;
  qvm: ExecRecord;
}

/** A rejected transaction or request: JSON-RPC error `code` with a one-line message. */
export class ChainError extends QvmError {
  constructor(message: string, override readonly code = -32000, readonly data?: unknown) {
    super(message);
  }
}
defineError(ChainError, 'ChainError', -32000);

export interface DryRunInput {
  from?: Hex;
  to: Hex | null;
  value?: bigint;
  data: Uint8Array;
  gas?: bigint;
}

export interface DryRunResult {
  gasUsed: bigint;
  exec: ExecRecord;
  result: CallResult | null;
  contractAddress: Hex | null;
}

const ZERO_HASH = toHex(new Uint8Array(32));
const ZERO_ADDRESS = ('0x' + '00'.repeat(20)) as Hex;

export const DEFAULT_CHAIN_ID = 1337n;
export const DEFAULT_BLOCK_GAS_LIMIT = 1_000_000_000n;
export const DEFAULT_BASE_FEE = 1_000_000_000n;
export const DEFAULT_MAX_TX_BYTES = 8 * 1024 * 1024;

/**
 * What L2 derivation (src/l2, docs/l2.md) adds to a transaction that came from an L1 message
 * rather than a signature: the sender's nonce is left alone, no fee is paid (maxFeePerGas 0), a
 * deploy lands at the given address, a deposit mints value to the sender, and a message that cannot
 * run gets a failure receipt with the given reason.
 */
export interface DerivedTxInfo {
  contractAddress?: Hex;
  mint?: bigint;
  failure?: string;
}
export type DerivedTx = SignedTx & { derived: DerivedTxInfo };
/** The receipt type of a derived transaction (0x7e, as Optimism's deposit transactions). */
export const L1_MESSAGE_TX_TYPE: Hex = '0x7e';

/** A block whose contents and context are chosen by the caller (L2 derivation). */
export interface DerivedBlockSpec {
  timestamp: bigint;
  /** The runs' QVM_BLOCK_NUMBER and QVM_PREV_BLOCK_HASH (the L1 block's number and hash on L2). */
  context: { number: bigint; prevBlockHash: Uint8Array };
  /** In order; a signed transaction that is not valid now (nonce, funds, chain id, gas, already included) is skipped. */
  txs: ReadonlyArray<SignedTx | DerivedTx>;
  /** Runs inside the block's SQLite transaction: state the caller commits with the block. */
  persist?: (db: Db) => void;
}

/** A receipt before its block is sealed: no block hash, logs not yet numbered. */
export type PendingReceipt = Omit<RpcReceipt, 'blockHash' | 'logs'> & { logs: Array<Pick<RpcLog, 'address' | 'topics' | 'data'>> };

interface Outcome {
  receipt: PendingReceipt;
  contract: ContractInfo | null;
}

/** A block ready to commit: its contents and the state its transactions left. */
interface BuiltBlock {
  number: number;
  parentHash: Hex;
  timestamp: bigint;
  txs: SignedTx[];
  outcomes: Outcome[];
  state: BlockState;
  /** Pooled transactions that can never be included. */
  dropped?: Hex[];
  persist?: (db: Db) => void;
}

export class Chain {
  readonly db: Db;
  private readonly store: ChainStore;
  readonly chainId: bigint;
  readonly blockGasLimit: bigint;
  readonly baseFeePerGas: bigint;
  readonly maxTxBytes: number;
  private readonly timestampStep: bigint | undefined;
  private readonly now: () => bigint;
  /** Every state change, by version (history.ts). */
  readonly history: StateHistory;
  /** The version of the live state. */
  private ver = 0;
  /** evm_increaseTime: seconds added to the wall clock (or, with timestampStep, to the next block only). */
  private timeShift = 0n;
  /** evm_setNextBlockTimestamp. */
  private forcedTimestamp: bigint | null = null;

  private readonly accounts = new Map<Hex, Account>();
  private readonly storage = new Map<Hex, Map<string, Uint8Array>>();
  private readonly codes = new Map<Hex, Uint8Array>();
  private readonly contracts = new Map<Hex, ContractInfo>();
  /** Every state leaf, by "a:ADDR" or "s:ADDR:KEY". */
  /** The state root's tree (state-trie.ts), updated with every account and slot change. */
  private trie = new StateTrie();
  private head!: BlockHeader;
  /** Set when a block could not be written: the node must restart. */
  private fatal: string | null = null;
  /** Transactions waiting for the next block (interval mining), in arrival order. */
  private pool: SignedTx[] = [];
  /** Set while a block is being built (its runs may be in a worker): the state may not be changed meanwhile. */
  private building = false;

  constructor(opts: ChainOptions) {
    this.db = openDb(opts.dataDir);
    this.history = new StateHistory(this.db);
    this.store = new ChainStore(this.db, this.history);
    this.blockGasLimit = opts.blockGasLimit ?? DEFAULT_BLOCK_GAS_LIMIT;
    this.baseFeePerGas = opts.baseFeePerGas ?? DEFAULT_BASE_FEE;
    this.maxTxBytes = opts.maxTxBytes ?? DEFAULT_MAX_TX_BYTES;
    this.timestampStep = opts.timestampStep;
    this.now = opts.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    const stored = this.store.chainId();
    if (stored !== null) {
      this.chainId = BigInt(stored);
      if (opts.chainId !== undefined && opts.chainId !== this.chainId) {
        throw new ChainError(`the database holds chain ${this.chainId}, not ${opts.chainId}`);
      }
      this.load();
    } else {
      this.chainId = opts.chainId ?? DEFAULT_CHAIN_ID;
      this.genesis(opts.genesisAlloc ?? [], opts.genesisTimestamp ?? this.now());
    }
  }

  close(): void {
    this.db.close();
  }

  /** Drops the in-memory state and loads it again from the database (after an L2 rollback rewrote it). */
  reload(): void {
    this.idle();
    for (const m of [this.accounts, this.storage, this.codes, this.contracts]) m.clear();
    this.trie = new StateTrie();
    this.pool = [];
    this.load();
  }

  /** Throws unless the state may be changed now: no block is being built and no write failed. */
  private idle(): void {
    if (this.fatal) throw new ChainError(this.fatal, -32603);
    if (this.building) throw new ChainError('a block is being built: the state cannot be changed until it is committed', -32603);
  }

  // ---------------------------------------------------------------------------- loading

  private load(): void {
    const st = this.store.loadState();
    for (const { address, ...a } of st.accounts) this.setAccount(address, a);
    for (const c of st.codes) this.codes.set(c.hash, c.code);
    for (const c of st.contracts) this.contracts.set(c.address, JSON.parse(c.info) as ContractInfo);
    for (const r of st.slots) this.setSlot(r.address, r.key, r.value);
    const h = this.store.latestHeader();
    if (h === null) throw new ChainError('the database has no blocks');
    this.head = JSON.parse(h) as BlockHeader;
    if (this.history.isEmpty()) this.store.seedHistory(this.head.number, this.accounts, this.storage);
    this.ver = this.history.latestVersion();
    for (const raw of this.store.pending()) {
      try {
        this.pool.push(this.decode(raw));
      } catch {
        /* a stored pending transaction was valid when accepted */
      }
    }
  }

  private genesis(alloc: ReadonlyArray<{ address: Hex; balance: bigint }>, timestamp: bigint): void {
    const state = new BlockState(this);
    for (const a of alloc) state.setAccount(a.address.toLowerCase() as Hex, { nonce: 0n, balance: a.balance, codeHash: null });
    this.store.setChainId(this.chainId);
    this.commitBlock({ number: 0, parentHash: ZERO_HASH, timestamp, txs: [], outcomes: [], state });
  }

  // ---------------------------------------------------------------------------- state access

  /** Sets an account of the committed state (and its leaf in the state tree). */
  private setAccount(address: Hex, a: Account): void {
    this.accounts.set(address, a);
    // an empty account (no nonce, balance or code) is no leaf: it is the same as a missing one
    if (a.nonce === 0n && a.balance === 0n && !a.codeHash) this.trie.set(accountPath(address), null);
    else this.trie.set(accountPath(address), accountLeaf(address, a.nonce, a.balance, a.codeHash ? fromHex(a.codeHash) : null));
  }

  /** Sets or deletes (null) a slot of the committed state (and its leaf in the state tree). */
  private setSlot(address: Hex, key: string, value: Uint8Array | null): void {
    let m = this.storage.get(address);
    if (!m) this.storage.set(address, (m = new Map()));
    if (value === null) {
      m.delete(key);
      this.trie.set(slotPath(address, key), null);
    } else {
      m.set(key, value);
      this.trie.set(slotPath(address, key), storageLeaf(address, key, value));
    }
  }

  /** Code by its hash (the base a block being built reads through). */
  codeByHash(hash: Hex): Uint8Array | null {
    return this.codes.get(hash) ?? null;
  }

  account(address: Hex): Account {
    return this.accounts.get(address) ?? { nonce: 0n, balance: 0n, codeHash: null };
  }

  /** The nonce the next transaction of `address` must have, counting the pool. */
  pendingNonce(address: Hex): bigint {
    let n = this.account(address).nonce;
    for (const t of this.pool) if (t.from === address && t.nonce === n) n++;
    return n;
  }

  code(address: Hex): Uint8Array | null {
    const h = this.account(address).codeHash;
    return h ? (this.codes.get(h) ?? null) : null;
  }

  contract(address: Hex): ContractInfo | null {
    return this.contracts.get(address) ?? null;
  }

  storageOf(address: Hex): ReadonlyMap<string, Uint8Array> {
    return this.storage.get(address) ?? new Map();
  }

  stateRoot(): Hex {
    return toHex(this.trie.rootHash());
  }

  latest(): BlockHeader {
    return this.head;
  }

  blockByNumber(n: number): BlockHeader | null {
    if (n === this.head.number) return this.head;
    const h = this.store.headerByNumber(n);
    return h === null ? null : (JSON.parse(h) as BlockHeader);
  }

  blockByHash(hash: Hex): BlockHeader | null {
    const h = this.store.headerByHash(hash.toLowerCase() as Hex);
    return h === null ? null : (JSON.parse(h) as BlockHeader);
  }

  transaction(hash: Hex): { tx: SignedTx; block: number; index: number } | null {
    const r = this.store.transaction(hash.toLowerCase() as Hex);
    if (!r) return null;
    try {
      return { tx: this.decode(r.raw), block: r.block, index: r.index };
    } catch {
      return null; // an L2 transaction derived from an L1 message has no signed form (docs/l2.md)
    }
  }

  pendingTransaction(hash: Hex): SignedTx | null {
    return this.pool.find((t) => t.hash === hash.toLowerCase()) ?? null;
  }

  receipt(hash: Hex): RpcReceipt | null {
    const r = this.store.receipt(hash.toLowerCase() as Hex);
    return r === null ? null : (JSON.parse(r) as RpcReceipt);
  }

  logs(filter: { fromBlock: number; toBlock: number; addresses: Hex[] | null; topic0: Hex[] | null; limit: number }): RpcLog[] {
    const rows = this.store.logs({ ...filter, limit: filter.limit + 1 });
    if (rows.length > filter.limit) throw new ChainError(`query returned more than ${filter.limit} logs; narrow the block range`, -32005);
    return rows.map((r) => JSON.parse(r) as RpcLog);
  }

  poolSize(): number {
    return this.pool.length;
  }

  /** The transactions waiting for a block, in arrival order. */
  poolTransactions(): readonly SignedTx[] {
    return this.pool;
  }

  /** Drops transactions from the pool (and its table), e.g. once an L2 batch holding them is derived. */
  dropFromPool(hashes: ReadonlySet<Hex>): void {
    this.idle();
    this.store.dropPending(hashes);
    this.pool = this.pool.filter((t) => !hashes.has(t.hash));
  }

  /** Whether a signed transaction could be included next in the block being built (the checks of `mine`). */
  private includable(tx: SignedTx, gasUsed: bigint, state: BlockState): boolean {
    if (tx.chainId !== undefined && tx.chainId !== this.chainId) return false;
    if (tx.gasLimit < intrinsicGas(tx.data, tx.to === null) || gasUsed + tx.gasLimit > this.blockGasLimit) return false;
    if (tx.maxFeePerGas < this.baseFeePerGas) return false;
    const acct = state.account(tx.from);
    if (tx.nonce !== acct.nonce || acct.balance < tx.gasLimit * tx.maxFeePerGas + tx.value) return false;
    return this.receipt(tx.hash) === null;
  }

  /**
   * Mines one block of the given transactions with the given timestamp and run context (L2
   * derivation, docs/l2.md). Derived transactions are always included; signed ones only when valid.
   * Returns the header and the hashes of the signed transactions skipped.
   */
  mineDerived(spec: DerivedBlockSpec): { header: BlockHeader; skipped: Hex[] } {
    return runHere(this.asBuild(this.derivedSteps(spec)), runJob);
  }

  private *derivedSteps(spec: DerivedBlockSpec): Steps<{ header: BlockHeader; skipped: Hex[] }> {
    const number = this.head.number + 1;
    const state = new BlockState(this);
    const txs: SignedTx[] = [];
    const outcomes: Outcome[] = [];
    const skipped: Hex[] = [];
    const seen = new Set<Hex>();
    let gasUsed = 0n;
    // only signed transactions count against the block gas limit: L1 messages are always included
    let signedGas = 0n;
    for (const tx of spec.txs) {
      const derived = 'derived' in tx;
      if (!derived && (seen.has(tx.hash) || !this.includable(tx, signedGas, state))) {
        skipped.push(tx.hash);
        continue;
      }
      seen.add(tx.hash);
      const o = yield* this.execute(tx, { number, timestamp: spec.timestamp, index: txs.length, cumulative: gasUsed, context: spec.context }, state);
      if (!derived) signedGas += BigInt(o.receipt.gasUsed);
      gasUsed = BigInt(o.receipt.cumulativeGasUsed);
      txs.push(tx);
      outcomes.push(o);
    }
    const header = this.commitBlock({ number, parentHash: this.head.hash, timestamp: spec.timestamp, txs, outcomes, state, persist: spec.persist });
    return { header, skipped };
  }

  /** Steps that build a block, marked as building while they run (and refused while another block is). */
  private *asBuild<T>(g: Steps<T>): Steps<T> {
    this.idle();
    this.building = true;
    try {
      return yield* g;
    } finally {
      this.building = false;
    }
  }

  // ---------------------------------------------------------------------------- transactions

  /** Decodes and checks a raw transaction against the current state and pool; throws ChainError. */
  check(raw: Uint8Array, impersonated?: Hex): SignedTx {
    if (this.fatal) throw new ChainError(this.fatal, -32603);
    if (raw.length > this.maxTxBytes) throw new ChainError(`transaction too large: ${raw.length} bytes (limit ${this.maxTxBytes})`, -32602);
    let tx: SignedTx;
    try {
      tx = decodeTx(raw, impersonated);
    } catch (e) {
      if (e instanceof TxError) throw new ChainError(e.message, -32602);
      throw e;
    }
    if (tx.chainId !== undefined && tx.chainId !== this.chainId) throw new ChainError(`invalid chain id ${tx.chainId} (this chain is ${this.chainId})`);
    if (this.pendingTransaction(tx.hash) || this.receipt(tx.hash)) throw new ChainError('transaction already known');
    const intrinsic = intrinsicGas(tx.data, tx.to === null);
    if (tx.gasLimit < intrinsic) throw new ChainError(`intrinsic gas too low: gas ${tx.gasLimit}, need at least ${intrinsic}`);
    if (tx.gasLimit > this.blockGasLimit) throw new ChainError(`gas limit ${tx.gasLimit} above the block gas limit ${this.blockGasLimit}`);
    if (tx.maxFeePerGas < this.baseFeePerGas) throw new ChainError(`max fee per gas ${tx.maxFeePerGas} below the base fee ${this.baseFeePerGas}`);
    const expected = this.pendingNonce(tx.from);
    if (tx.nonce < expected) throw new ChainError(`nonce too low: next nonce of ${tx.from} is ${expected}, transaction has ${tx.nonce}`);
    if (tx.nonce > expected) throw new ChainError(`nonce too high: next nonce of ${tx.from} is ${expected}, transaction has ${tx.nonce}`);
    const cost = tx.gasLimit * tx.maxFeePerGas + tx.value;
    const bal = this.account(tx.from).balance;
    if (bal < cost) throw new ChainError(`insufficient funds for gas * price + value: balance ${bal}, need ${cost}`);
    return tx;
  }

  /**
   * Accepts a transaction into the pool (persisted, so an acknowledged one survives a crash).
   * `impersonated`: the sender of an unsigned transaction of an impersonated account.
   */
  submit(raw: Uint8Array, impersonated?: Hex): SignedTx {
    const tx = this.check(raw, impersonated);
    this.store.addPending(tx.hash, raw, impersonated);
    this.pool.push(tx);
    return tx;
  }

  /** decodeTx for a stored transaction: one of an impersonated account has its sender on record. */
  private decode(raw: Uint8Array): SignedTx {
    return decodeTx(raw, this.store.impersonatedSender(toHex(keccak(raw))) ?? undefined);
  }

  private effectiveGasPrice(tx: SignedTx): bigint {
    const tip = tx.maxFeePerGas - this.baseFeePerGas;
    return this.baseFeePerGas + (tx.maxPriorityFeePerGas < tip ? tx.maxPriorityFeePerGas : tip);
  }

  private nextTimestamp(): bigint {
    if (this.forcedTimestamp !== null) return this.forcedTimestamp;
    const parent = BigInt(this.head.timestamp);
    if (this.timestampStep !== undefined) return parent + this.timestampStep + this.timeShift;
    const now = this.now() + this.timeShift;
    return now > parent ? now : parent;
  }

  /** Mines one block with the pool's transactions (those that still fit and are valid, at most maxTxs), here. */
  mine(maxTxs = Infinity): BlockHeader {
    return runHere(this.asBuild(this.mineSteps(maxTxs)), runJob);
  }

  /**
   * mine, with the contract runs made by `exec` (a worker: executor.ts). Until the block is
   * committed, reads see the last committed block and the state cannot be changed otherwise;
   * transactions may still be submitted (they wait for a later block).
   */
  mineWith(exec: (job: VmJob) => Promise<CallResult>, maxTxs = Infinity): Promise<BlockHeader> {
    return runWith(this.asBuild(this.mineSteps(maxTxs)), exec);
  }

  private *mineSteps(maxTxs: number): Steps<BlockHeader> {
    return this.commitBlock(yield* this.buildSteps(maxTxs));
  }

  /**
   * Mines `count` empty blocks (anvil_mine), `interval` seconds apart after the first, written in
   * one SQLite transaction (one fsync for all). Only when no transaction waits: those need a block
   * that runs them. Returns the headers.
   */
  mineEmpty(count: number, interval = 0n): BlockHeader[] {
    this.idle();
    if (this.pool.length > 0) throw new ChainError('transactions are waiting: they need a block that runs them', -32603);
    const blocks: StoredBlock[] = [];
    const headers: BlockHeader[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0 && interval > 0n) this.increaseTime(interval);
      const built = runHere(this.buildSteps(0), runJob);
      const { header, stored } = this.seal(built);
      this.advance(built, header);
      blocks.push(stored);
      headers.push(header);
    }
    this.write(blocks, headers[0]?.number ?? this.head.number);
    return headers;
  }

  /** The block after the head, with the pool's transactions (at most maxTxs) run on it, not committed. */
  private *buildSteps(maxTxs: number): Steps<BuiltBlock> {
    const number = this.head.number + 1;
    const timestamp = this.nextTimestamp();
    // after evm_setNextBlockTimestamp the wall clock goes on from the forced time, as anvil's does
    if (this.forcedTimestamp !== null && this.timestampStep === undefined) this.timeShift = timestamp - this.now();
    const state = new BlockState(this);
    const txs: SignedTx[] = [];
    const outcomes: Outcome[] = [];
    const dropped: Hex[] = [];
    let gasUsed = 0n;
    // a copy: transactions submitted while this block executes wait for the next one
    for (const tx of [...this.pool]) {
      if (txs.length >= maxTxs || gasUsed + tx.gasLimit > this.blockGasLimit) continue;
      const acct = state.account(tx.from);
      if (tx.nonce !== acct.nonce || acct.balance < tx.gasLimit * tx.maxFeePerGas + tx.value) {
        if (tx.nonce <= acct.nonce) dropped.push(tx.hash); // can never be included
        continue;
      }
      const o = yield* this.execute(tx, { number, timestamp, index: txs.length, cumulative: gasUsed }, state);
      gasUsed = BigInt(o.receipt.cumulativeGasUsed);
      txs.push(tx);
      outcomes.push(o);
    }
    return { number, parentHash: this.head.hash, timestamp, txs, outcomes, state, dropped };
  }

  /** Runs a transaction on the state of the block being built, changing it. */
  private *execute(
    tx: SignedTx | DerivedTx,
    blk: { number: number; timestamp: bigint; index: number; cumulative: bigint; context?: DerivedBlockSpec['context'] },
    state: BlockState,
  ): Steps<Outcome> {
    const intrinsic = intrinsicGas(tx.data, tx.to === null);
    const derived = 'derived' in tx ? tx.derived : null;
    const price = derived ? 0n : this.effectiveGasPrice(tx);
    const sender = state.account(tx.from);
    if (derived?.mint) state.setAccount(tx.from, { ...sender, balance: sender.balance + derived.mint });
    else if (!derived) state.setAccount(tx.from, { ...sender, nonce: sender.nonce + 1n });
    const ctx = {
      blockNumber: blk.context?.number ?? BigInt(blk.number),
      blockTimestamp: blk.timestamp,
      prevBlockHash: blk.context?.prevBlockHash ?? fromHex(this.head.hash),
      chainId: this.chainId,
      txHash: fromHex(tx.hash),
      sender: tx.from,
      value: tx.value,
    };
    const vmGas = Number(tx.gasLimit - intrinsic);
    let run: RunOutcome;
    try {
      if (derived?.failure) run = { exec: record(tx.to === null ? 'deploy' : 'call', null, { kind: 'input', reason: derived.failure }), result: null, contractAddress: null, deployedCode: null };
      else if (derived?.mint) run = { exec: record('transfer', null, null), result: null, contractAddress: null, deployedCode: null };
      else {
        const p = this.plan({ from: tx.from, to: tx.to, value: tx.value, data: tx.data }, sender.nonce, vmGas, ctx, state, derived?.contractAddress);
        run = 'done' in p ? p.done : p.finish(yield p.job);
      }
    } catch (e) {
      // a VM bug must not take the node down or leave a half-applied transaction; the receipt
      // keeps its one line, the node's log the stack and causes
      reportInternalError(`transaction ${tx.hash}`, e);
      const failure = { kind: 'internal' as const, reason: `internal error: ${(e as Error).message}` };
      run = { exec: record(tx.to === null ? 'deploy' : 'call', null, failure), result: null, contractAddress: null, deployedCode: null };
    }
    const gasUsed = intrinsic + BigInt(run.exec.vmGasUsed);
    const fee = gasUsed * price;
    // value moves only on success; the fee is always paid (burned)
    const s = state.account(tx.from);
    const ok = run.exec.status === 'success';
    state.setAccount(tx.from, { ...s, balance: s.balance - fee - (ok ? tx.value : 0n) });
    let contract: ContractInfo | null = null;
    const target = run.contractAddress ?? tx.to;
    if (ok && target) {
      if (run.deployedCode && run.contractAddress) {
        const codeHash = toHex(keccak(run.deployedCode));
        state.addCode(codeHash, run.deployedCode);
        const t = state.account(run.contractAddress);
        state.setAccount(run.contractAddress, { nonce: t.nonce === 0n ? 1n : t.nonce, balance: t.balance, codeHash });
        contract = { address: run.contractAddress, codeHash, codeSize: run.deployedCode.length, deployer: tx.from, deployTx: tx.hash, deployBlock: blk.number };
        state.newContracts.push(contract);
      }
      if (tx.value > 0n) {
        const t = state.account(target);
        state.setAccount(target, { ...t, balance: t.balance + tx.value });
      }
      if (run.result) for (const op of run.result.ops) state.setSlot(target, op.key, op.op === 'write' ? op.value : null);
    }
    const logAddress = target ?? ZERO_ADDRESS;
    const logs = (run.result?.events ?? (run.exec.failure ? [{ topic0: TOPIC_STDERR, data: new TextEncoder().encode(run.exec.failure.reason) }] : []))
      .map((e) => ({ address: logAddress, topics: [e.topic0 as Hex], data: toHex(e.data) }));
    const bloom = emptyBloom();
    for (const l of logs) {
      bloomAdd(bloom, fromHex(l.address));
      bloomAdd(bloom, fromHex(l.topics[0]!));
    }
    return {
      contract,
      receipt: {
        type: derived ? L1_MESSAGE_TX_TYPE : quantity(tx.type),
        status: ok ? '0x1' : '0x0',
        transactionHash: tx.hash,
        transactionIndex: quantity(blk.index),
        blockNumber: quantity(blk.number),
        from: tx.from,
        to: tx.to,
        contractAddress: ok && run.contractAddress ? run.contractAddress : null,
        cumulativeGasUsed: quantity(blk.cumulative + gasUsed),
        gasUsed: quantity(gasUsed),
        effectiveGasPrice: quantity(price),
        logs,
        logsBloom: toHex(bloom),
        qvm: { ...run.exec, intrinsicGas: Number(intrinsic) },
      },
    };
  }

  /**
   * The VM part of a transaction, without changing state: a transfer, deploy or call, split where
   * the contract runs (so that it can run elsewhere: a worker). `nonce` is the sender's nonce
   * before the transaction (for the contract address).
   */
  private plan(
    input: { from: Hex; to: Hex | null; value: bigint; data: Uint8Array },
    nonce: bigint,
    vmGas: number,
    ctx: RunContext,
    view: StateReader = this,
    createAt?: Hex,
  ): RunPlan {
    const transfer = (): { done: RunOutcome } => ({
      done: { exec: record('transfer', null, null), result: null, contractAddress: null, deployedCode: null },
    });
    const done = (o: RunOutcome): { done: RunOutcome } => ({ done: o });
    if (input.to !== null && (!view.account(input.to).codeHash || input.data.length === 0)) return transfer();
    let env;
    try {
      env = decodeEnvelope(input.data);
    } catch (e) {
      if (!(e instanceof EnvelopeError)) throw e;
      const kind = input.to === null ? 'deploy' : 'call';
      return done({ exec: record(kind, null, { kind: 'envelope', reason: e.message }), result: null, contractAddress: null, deployedCode: null });
    }
    if (input.to === null) {
      const address = createAt ?? createAddress(input.from, nonce);
      if (env.kind !== 'deploy') {
        return done({ exec: record('deploy', null, { kind: 'envelope', reason: 'a transaction without `to` must carry a QVM deploy envelope' }), result: null, contractAddress: null, deployedCode: null });
      }
      if (view.account(address).codeHash) {
        return done({ exec: record('deploy', null, { kind: 'input', reason: `a contract already exists at ${address}` }), result: null, contractAddress: null, deployedCode: null });
      }
      const code = env.code;
      return {
        job: { deploy: true, input: { code, args: env.args, storage: new Map(), context: { ...ctx, contract: address }, gasLimit: vmGas } },
        finish: (result) => ({ exec: record('deploy', result, null), result, contractAddress: address, deployedCode: result.status === 'success' ? code : null }),
      };
    }
    if (env.kind !== 'call') {
      return done({ exec: record('call', null, { kind: 'envelope', reason: 'a transaction to a contract must carry a QVM call envelope' }), result: null, contractAddress: null, deployedCode: null });
    }
    const call: CallInput = {
      code: view.code(input.to)!,
      args: env.args,
      readKeys: env.readKeys,
      stdin: env.stdin,
      storage: view.storageOf(input.to),
      context: { ...ctx, contract: input.to },
      gasLimit: vmGas,
    };
    return { job: { deploy: false, input: call, codeKey: view.account(input.to).codeHash! }, finish: (result) => ({ exec: record('call', result, null), result, contractAddress: null, deployedCode: null }) };
  }

  /**
   * A dry run (eth_call, eth_estimateGas, qvm_call) on the state after block `atBlock` (default:
   * the latest), in the context of the block after it: for a past block, the real next block's
   * number, time and parent hash, as a transaction at the start of that block saw them.
   */
  dryRun(input: DryRunInput, atBlock?: number): DryRunResult {
    const p = this.planDryRun(input, atBlock);
    return 'done' in p ? p.done : p.finish(runJob(p.job));
  }

  /**
   * dryRun with the contract run by `exec` (e.g. in a worker thread): the state is the one of
   * this moment, whatever is mined while `exec` runs.
   */
  async dryRunWith(input: DryRunInput, exec: (job: VmJob) => Promise<CallResult>, atBlock?: number): Promise<DryRunResult> {
    const p = this.planDryRun(input, atBlock);
    return 'done' in p ? p.done : p.finish(await exec(p.job));
  }

  private planDryRun(input: DryRunInput, atBlock?: number): Plan<DryRunResult> {
    const past = atBlock !== undefined && atBlock < this.head.number;
    const view: StateReader = atBlock === undefined ? this : this.stateAt(atBlock);
    const next = past ? this.blockByNumber(atBlock + 1)! : null;
    const parent = past ? this.blockByNumber(atBlock)! : this.head;
    const from = input.from ?? ZERO_ADDRESS;
    const intrinsic = intrinsicGas(input.data, input.to === null);
    const gas = input.gas ?? this.blockGasLimit;
    if (gas < intrinsic) throw new ChainError(`intrinsic gas too low: gas ${gas}, need at least ${intrinsic}`);
    if (gas > this.blockGasLimit) throw new ChainError(`gas ${gas} above the block gas limit ${this.blockGasLimit}`);
    const ctx = {
      blockNumber: BigInt(parent.number + 1),
      blockTimestamp: next ? BigInt(next.timestamp) : this.nextTimestamp(),
      prevBlockHash: fromHex(parent.hash),
      chainId: this.chainId,
      txHash: new Uint8Array(32),
      sender: from,
      value: input.value ?? 0n,
    };
    const p = this.plan({ from, to: input.to, value: input.value ?? 0n, data: input.data }, view.account(from).nonce, Number(gas - intrinsic), ctx, view);
    const out = (r: RunOutcome): DryRunResult => ({
      gasUsed: intrinsic + BigInt(r.exec.vmGasUsed),
      exec: { ...r.exec, intrinsicGas: Number(intrinsic) },
      result: r.result,
      contractAddress: r.contractAddress,
    });
    return 'done' in p ? { done: out(p.done) } : { job: p.job, finish: (res) => out(p.finish(res)) };
  }

  // ---------------------------------------------------------------------------- history and development controls

  /**
   * The state after block `n` (read from the history tables). Throws ChainError when block `n`
   * does not exist or its state is not kept (a database made before history existed).
   */
  stateAt(n: number): StateReader {
    if (n === this.head.number) return this;
    if (n > this.head.number) throw new ChainError(`block ${n} does not exist yet (latest is ${this.head.number})`);
    const ver = this.history.versionOf(n);
    if (ver === null) throw new ChainError(`state of block ${n} is not kept: history starts at block ${this.history.firstBlock()}`);
    const h = this.history;
    const contracts = this.contracts;
    const codes = this.codes;
    return {
      account: (a) => h.accountAt(a, ver) ?? { nonce: 0n, balance: 0n, codeHash: null },
      code(a) {
        const c = this.account(a).codeHash;
        return c ? (codes.get(c) ?? null) : null;
      },
      storageOf: (a) => h.storageAt(a, ver),
      contract: (a) => {
        const c = contracts.get(a);
        return c && c.deployBlock <= n ? c : null;
      },
    };
  }

  /** The current point of the state (evm_snapshot): revertTo(point) comes back to it. */
  snapshot(): StatePoint {
    return { block: this.head.number, ver: this.ver };
  }

  /**
   * Drops every block after `blockNumber` (their transactions, receipts and logs) and every state
   * change made after it, in the database and in memory: the chain is as it was when that block
   * was mined. Waiting transactions stay in the pool. Used by evm_revert, anvil_reset and reorgs.
   */
  rollbackTo(blockNumber: number): BlockHeader {
    const ver = this.history.versionOf(blockNumber);
    if (blockNumber > this.head.number || ver === null) throw new ChainError(`cannot roll back to block ${blockNumber}: its state is not kept`);
    return this.revertTo({ block: blockNumber, ver });
  }

  /** Comes back to a point from snapshot() (or a block and its state version). */
  revertTo(p: StatePoint): BlockHeader {
    this.idle();
    if (p.block > this.head.number || p.ver > this.ver) throw new ChainError(`cannot revert to block ${p.block}: it is ahead of the chain`);
    const restore = this.store.revertTo(p);
    for (const { address, account } of restore.accounts) this.setAccount(address, account ?? { nonce: 0n, balance: 0n, codeHash: null });
    for (const { address, key, value } of restore.slots) this.setSlot(address, key, value);
    for (const [a, c] of this.contracts) if (c.deployBlock > p.block) this.contracts.delete(a);
    this.head = this.blockByNumber(p.block)!;
    this.ver = p.ver;
    return this.head;
  }

  /** Removes every waiting transaction (anvil_dropAllTransactions); returns how many there were. */
  dropPending(): number {
    this.idle();
    const n = this.pool.length;
    this.store.dropAllPending();
    this.pool = [];
    return n;
  }

  /** anvil_reset: back to the genesis block, with no waiting transactions and the clock as at start. */
  reset(): BlockHeader {
    const head = this.rollbackTo(0);
    this.dropPending();
    this.timeShift = 0n;
    this.forcedTimestamp = null;
    return head;
  }

  /**
   * A development edit of an account (anvil_setBalance, anvil_setNonce): applied and stored at
   * once, as a new version of the latest block's state (the block's header keeps its state root).
   */
  editAccount(address: Hex, change: Partial<Pick<Account, 'balance' | 'nonce'>>): Account {
    this.idle();
    const a = { ...this.account(address), ...change };
    const ver = this.ver + 1;
    this.store.writeAccountEdit(this.head.number, ver, address, a);
    this.setAccount(address, a);
    this.ver = ver;
    return a;
  }

  /** evm_increaseTime: moves the clock of the next blocks on by `seconds`; returns the total shift. */
  increaseTime(seconds: bigint): bigint {
    this.timeShift += seconds;
    return this.timeShift;
  }

  /** evm_setNextBlockTimestamp: the next block's time (not before the latest block's). */
  setNextBlockTimestamp(t: bigint): void {
    if (t < BigInt(this.head.timestamp)) throw new ChainError(`timestamp ${t} is before the latest block's (${this.head.timestamp})`);
    this.forcedTimestamp = t;
  }

  // ---------------------------------------------------------------------------- committing

  /**
   * Commits a built block: its state becomes the committed state, then the block is sealed (its
   * state root is the tree's after the change) and written with that state in one SQLite
   * transaction; then it is the head.
   */
  private commitBlock(b: BuiltBlock): BlockHeader {
    const { header, stored } = this.seal(b);
    this.write([stored], b.number, b.persist);
    this.advance(b, header);
    return header;
  }

  /** Applies a built block's state and seals it: its header and its rows. */
  private seal(b: BuiltBlock): { header: BlockHeader; stored: StoredBlock } {
    this.applyState(b.state);
    const contents: BlockContents = {
      number: b.number, parentHash: b.parentHash, timestamp: b.timestamp, stateRoot: this.stateRoot(),
      txs: b.txs, receipts: b.outcomes.map((o) => o.receipt),
      gasLimit: this.blockGasLimit, baseFeePerGas: this.baseFeePerGas, chainId: this.chainId,
    };
    const header = sealHeader(contents);
    const stored: StoredBlock = {
      number: b.number, hash: header.hash, header: JSON.stringify(header), ver: this.ver + 1, state: b.state,
      txs: storedTxs(header, contents), dropped: b.dropped ?? [],
    };
    return { header, stored };
  }

  /** Writes sealed blocks in one transaction. A failed write leaves memory ahead of the database: the node must restart. */
  private write(blocks: readonly StoredBlock[], first: number, persist?: (db: Db) => void): void {
    try {
      this.store.writeBlocks(blocks, persist && (() => persist(this.db)));
    } catch (e) {
      // refuse everything until a restart reloads the database
      this.fatal = `the database write of block ${first} failed (${(e as Error).message}); restart the node`;
      throw new ChainError(this.fatal, -32603);
    }
  }

  /** A sealed block becomes the head: its transactions leave the pool, the clock's one-block settings end. */
  private advance(b: BuiltBlock, header: BlockHeader): void {
    const gone = new Set([...b.txs.map((t) => t.hash), ...(b.dropped ?? [])]);
    if (gone.size > 0) this.pool = this.pool.filter((t) => !gone.has(t.hash));
    this.head = header;
    this.ver++;
    this.forcedTimestamp = null;
    if (this.timestampStep !== undefined) this.timeShift = 0n;
  }

  /** A block's changes into the committed state (maps and state tree). */
  private applyState(s: BlockState): void {
    for (const [a, acc] of s.accounts) this.setAccount(a, acc);
    for (const [h, code] of s.codes) this.codes.set(h, code);
    for (const c of s.newContracts) this.contracts.set(c.address, c);
    for (const [a, keys] of s.slots) for (const [k, v] of keys) this.setSlot(a, k, v);
  }
}

type RunContext = { blockNumber: bigint; blockTimestamp: bigint; prevBlockHash: Uint8Array; chainId: bigint; txHash: Uint8Array; sender: Hex; value: bigint };
type RunOutcome = { exec: ExecRecord; result: CallResult | null; contractAddress: Hex | null; deployedCode: Uint8Array | null };

/** One contract run a transaction or dry run needs: structured-clonable, so a worker can run it. */
export interface VmJob {
  deploy: boolean;
  input: CallInput;
  /** The code's hash, when it is deployed code: lets a worker keep the bytes instead of receiving them again. */
  codeKey?: string;
}

/** Either the outcome (no contract to run), or the run to make and what turns its result into the outcome. */
type Plan<T> = { done: T } | { job: VmJob; finish: (result: CallResult) => T };
type RunPlan = Plan<RunOutcome>;

/** Run a job here, on this thread. */
export function runJob(job: VmJob): CallResult {
  return job.deploy ? runDeploy(job.input) : runCall(job.input);
}

function record(kind: ExecRecord['kind'], r: CallResult | null, failure: ExecRecord['failure']): ExecRecord {
  const f = r?.failure ? { kind: r.failure.kind, reason: r.failure.reason } : failure;
  return {
    kind,
    status: f ? 'failure' : 'success',
    failure: f,
    vmGasUsed: r?.gasUsed ?? 0,
    intrinsicGas: 0,
    reads: r?.reads ?? [],
    writes: r?.writes.map((w) => w.key) ?? [],
    written: Object.fromEntries(r?.writes.map((w) => [w.key, toHex(w.value)]) ?? []),
    deletes: r?.deletes ?? [],
    events: r?.events.length ?? 0,
    stdout: toHex(r?.stdout ?? new Uint8Array(0)),
    stderr: toHex(r?.stderr ?? new Uint8Array(0)),
    exitCode: r?.exitCode ?? 0,
    instructions: r?.instructions ?? 0,
    syscalls: r?.syscalls ?? 0,
  };
}
