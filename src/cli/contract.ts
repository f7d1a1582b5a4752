/**
 * `qvm run` in contract mode: one deploy (`--construct`) or call of a contract with the contract
 * ABI (src/contract), printing a summary (status, events, writes, deletes, reads, gas) or JSON.
 * `--state FILE` keeps the contract's storage between runs.
 *
 * Contract options may come before the ELF path or after the contract's arguments
 * (`qvm run ./registry register alice --read USER_CURRENT`); `--` ends them.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  applyOps,
  checkEntry,
  DEFAULT_CONTEXT,
  formatState,
  parseState,
  plainLines,
  runCall,
  runDeploy,
  StateFileError,
  bytesToJson,
  type CallContext,
  type CallResult,
} from '../contract/index.js';
import { addressArg, amountArg, bigintArg, bytes32Arg, check, gasArg, readFile, stdinBytes, storageKeys } from './args.js';
import { die } from './io.js';
import { profileFormatOf, writeProfile } from './profile.js';

/** The options of `qvm run` (general and contract mode). */
export interface RunFlags {
  json?: boolean;
  /** false with --no-cache: no per-program cache (the results are the same). */
  cache?: boolean;
  env: string[];
  /** A file (- = our stdin), false for --no-stdin, undefined: our stdin when it is a file or a pipe. */
  stdin?: string | false;
  gas?: number;
  blockNumber?: bigint;
  blockTimestamp?: bigint;
  prevBlockHash?: Uint8Array;
  txHash?: Uint8Array;
  chainId?: bigint;
  trace?: boolean;
  argv0: string;
  // contract mode
  contract?: boolean;
  db: string[];
  read: string[];
  sender?: string;
  address?: string;
  value?: bigint;
  construct?: boolean;
  state?: string;
  // both modes
  profile?: string;
  profileFormat?: string;
}

/** Is contract mode asked for by the leading options? */
export function contractMode(flags: RunFlags): boolean {
  return (
    flags.contract === true ||
    flags.construct === true ||
    flags.db.length > 0 ||
    flags.read.length > 0 ||
    flags.sender !== undefined ||
    flags.address !== undefined ||
    flags.value !== undefined ||
    flags.state !== undefined
  );
}

const CONTRACT_FLAGS = new Set(['--contract', '--construct', '--db', '--read', '--sender', '--address', '--value', '--state']);
const BOOLEAN_FLAGS = new Set(['--contract', '--construct', '--json', '--trace', '--no-stdin']);
const VALUE_FLAGS = new Set([
  '--db', '--read', '--sender', '--address', '--value', '--state', '--gas', '--stdin',
  '--block-number', '--block-timestamp', '--prev-block-hash', '--tx-hash', '--chain-id',
  '--profile', '--profile-format',
]);

/**
 * Options given after the program's arguments. Only in contract mode (a contract option before
 * the ELF, or one among the arguments), so plain `qvm run` passes every argument through as
 * before: then every `qvm run` option found before a `--` is taken out of the arguments and
 * merged into `flags`.
 */
export function takeTrailingOptions(args: string[], flags: RunFlags): string[] {
  const dash = args.indexOf('--');
  const head = dash < 0 ? args : args.slice(0, dash);
  if (!contractMode(flags) && !head.some((a) => CONTRACT_FLAGS.has(a.split('=')[0]!))) return args;
  const rest: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const a = head[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (BOOLEAN_FLAGS.has(a)) {
      setFlag(flags, a, undefined);
    } else if (VALUE_FLAGS.has(name)) {
      let value: string;
      if (name !== a) value = a.slice(eq + 1);
      else {
        if (i + 1 >= head.length) die(`option '${a}' argument missing`);
        value = head[++i]!;
      }
      setFlag(flags, name, value);
    } else {
      rest.push(a);
    }
  }
  return dash < 0 ? rest : [...rest, ...args.slice(dash + 1)];
}

