/**
 * Shared by the L2 tests: a real anvil on 127.0.0.1, the L1 contracts deployed on it, L2 nodes as
 * `qvm node --l1 …` processes, and comparisons of their chains block by block.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hex } from '../src/chain/index.js';
import { InboxClient } from '../src/l2/client.js';
import { deployL1, type L1Deployment } from '../src/l2/deploy-l1.js';
import { l1Client } from '../src/l2/l1.js';
import { L1Sender } from '../src/l2/l1-sender.js';
import type { SyncStatus } from '../src/l2/node.js';
import { ANVIL, CLI, KEYS, rpc, startNode, type NodeProc } from './chain-helpers.js';

export { KEYS, rpc };

export interface Anvil {
  url: string;
  proc: ChildProcess;
  stop: () => Promise<void>;
}

export function startAnvil(extra: string[] = []): Promise<Anvil> {
  return new Promise((resolve, reject) => {
    const proc = spawn(ANVIL, ['--port', '0', '--host', '127.0.0.1', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`anvil did not start: ${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          proc,
          stop: () => new Promise((res) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return res();
            proc.once('exit', () => res());
            proc.kill('SIGTERM');
          }),
        });
      }
    });
    proc.once('exit', (c) => reject(new Error(`anvil exited (${c}): ${out}`)));
  });
}

/** anvil, the L1 contracts, and an Inbox client for the first development key. */
export interface L1Env {
  anvil: Anvil;
  l1: L1Deployment;
  inbox: InboxClient;
  sender: L1Sender;
  dirs: string[];
  nodes: NodeProc[];
  close: () => Promise<void>;
}

export async function l1Env(): Promise<L1Env> {
  const anvil = await startAnvil();
  const sender = new L1Sender(l1Client(anvil.url), anvil.url, KEYS[0]!);
  const l1 = await deployL1(sender);
  const env: L1Env = {
    anvil, l1, sender, inbox: new InboxClient(sender, l1.inbox), dirs: [], nodes: [],
    close: async () => {
      for (const n of env.nodes) await n.stop();
      await anvil.stop();
      for (const d of env.dirs) rmSync(d, { recursive: true, force: true });
    },
  };
  return env;
}

/** Starts an L2 node process following `env`'s L1; `dir` reuses a database directory. */
export async function startL2(env: L1Env, extra: string[] = [], dir?: string): Promise<NodeProc & { dir: string }> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'qvm-l2-test-'));
  if (!dir) env.dirs.push(d);
  const n = await startNode(['--l1', env.anvil.url, '--inbox', env.l1.inbox, '--oracle', env.l1.oracle, '--data-dir', d, '--l1-poll-ms', '100', ...extra]);
  env.nodes.push(n);
  return { ...n, dir: d };
}

export const syncStatus = (url: string): Promise<SyncStatus> => rpc<SyncStatus>(url, 'qvm_syncStatus');

/** Waits until the node has derived L1 up to the current L1 head. */
export async function waitSynced(env: L1Env, url: string, timeoutMs = 120_000): Promise<SyncStatus> {
  const head = Number(BigInt(await rpc<string>(env.anvil.url, 'eth_blockNumber')));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await syncStatus(url);
    if (s.l1Derived.number >= head) return s;
    if (Date.now() > until) throw new Error(`${url} did not sync to L1 block ${head}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every L2 block header of a node, genesis first. */
export async function blocks(url: string): Promise<Array<{ number: string; hash: Hex; stateRoot: Hex }>> {
  const head = Number(BigInt(await rpc<string>(url, 'eth_blockNumber')));
  const out = [];
  for (let i = 0; i <= head; i++) out.push(await rpc<{ number: string; hash: Hex; stateRoot: Hex }>(url, 'eth_getBlockByNumber', [`0x${i.toString(16)}`, false]));
  return out;
}

/** A small deterministic random generator (tests say their seed). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Runs the qvm CLI without blocking the event loop: the output pipes of anvil and of the node
 * processes this test started must keep draining meanwhile (spawnSync would stall them).
 */
export function qvm(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
