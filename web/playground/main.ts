/**
 * The QVM playground: the same engine as `qvm run`, bundled for the browser (docs/explorer.md).
 * Pick or drop a static ELF, give arguments, environment and stdin, and run it in the page; or
 * dry-run a contract call against the code and storage of a contract read from a node over
 * JSON-RPC. Nothing is sent anywhere for a plain run: the page works opened from a file.
 */
// (types and constants only: the engine itself is in the worker's bundle)
import { DEFAULT_GAS_LIMIT, type RunOptions, type RunResult } from '../../src/machine/types.js';
import type { CallInput, CallResult } from '../../src/contract/call.js';
import type { EngineReply, EngineRequest } from './worker.js';
import { bytesHex, fields, gas, h, hexBytes, hexText, table } from '../shared/dom.js';
import { flameGraph, functionTable } from '../shared/flame.js';
import { RpcClient } from '../shared/rpc.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const td = new TextDecoder();
const lines = (id: string): string[] => $<HTMLTextAreaElement>(id).value.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).filter((l) => l !== '');

let elf: { name: string; bytes: Uint8Array } | null = null;

function setElf(name: string, bytes: Uint8Array): void {
  elf = { name, bytes };
  $('elf-name').textContent = `${name} (${bytes.length.toLocaleString('en-US')} bytes)`;
  $<HTMLButtonElement>('run').disabled = false;
}

async function readFile(f: File): Promise<void> {
  setElf(f.name, new Uint8Array(await f.arrayBuffer()));
}

function gasLimit(id: string): number {
  const v = $<HTMLInputElement>(id).value.trim();
  if (v === '') return DEFAULT_GAS_LIMIT;
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) <= 0) throw new Error('gas must be a positive integer');
  return Number(v);
}

function outputs(r: { stdout: Uint8Array; stderr: Uint8Array; trace: string[] }, profile: RunResult['profile']): HTMLElement[] {
  return [
    h('h2', null, 'stdout'), h('pre', { id: 'stdout' }, td.decode(r.stdout)),
    h('h2', null, 'stderr'), h('pre', { id: 'stderr' }, td.decode(r.stderr)),
    h('h2', null, `System calls (${r.trace.length})`), h('pre', { id: 'trace' }, r.trace.join('\n')),
    ...(profile ? [h('h2', null, 'Gas profile'), flameGraph(profile), functionTable(profile)] : []),
  ];
}

/** The engine bundle (worker.ts), inlined by the build so that the page stays one file. */
declare const __QVM_WORKER__: string;
let workerUrl: string | null = null;
let running: Worker | null = null;

/** Runs a request in a fresh worker; the Stop button ends it. */
function inWorker(req: EngineRequest): Promise<EngineReply & { ok: true }> {
  workerUrl ??= URL.createObjectURL(new Blob([__QVM_WORKER__], { type: 'text/javascript' }));
  const w = new Worker(workerUrl);
  running = w;
  $<HTMLButtonElement>('stop').disabled = false;
  return new Promise((resolve, reject) => {
    const done = (): void => { w.terminate(); if (running === w) running = null; $<HTMLButtonElement>('stop').disabled = true; };
    w.onmessage = (e: MessageEvent<EngineReply>) => { done(); if (e.data.ok) resolve(e.data); else reject(new Error(e.data.error)); };
    w.onerror = (e) => { done(); reject(new Error(e.message || 'the engine failed')); };
    stopHook = () => { done(); reject(new Error('stopped')); };
    w.postMessage(req);
  });
}
let stopHook: (() => void) | null = null;

function stop(): void {
  if (running && stopHook) stopHook();
}

async function runIn(bytes: Uint8Array, opts: RunOptions): Promise<RunResult> {
  return (await inWorker({ kind: 'run', bytes, opts })).run!;
}

async function callIn(input: CallInput): Promise<CallResult> {
  return (await inWorker({ kind: 'call', input })).call!;
}

async function run(): Promise<void> {
  const out = $('result');
  if (!elf) return;
  out.replaceChildren(h('p', { class: 'muted' }, 'running…'));
  const bytes = elf.bytes;
  try {
    const opts = {
      argv: [$<HTMLInputElement>('argv0').value || 'contract', ...lines('args')],
      env: lines('env'),
      stdin: new TextEncoder().encode($<HTMLTextAreaElement>('stdin').value),
      gasLimit: gasLimit('gas'),
      // (no block: the engine's default, the same as qvm run's)
      trace: true,
      profile: true,
    };
    const t0 = performance.now();
    const r = await runIn(bytes, opts);
    const ms = performance.now() - t0; // (including the worker's start)
    out.replaceChildren(
      fields([
        ['exit status', h('span', { id: 'exit' }, String(r.exitCode))],
        ['reason', h('span', { id: 'reason' }, r.reason ?? '(normal exit)')],
        ['gas used', h('span', { id: 'gas-used' }, String(r.gasUsed))],
        ['instructions', gas(r.instructions)],
        ['system calls', `${r.syscalls}${r.unknownSyscalls.length ? ` (unsupported: ${r.unknownSyscalls.join(', ')})` : ''}`],
        ['time', `${ms.toFixed(0)} ms in this page`],
      ]),
      ...outputs(r, r.profile),
    );
  } catch (e) {
    out.replaceChildren(h('p', { class: 'error', id: 'error' }, (e as Error).message));
  }
}

