/**
 * The order of a node's writes while blocks execute in a worker (docs/chain.md, "Reads while a
 * block executes"). Everything that changes the chain's state (mining a block, evm_revert,
 * anvil_setBalance, …) runs here one after another, in arrival order; reads never wait for it.
 * Automining is coalesced: the transactions submitted while a block executes all go into the
 * next block, one queued round for however many of them arrive, as anvil does.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** The automine round queued but not started yet: later submissions join it. */
  private round: Promise<void> | null = null;

  /** Runs `f` once every write queued before it has ended (whether it succeeded or not). */
  exclusive<T>(f: () => T | Promise<T>): Promise<T> {
    const p = this.tail.then(f);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** The next automine round (`mine` runs once for every caller until it starts). */
  automine(mine: () => Promise<unknown>): Promise<void> {
    if (this.round !== null) return this.round;
    const r = this.exclusive(async () => {
      this.round = null;
      await mine();
    });
    this.round = r;
    return r;
  }

  /** Resolves when every write queued so far has ended. */
  drained(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
