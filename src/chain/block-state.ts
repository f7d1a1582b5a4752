/**
 * The state of a block being built: what its transactions changed so far, over the last committed
 * state, which it never touches. Transactions of the block read through it (each sees the ones
 * before it); everything else (JSON-RPC reads while the block executes) reads the committed state.
 * Committing the block applies these changes at once (chain.ts), so a read sees a block entirely
 * or not at all.
 */
import type { Hex } from './bytes.js';
import type { Account, ContractInfo, StateReader } from './chain.js';
import type { StateChanges } from './store.js';

/** The committed state a block builds on. */
export interface BaseState extends StateReader {
  codeByHash(hash: Hex): Uint8Array | null;
}

export class BlockState implements StateChanges, StateReader {
  readonly accounts = new Map<Hex, Account>();
  readonly slots = new Map<Hex, Map<string, Uint8Array | null>>();
  /** Code first stored by this block. */
  readonly codes = new Map<Hex, Uint8Array>();
  readonly newContracts: ContractInfo[] = [];

  constructor(private readonly base: BaseState) {}

  get contracts(): ReadonlyArray<{ address: Hex; info: string }> {
    return this.newContracts.map((c) => ({ address: c.address, info: JSON.stringify(c) }));
  }

  account(address: Hex): Account {
    return this.accounts.get(address) ?? this.base.account(address);
  }

  setAccount(address: Hex, a: Account): void {
    this.accounts.set(address, a);
  }

  /** The storage of `address` as this block left it so far (the committed map itself when untouched). */
  storageOf(address: Hex): ReadonlyMap<string, Uint8Array> {
    const base = this.base.storageOf(address);
    const changed = this.slots.get(address);
    if (changed === undefined) return base;
    const m = new Map(base);
    for (const [k, v] of changed) {
      if (v === null) m.delete(k);
      else m.set(k, v);
    }
    return m;
  }

  setSlot(address: Hex, key: string, value: Uint8Array | null): void {
    let m = this.slots.get(address);
    if (m === undefined) this.slots.set(address, (m = new Map()));
    m.set(key, value);
  }

  code(address: Hex): Uint8Array | null {
    const h = this.account(address).codeHash;
    return h ? (this.codes.get(h) ?? this.base.codeByHash(h)) : null;
  }

  hasCode(hash: Hex): boolean {
    return this.codes.has(hash) || this.base.codeByHash(hash) !== null;
  }

  addCode(hash: Hex, code: Uint8Array): void {
    if (!this.hasCode(hash)) this.codes.set(hash, code);
  }

  contract(address: Hex): ContractInfo | null {
    for (let i = this.newContracts.length - 1; i >= 0; i--) {
      const c = this.newContracts[i]!;
      if (c.address === address) return c;
    }
    return this.base.contract(address);
  }
}