async function dryRun(): Promise<void> {
  const out = $('call-result');
  out.replaceChildren(h('p', { class: 'muted' }, 'reading the contract from the node…'));
  try {
    const rpc = new RpcClient($<HTMLInputElement>('rpc').value.trim());
    const address = $<HTMLInputElement>('contract').value.trim().toLowerCase();
    if (!/^0x[0-9a-f]{40}$/.test(address)) throw new Error('the contract address must be 0x followed by 40 hex digits');
    const sender = $<HTMLInputElement>('sender').value.trim().toLowerCase();
    const args = lines('call-args');
    const readKeys = $<HTMLInputElement>('read').value.split(',').map((k) => k.trim()).filter((k) => k !== '');
    const [codeHex, storageHex, head] = await Promise.all([
      rpc.call<string>('eth_getCode', address, 'latest'),
      rpc.call<Record<string, string | null>>('qvm_getStorage', address),
      rpc.call<{ number: string; hash: string; timestamp: string }>('eth_getBlockByNumber', 'latest', false),
    ]);
    if (codeHex === '0x') throw new Error(`no contract at ${address}`);
    const storage = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(storageHex)) if (v !== null) storage.set(k, hexBytes(v));
    const context = {
      blockNumber: BigInt(head.number) + 1n,
      blockTimestamp: BigInt(head.timestamp),
      prevBlockHash: hexBytes(head.hash),
      chainId: BigInt(await rpc.call<string>('eth_chainId')),
      contract: address,
      ...(sender ? { sender } : {}),
    };
    const code = hexBytes(codeHex);
    out.replaceChildren(h('p', { class: 'muted' }, 'running in the page…'));
    const r = await callIn({ code, args, readKeys, storage, context, gasLimit: gasLimit('call-gas'), trace: true, profile: true });
    out.replaceChildren(
      fields([
        ['status', h('span', { id: 'call-status', class: r.status === 'success' ? 'ok' : 'bad' }, r.status)],
        ...(r.failure ? [['failure', `${r.failure.kind}: ${r.failure.reason}`] as [string, string]] : []),
        ['gas used', h('span', { id: 'call-gas-used' }, String(r.gasUsed))],
        ['read', r.reads.join(', ') || '(none)'],
        ['storage', `${storage.size} keys read from ${rpc.url} at block ${BigInt(head.number)}`],
      ]),
      h('h2', null, 'Events'), h('ul', { id: 'call-events' }, ...r.events.map((e) => h('li', null, h('code', null, td.decode(e.data))))),
      h('h2', null, 'Storage writes (not applied: a dry run)'),
      r.writes.length ? table(['key', 'value'], r.writes.map((w) => [h('code', null, w.key), h('code', null, td.decode(w.value))])) : h('p', { class: 'muted' }, 'none'),
      ...outputs(r, r.profile),
    );
  } catch (e) {
    out.replaceChildren(h('p', { class: 'error', id: 'call-error' }, (e as Error).message));
  }
}

function setup(): void {
  const drop = $('drop');
  const file = $<HTMLInputElement>('file');
  file.addEventListener('change', () => { if (file.files?.[0]) void readFile(file.files[0]); });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void readFile(f);
  });
  $('run').addEventListener('click', () => void run());
  $('stop').addEventListener('click', stop);
  $('dry-run').addEventListener('click', () => void dryRun());
  const rpc = $<HTMLInputElement>('rpc');
  if (location.protocol.startsWith('http')) rpc.value = location.origin + '/';
  $<HTMLInputElement>('gas').placeholder = String(DEFAULT_GAS_LIMIT);
  $<HTMLInputElement>('call-gas').placeholder = String(DEFAULT_GAS_LIMIT);
  $<HTMLInputElement>('sender').placeholder = 'development account 0 (0xf39f…2266), as qvm run';
  // (a hook for tests and the console: run bytes without a file picker)
  Object.assign(window, { qvmPlayground: { setElf: (name: string, hex: string) => setElf(name, hexBytes(hex)), bytesHex, hexText } });
}

setup();
