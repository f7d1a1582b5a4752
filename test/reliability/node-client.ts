/** What the node campaigns share: building the hostile contracts, sending, timing. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hex, RpcReceipt } from '../../src/chain/index.js';
import { rpc, rpcRaw, signTx, type TxSpec } from '../chain-helpers.js';

export const HOSTILE_SRC = join(dirname(fileURLToPath(import.meta.url)), '../../../test/reliability/hostile');

/** Builds every hostile contract (static musl, -O2) into a temporary directory: name → path. */
export function buildHostile(): Map<string, string> {
  const out = join(tmpdir(), `qvm-hostile-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const built = new Map<string, string>();
  for (const f of readdirSync(HOSTILE_SRC).filter((n) => n.endsWith('.c')).sort()) {
    const name = f.slice(0, -2);
    const exe = join(out, name);
    const r = spawnSync('musl-gcc', ['-static', '-O2', '-o', exe, join(HOSTILE_SRC, f), '-lpthread'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot build ${f}: ${r.stderr.split('\n')[0]}`);
    built.set(name, exe);
  }
  return built;
}

/** Sends a signed transaction and returns its receipt (the node mines it at once). */
export async function sendAndWait(url: string, key: Hex, spec: TxSpec): Promise<RpcReceipt> {
  const raw = await signTx(url, key, spec);
  const hash = await rpc<Hex>(url, 'eth_sendRawTransaction', [raw]);
  for (let i = 0; i < 600; i++) {
    const rc = await rpc<RpcReceipt | null>(url, 'eth_getTransactionReceipt', [hash]);
    if (rc) return rc;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no receipt for ${hash}`);
}

/**
 * Polls eth_blockNumber every `everyMs` until stopped; keeps each answer's latency in ms.
 * A request that fails or gets an error counts in `errors`.
 */
export class Poller {
  readonly latencies: number[] = [];
  errors = 0;
  private running = true;
  private readonly done: Promise<void>;

  constructor(url: string, everyMs = 100) {
    this.done = (async () => {
      while (this.running) {
        const started = performance.now();
        try {
          const r = await rpcRaw(url, 'eth_blockNumber', []);
          if (r.error) this.errors++;
        } catch {
          this.errors++;
        }
        this.latencies.push(performance.now() - started);
        await new Promise((res) => setTimeout(res, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
