/**
 * An L2 node: an executor following L1, its JSON-RPC server (the local chain's methods plus
 * qvm_syncStatus), the output checker, and optionally the proposer and the sequencer.
 */
import { ChainError, L1_MESSAGE_TX_TYPE, RpcServer } from '../chain/index.js';
import { devMethods } from '../chain/rpc-dev.js';
import { fromHex, type Hex } from '../chain/bytes.js';
import { Executor, L1InconsistencyError } from './executor.js';
import { l1Client } from './l1.js';
import { L1Sender } from './l1-sender.js';
import { OutputWatcher } from './outputs.js';
import { Sequencer } from './sequencer.js';

export interface L2NodeOptions {
  l1: string;
  inbox: Hex;
  oracle?: Hex;
  proposeKey?: Hex;
  sequencerKey?: Hex;
  confirmations?: number;
  /** null = in memory. */
  dataDir: string | null;
  host?: string;
  port?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

export interface SyncStatus {
  l1Head: number;
  l1Derived: { number: number; hash: Hex };
  l2Head: { number: number; hash: Hex };
  stateRoot: Hex;
  inbox: { address: Hex; messages: number; acc: Hex };
  l2ChainId: string;
  reorgs: number;
  oracle: Hex | null;
  lastOutput: { index: number; l2Block: number; stateRoot: Hex; l1Number: number; proposer: Hex; localRoot: Hex | null; matches: boolean | null } | null;
  outputsChecked: number;
  mismatches: Array<{ index: number; l2Block: number; posted: Hex; local: Hex | null; proposer: Hex }>;
  sequencer: { pending: number } | null;
  proposer: Hex | null;
  lastError: string | null;
}

/** Development methods that change nothing, answered on an L2 node too. */
const READ_ONLY_DEV_METHODS = new Set(['eth_accounts', 'eth_maxPriorityFeePerGas', 'txpool_status', 'anvil_getAutomine', 'hardhat_getAutomine']);

export class L2Node {
  readonly server: RpcServer;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private lastError: string | null = null;
  private seenReorgs = 0;

  private constructor(
    readonly opts: L2NodeOptions,
    readonly ex: Executor,
    readonly watcher: OutputWatcher | null,
    readonly sequencer: Sequencer | null,
  ) {
    this.server = new RpcServer(ex.chain, { host: opts.host, port: opts.port, automine: false, methods: this.methods() });
    // derived blocks reach filters and eth_subscribe like mined ones
    ex.blockListeners.push((b) => this.server.announceBlock(b));
    ex.rollbackListeners.push(() => this.server.rolledBack());
  }

  static async start(opts: L2NodeOptions): Promise<L2Node> {
    const client = l1Client(opts.l1);
    const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
    const ex = await Executor.open({ client, inbox: opts.inbox, dataDir: opts.dataDir, confirmations: opts.confirmations, log });
    if (opts.proposeKey && !opts.oracle) throw new Error('--propose-key needs --oracle');
    const proposer = opts.proposeKey ? new L1Sender(client, opts.l1, opts.proposeKey) : null;
    const watcher = opts.oracle ? new OutputWatcher(ex, opts.oracle.toLowerCase() as Hex, proposer, log) : null;
    const sequencer = opts.sequencerKey ? new Sequencer(ex, ex.store.meta('inbox') as Hex, new L1Sender(client, opts.l1, opts.sequencerKey), log) : null;
    return new L2Node({ ...opts, log }, ex, watcher, sequencer);
  }

  /** Starts the JSON-RPC server; resolves with its port. Then follows L1 until stop(). */
  async listen(): Promise<number> {
    const port = await this.server.listen();
    this.loop = this.follow();
    return port;
  }