function setFlag(flags: RunFlags, name: string, value: string | undefined): void {
  const v = value ?? '';
  switch (name) {
    case '--contract': flags.contract = true; break;
    case '--construct': flags.construct = true; break;
    case '--json': flags.json = true; break;
    case '--trace': flags.trace = true; break;
    case '--no-stdin': flags.stdin = false; break;
    case '--db': flags.db.push(v); break;
    case '--read': flags.read.push(v); break;
    case '--sender': flags.sender = check(name, v, addressArg('sender')); break;
    case '--address': flags.address = check(name, v, addressArg('contract address')); break;
    case '--value': flags.value = check(name, v, amountArg); break;
    case '--state': flags.state = v; break;
    case '--gas': flags.gas = check(name, v, gasArg); break;
    case '--stdin': flags.stdin = v; break;
    case '--block-number': flags.blockNumber = check(name, v, bigintArg('block number')); break;
    case '--block-timestamp': flags.blockTimestamp = check(name, v, bigintArg('block timestamp')); break;
    case '--prev-block-hash': flags.prevBlockHash = check(name, v, bytes32Arg('previous block hash')); break;
    case '--tx-hash': flags.txHash = check(name, v, bytes32Arg('transaction hash')); break;
    case '--chain-id': flags.chainId = check(name, v, bigintArg('chain id')); break;
    case '--profile': flags.profile = v; break;
    case '--profile-format': flags.profileFormat = v; break;
  }
}

function loadStorage(flags: RunFlags): Map<string, Uint8Array> {
  let storage = new Map<string, Uint8Array>();
  if (flags.state !== undefined && existsSync(flags.state)) {
    try {
      storage = parseState(readFileSync(flags.state, 'utf8'));
    } catch (e) {
      if (e instanceof StateFileError) die(`${flags.state}: ${e.message}`);
      die(`cannot read ${flags.state}: ${(e as Error).message}`);
    }
  }
  for (const kv of flags.db) {
    const i = kv.indexOf('=');
    if (i < 0) die(`--db expects KEY=VALUE, got "${kv}"`);
    const key = kv.slice(0, i);
    const value = new Uint8Array(Buffer.from(kv.slice(i + 1), 'utf8'));
    const bad = checkEntry(key, value);
    if (bad) die(`--db: ${bad}`);
    storage.set(key, value);
  }
  return storage;
}

/** Bytes for people: as text when printable UTF-8, else as a JSON string with escapes. */
function show(b: Uint8Array): string {
  const s = Buffer.from(b).toString('utf8');
  const exact = Buffer.from(s, 'utf8').equals(Buffer.from(b));
  // eslint-disable-next-line no-control-regex -- control characters are what this test looks for
  return exact && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s) ? s : JSON.stringify(exact ? s : Buffer.from(b).toString('latin1'));
}

function summary(r: CallResult, stateNote: string | null): string {
  const out: string[] = [];
  const ok = r.status === 'success';
  out.push(`status:  ${ok ? 'success' : `failure (${r.failure!.kind})`}`);
  if (!ok) out.push(`reason:  ${r.failure!.reason}`);
  out.push(`gas:     ${r.gasUsed}`);
  out.push(`reads:   ${r.reads.length ? r.reads.join(', ') : '(none)'}`);
  if (ok) {
    out.push(`events:  ${r.events.length ? '' : '(none)'}`.trimEnd());
    for (const e of r.events) out.push(`  ${show(e.data)}`);
    out.push(`writes:  ${r.writes.length ? '' : '(none)'}`.trimEnd());
    for (const w of r.writes) out.push(`  ${w.key} = ${show(w.value)}`);
    out.push(`deletes: ${r.deletes.length ? r.deletes.join(', ') : '(none)'}`);
  } else {
    out.push('writes, deletes and events of the call are dropped');
  }
  const plain = plainLines(r.stdout);
  if (plain.length) {
    out.push('output:');
    for (const l of plain) out.push(`  ${show(l)}`);
  }
  if (r.stderr.length) {
    out.push('stderr:');
    const text = Buffer.from(r.stderr).toString('utf8').replace(/\n$/, '');
    for (const l of text.split('\n')) out.push(`  ${l}`);
  }
  if (stateNote) out.push(stateNote);
  return out.join('\n') + '\n';
}

