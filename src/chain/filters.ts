/**
 * Polled filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter): each keeps
 * what happened since its last poll. A filter not polled for FILTER_TIMEOUT_MS is removed, as in
 * geth and anvil; each holds at most MAX_BUFFERED hashes (the oldest are dropped).
 */
import { quantity, type Hex } from './bytes.js';

export const FILTER_TIMEOUT_MS = 5 * 60_000;
export const MAX_FILTERS = 1000;
const MAX_BUFFERED = 10_000;

interface HashFilter {
  kind: 'block' | 'pending';
  hashes: Hex[];
  touched: number;
}

interface LogFilter {
  kind: 'logs';
  /** The eth_getLogs filter object as given. */
  criteria: Record<string, unknown>;
  /** The first block not yet reported. */
  next: number;
  touched: number;
}

type Filter = HashFilter | LogFilter;

/** What log changes are read with: eth_getLogs of the criteria over [from, to]. */
export type LogReader<L> = (criteria: Record<string, unknown>, from: number, to: number) => L[];

export class Filters {
  private readonly byId = new Map<string, Filter>();
  private seq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  private add(f: Filter): Hex {
    this.sweep();
    if (this.byId.size >= MAX_FILTERS) throw new Error(`too many filters (limit ${MAX_FILTERS}): uninstall some`);
    const id = quantity(++this.seq);
    this.byId.set(id, f);
    return id;
  }

  private sweep(): void {
    const old = this.clock() - FILTER_TIMEOUT_MS;
    for (const [id, f] of this.byId) if (f.touched < old) this.byId.delete(id);
  }

  newBlockFilter(): Hex {
    return this.add({ kind: 'block', hashes: [], touched: this.clock() });
  }

  newPendingFilter(): Hex {
    return this.add({ kind: 'pending', hashes: [], touched: this.clock() });
  }

  /** `firstBlock`: the block the filter starts at (its fromBlock, or the next block). */
  newLogFilter(criteria: Record<string, unknown>, firstBlock: number): Hex {
    return this.add({ kind: 'logs', criteria, next: firstBlock, touched: this.clock() });
  }

  uninstall(id: string): boolean {
    return this.byId.delete(id);
  }

  private get(id: string): Filter | null {
    this.sweep();
    const f = this.byId.get(id);
    if (f) f.touched = this.clock();
    return f ?? null;
  }

  /** The criteria of a log filter (eth_getFilterLogs); null when there is no such log filter. */
  criteria(id: string): Record<string, unknown> | null {
    const f = this.get(id);
    return f?.kind === 'logs' ? f.criteria : null;
  }

  /** What happened since the last poll; null when the filter does not exist (or expired). */
  changes<L>(id: string, head: number, readLogs: LogReader<L>): Hex[] | L[] | null {
    const f = this.get(id);
    if (!f) return null;
    if (f.kind !== 'logs') return f.hashes.splice(0);
    if (f.next > head) return [];
    const from = f.next;
    f.next = head + 1;
    return readLogs(f.criteria, from, head);
  }

  onBlock(hash: Hex): void {
    for (const f of this.byId.values()) if (f.kind === 'block') push(f, hash);
  }

  onPending(hash: Hex): void {
    for (const f of this.byId.values()) if (f.kind === 'pending') push(f, hash);
  }

  /** After a rollback to `head`: log filters report the blocks mined again after it. */
  onRollback(head: number): void {
    for (const f of this.byId.values()) if (f.kind === 'logs' && f.next > head + 1) f.next = head + 1;
  }
}

function push(f: HashFilter, h: Hex): void {
  f.hashes.push(h);
  if (f.hashes.length > MAX_BUFFERED) f.hashes.splice(0, f.hashes.length - MAX_BUFFERED);
}