  private async follow(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (!this.stopped) {
      let progressed = false;
      try {
        progressed = await this.round();
        this.lastError = null;
      } catch (e) {
        const msg = (e as Error).message.split('\n')[0]!;
        if (msg !== this.lastError) this.opts.log!(`${e instanceof L1InconsistencyError ? 'L1 inconsistency' : 'L1 error'}: ${msg} (retrying)`);
        this.lastError = msg;
      }
      if (!progressed && !this.stopped) await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** One round: derive, then check and propose outputs, then post batches. */
  async round(): Promise<boolean> {
    const progressed = await this.ex.step();
    // proposing and batching wait until derivation has caught up with L1, not until L1 is idle
    const caughtUp = this.ex.caughtUp();
    if (this.watcher) {
      if (this.ex.reorgs !== this.seenReorgs) this.watcher.outputs.length = 0;
      await this.watcher.check();
      if (caughtUp) await this.watcher.propose();
    }
    this.seenReorgs = this.ex.reorgs;
    if (this.sequencer && caughtUp) await this.sequencer.postBatches();
    return progressed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.server.close();
    this.ex.close();
  }

  status(): SyncStatus {
    const cur = this.ex.cursor();
    const head = this.ex.chain.latest();
    const last = this.watcher?.last() ?? null;
    return {
      l1Head: this.ex.l1Head,
      l1Derived: { number: cur.l1Number, hash: cur.l1Hash },
      l2Head: { number: head.number, hash: head.hash },
      stateRoot: head.stateRoot,
      inbox: { address: this.ex.store.meta('inbox') as Hex, messages: cur.seq, acc: cur.acc },
      l2ChainId: this.ex.l2ChainId.toString(),
      reorgs: this.ex.reorgs,
      oracle: this.watcher?.oracle ?? null,
      lastOutput: last && {
        index: last.index, l2Block: last.l2Block, stateRoot: last.stateRoot, l1Number: last.l1Number,
        proposer: last.proposer, localRoot: last.localRoot, matches: last.matches,
      },
      outputsChecked: this.watcher?.outputs.filter((o) => o.matches !== null).length ?? 0,
      mismatches: (this.watcher?.mismatches() ?? [])
        .map((o) => ({ index: o.index, l2Block: o.l2Block, posted: o.stateRoot, local: o.localRoot, proposer: o.proposer })),
      sequencer: this.sequencer ? { pending: this.sequencer.pendingCount() } : null,
      proposer: this.watcher?.proposerAddress() ?? null,
      lastError: this.lastError,
    };
  }

  private methods(): Record<string, (params: unknown[]) => unknown> {
    const rawOf = (params: unknown[]): Uint8Array => {
      try {
        return fromHex(params[0], 'transaction');
      } catch (e) {
        throw new ChainError((e as Error).message, -32602);
      }
    };
    // the local chain's test controls (snapshots, time warps, balance edits, mining) would make the
    // state differ from what L1 says: an L2 node refuses them
    const refused: Record<string, (params: unknown[]) => unknown> = {};
    for (const m of Object.keys(devMethods)) {
      if (READ_ONLY_DEV_METHODS.has(m)) continue;
      refused[m] = () => {
        throw new ChainError(`${m} is not available on an L2 node: its state comes from L1 only`);
      };
    }
    return {
      ...refused,
      qvm_syncStatus: () => this.status(),
      eth_sendRawTransaction: (params) => {
        if (!this.sequencer) throw new ChainError('this L2 node is not a sequencer: send the transaction to one, or submit it through the L1 Inbox');
        return this.sequencer.submit(rawOf(params));
      },
      eth_getTransactionReceipt: (params) => {
        if (!this.sequencer || typeof params[0] !== 'string') return undefined;
        const h = params[0].toLowerCase() as Hex;
        return this.ex.chain.receipt(h) ? undefined : (this.sequencer.softReceipt(h) ?? undefined);
      },
      eth_getTransactionByHash: (params) => {
        // an L1 message transaction has no signed form: describe it from its receipt
        if (typeof params[0] !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(params[0])) return undefined;
        const h = params[0].toLowerCase() as Hex;
        if (this.ex.chain.transaction(h)) return undefined;
        const r = this.ex.chain.receipt(h);
        if (!r) return undefined;
        return {
          hash: h, type: L1_MESSAGE_TX_TYPE, nonce: '0x0', blockHash: r.blockHash, blockNumber: r.blockNumber, transactionIndex: r.transactionIndex,
          from: r.from, to: r.to, value: '0x0', gas: r.gasUsed, gasPrice: '0x0', input: '0x', l1Message: true,
        };
      },
      qvm_mine: () => {
        throw new ChainError('an L2 node derives its blocks from L1: it cannot mine');
      },
      evm_mine: () => {
        throw new ChainError('an L2 node derives its blocks from L1: it cannot mine');
      },
    };
  }
}
