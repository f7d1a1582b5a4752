/**
 * The proposer and the checker of L2 outputs (docs/l2.md). The proposer posts (L2 block, state
 * root, L1 block hash and number derived up to) to the OutputOracle; every node reads the posted
 * outputs and compares each with its own state root at that L2 block, reporting a mismatch loudly.
 */
import type { Hex } from '../chain/bytes.js';
import { l1Artifact } from './artifacts.js';
import type { Executor } from './executor.js';
import type { L1Sender } from './l1-sender.js';
import type { PostedOutput } from './l1.js';

export interface CheckedOutput extends PostedOutput {
  /** This node's state root at the output's L2 block (null: not derived yet). */
  localRoot: Hex | null;
  matches: boolean | null;
}

export class OutputWatcher {
  /** Every output seen, by index. */
  readonly outputs: CheckedOutput[] = [];
  private scannedTo: number;
  private lastProposedL2 = 0;

  constructor(
    private readonly ex: Executor,
    readonly oracle: Hex,
    private readonly proposer: L1Sender | null,
    private readonly log: (line: string) => void,
  ) {
    this.scannedTo = ex.startBlock - 1;
  }

  /** The L1 address this node proposes from, or null. */
  proposerAddress(): Hex | null {
    return this.proposer ? (this.proposer.account.address.toLowerCase() as Hex) : null;
  }

  mismatches(): CheckedOutput[] {
    return this.outputs.filter((o) => o.matches === false);
  }

  last(): CheckedOutput | null {
    return this.outputs[this.outputs.length - 1] ?? null;
  }

  /** Reads new outputs and (re)checks those not yet checked. */
  async check(): Promise<void> {
    const head = this.ex.l1Head;
    if (head > this.scannedTo) {
      const found = await this.ex.reader.outputs(this.oracle, this.scannedTo + 1, head);
      for (const o of found) if (!this.outputs.some((x) => x.index === o.index)) this.outputs.push({ ...o, localRoot: null, matches: null });
      this.outputs.sort((a, b) => a.index - b.index);
      this.scannedTo = head;
    }
    const l2Head = this.ex.chain.latest().number;
    for (const o of this.outputs) {
      if (o.matches !== null || o.l2Block > l2Head) continue;
      // the output claims the state after deriving L1 up to o.l1Number: only compare once this node got there
      if (this.ex.cursor().l1Number < o.l1Number) continue;
      const b = this.ex.chain.blockByNumber(o.l2Block);
      if (!b) continue;
      o.localRoot = b.stateRoot;
      o.matches = b.stateRoot === o.stateRoot;
      if (!o.matches) {
        this.log(`OUTPUT MISMATCH: output ${o.index} by ${o.proposer} claims state root ${o.stateRoot} for L2 block ${o.l2Block}, this node has ${b.stateRoot}`);
      }
    }
  }

  /** Posts the L2 head if it is newer than the last output (proposer only). */
  async propose(): Promise<void> {
    if (!this.proposer) return;
    const head = this.ex.chain.latest();
    const last = this.last();
    if (head.number === 0 || head.number <= Math.max(this.lastProposedL2, last?.l2Block ?? 0)) return;
    const cur = this.ex.cursor();
    if (cur.l2Block !== head.number) return;
    const r = await this.proposer.send(this.oracle, l1Artifact('OutputOracle').abi, 'propose', [BigInt(head.number), head.stateRoot, cur.l1Hash, BigInt(cur.l1Number)]);
    if (r.status !== 'success') throw new Error(`proposing L2 block ${head.number} failed (${r.hash})`);
    this.lastProposedL2 = head.number;
    this.log(`proposed L2 block ${head.number} state root ${head.stateRoot} (L1 block ${cur.l1Number}) in ${r.hash}`);
  }
}