function json(r: CallResult, state: { file: string; saved: boolean } | null): string {
  const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
  return JSON.stringify(
    {
      status: r.status,
      failure: r.failure ? { kind: r.failure.kind, reason: r.failure.reason, stderr: bytesToJson(r.failure.stderr) } : null,
      gasUsed: r.gasUsed,
      reads: r.reads,
      ops: r.ops.map((op) => (op.op === 'write' ? { op: 'write', key: op.key, value: bytesToJson(op.value) } : op)),
      writes: r.writes.map((w) => ({ key: w.key, value: bytesToJson(w.value) })),
      deletes: r.deletes,
      events: r.events.map((e) => ({ topic0: e.topic0, data: bytesToJson(e.data) })),
      exitCode: r.exitCode,
      instructions: r.instructions,
      syscalls: r.syscalls,
      unknownSyscalls: r.unknownSyscalls,
      stdout: text(r.stdout),
      stderr: text(r.stderr),
      ...(state ? { state } : {}),
      ...(r.trace.length ? { trace: r.trace } : {}),
    },
    null,
    2,
  ) + '\n';
}

/** Run a contract call or deploy from the command line; sets process.exitCode (0 success, 1 failure). */
export function runContractCli(elf: string, args: string[], flags: RunFlags): void {
  if (flags.env.length > 0) die('--env cannot be used with a contract: the contract ABI fixes the environment');
  if (flags.argv0 !== 'contract') die('--argv0 cannot be used with a contract: argv[0] is always "contract"');
  const code = readFile(elf);
  profileFormatOf(flags);
  const storage = loadStorage(flags);
  const keys = storageKeys('--read', flags.read);
  const context: CallContext = {
    ...DEFAULT_CONTEXT,
    ...(flags.blockNumber !== undefined ? { blockNumber: flags.blockNumber } : {}),
    ...(flags.blockTimestamp !== undefined ? { blockTimestamp: flags.blockTimestamp } : {}),
    ...(flags.prevBlockHash !== undefined ? { prevBlockHash: flags.prevBlockHash } : {}),
    ...(flags.chainId !== undefined ? { chainId: flags.chainId } : {}),
    ...(flags.txHash !== undefined ? { txHash: flags.txHash } : {}),
    ...(flags.address !== undefined ? { contract: flags.address } : {}),
    ...(flags.sender !== undefined ? { sender: flags.sender } : {}),
    ...(flags.value !== undefined ? { value: flags.value } : {}),
  };
  for (const [i, a] of args.entries()) if (a.includes('\0')) die(`argument ${i + 1} contains a NUL byte`);
  const input = {
    code,
    args,
    storage,
    readKeys: keys,
    stdin: stdinBytes(flags.stdin),
    context,
    gasLimit: flags.gas,
    trace: flags.trace ?? false,
    ...(flags.cache === false ? { cache: null } : {}),
    profile: flags.profile !== undefined,
  };
  const r = flags.construct ? runDeploy(input) : runCall(input);
  if (r.failure?.kind === 'invalid-code') die(`${elf}: ${r.failure.reason.replace(/^invalid code: /, '')}`);
  if (r.failure?.kind === 'input') die(r.failure.reason);
  writeProfile(flags, r.profile, elf);

  let state: { file: string; saved: boolean } | null = null;
  let note: string | null = null;
  if (flags.state !== undefined) {
    const saved = r.status === 'success';
    if (saved) {
      applyOps(storage, r);
      const tmp = `${flags.state}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, formatState(storage));
        renameSync(tmp, flags.state);
      } catch (e) {
        die(`cannot write ${flags.state}: ${(e as Error).message}`);
      }
    }
    state = { file: flags.state, saved };
    note = saved ? `state:   saved to ${flags.state} (${storage.size} keys)` : `state:   ${flags.state} unchanged`;
  }
  if (flags.json) process.stdout.write(json(r, state));
  else process.stdout.write(summary(r, note));
  if (flags.trace && !flags.json) for (const line of r.trace) process.stderr.write(`[syscall] ${line}\n`);
  process.exitCode = r.status === 'success' ? 0 : 1;
}
