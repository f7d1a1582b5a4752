/**
 * Contract ABI v1 (SPEC §2, §4): one deploy or call of a contract, as a pure function of its
 * inputs. A call runs the contract's ELF once as a fresh process with
 *
 *   argv   `contract <args…>` (a deploy: `contract construct [extra…]`)
 *   env    sorted by name: DB_<KEY>=<VALUE> for requested keys that exist, DB_QVM_INITIALIZED after
 *          a successful construct, QVM_CONTRACT, QVM_SENDER, QVM_TX_HASH, QVM_BLOCK_NUMBER,
 *          QVM_BLOCK_TIMESTAMP, QVM_PREV_BLOCK_HASH, QVM_CHAIN_ID, QVM_VALUE, PATH, HOME, LANG, TZ
 *   files  /qvm/db/<KEY>: the storage before the call, read-only, read lazily (metered, recorded)
 *   stdin  the call's payload
 *
 * and turns what it prints into storage operations and events (protocol.ts). The call succeeds
 * when the program exits with status 0, writes nothing to stderr, breaks no protocol rule and
 * stays within gas and limits; otherwise nothing of it is applied and one failure event records
 * why. No clock, randomness or other host state is read here: the same inputs give the same result.
 */
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex } from '@noble/hashes/utils';
import { withRootGas } from '../machine/profile/tree.js';
import { PSEUDO_STORAGE, type GasProfile } from '../machine/profile/types.js';
import { ElfError, runElf } from '../machine/run.js';
import { DEFAULT_GAS_LIMIT, DEFAULT_LIMITS, type BlockContext, type Limits, type RunResult } from '../machine/types.js';
import type { Kernel } from '../kernel/kernel.js';
import type { ProgramCache } from '../machine/program-cache.js';
import { MemFile, ProviderDir } from '../kernel/vfs/inode.js';
import { RAMFS_MAGIC } from '../kernel/vfs/vfs.js';
import { codeGas, eventGas, storageReadGas, storageWriteGas, GAS_STORAGE_DELETE } from './gas.js';
import {
  DEFAULT_PROTOCOL_LIMITS,
  type Instruction,
  isValidKey,
  ProtocolError,
  ProtocolParser,
  type ProtocolLimits,
} from './protocol.js';

// ------------------------------------------------------------------------------ public types

/** A storage value: bytes, or a string (stored as its UTF-8 bytes). */
export type StorageValue = Uint8Array | string;

/**
 * The contract's storage before the call, read-only. A `Map<string, StorageValue>` is one; a
 * chain passes a view of its database.
 */
export interface StorageView {
  get(key: string): StorageValue | undefined;
  /** Every key (listing /qvm/db/); any order. */
  keys(): Iterable<string>;
}

/** The block and transaction a call runs in (SPEC §2, §3). */
export interface CallContext {
  blockNumber: bigint;
  /** Seconds since the epoch. */
  blockTimestamp: bigint;
  /** 32 bytes. */
  prevBlockHash: Uint8Array;
  chainId: bigint;
  /** 32 bytes. */
  txHash: Uint8Array;
  /** The contract's address: 0x + 40 hex digits (any case; the program sees lowercase). */
  contract: string;
  /** The caller's address: 0x + 40 hex digits. */
  sender: string;
  /** Value sent with the call, in the chain's smallest unit. */
  value: bigint;
}

/**
 * The context of a local run unless told otherwise: block 1 at 2023-11-14T22:13:20Z, zero hashes,
 * chain 1337, sent by the first well-known development account (the one anvil and hardhat prefund)
 * to the address of the first contract that account deploys.
 */
export const DEFAULT_CONTEXT: Readonly<CallContext> = Object.freeze({
  blockNumber: 1n,
  blockTimestamp: 1_700_000_000n,
  prevBlockHash: new Uint8Array(32),
  chainId: 1337n,
  txHash: new Uint8Array(32),
  contract: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
  sender: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
  value: 0n,
});

/** Per-call limits: the machine's, the protocol's, and the size of argv + environment. */
export interface ContractLimits extends Limits, ProtocolLimits {
  /** Bytes of argv and environment strings, each counted with its terminating NUL (Linux's ARG_MAX). */
  argEnvBytes: number;
}

export const DEFAULT_CONTRACT_LIMITS: Readonly<ContractLimits> = Object.freeze({
  ...DEFAULT_LIMITS,
  ...DEFAULT_PROTOCOL_LIMITS,
  argEnvBytes: 1024 * 1024,
});

export interface CallInput {
  /** The contract's ELF. */
  code: Uint8Array;
  /** argv[1..] (byte strings without NUL). For runDeploy: the extra constructor arguments. */
  args?: ReadonlyArray<string | Uint8Array>;
  /** Storage before the call (default: empty). */
  storage?: StorageView;
  /** Keys given to the program as DB_<KEY> environment variables (when they exist). */
  readKeys?: readonly string[];
  /** The call's payload (default: empty). */
  stdin?: Uint8Array;
  context?: Partial<CallContext>;
  /** Default DEFAULT_GAS_LIMIT. */
  gasLimit?: number;
  limits?: Partial<ContractLimits>;
  /** Record one line per system call (RunResult.trace). */
  trace?: boolean;
  /** The per-program cache (default: the process-wide one; null: none). Results are the same either way. */
  cache?: ProgramCache | null;
  /** Attribute the gas to functions and call stacks (CallResult.profile). */
  profile?: boolean;
}

export type StorageOp = { op: 'write'; key: string; value: Uint8Array } | { op: 'delete'; key: string };

/** A log. topic0 = keccak256("QVM_CONTRACT_STDOUT") for OUT lines, keccak256("QVM_CONTRACT_STDERR") for a failure. */
export interface ContractEvent {
  /** 0x + 64 lowercase hex digits. */
  topic0: string;
  data: Uint8Array;
}

/**
 * Why a call failed:
 *  - invalid-code: the code is not an ELF QVM runs;
 *  - input:        bad call input (NUL in an argument, invalid read key or address, …);
 *  - out-of-gas:   the gas limit was reached;
 *  - limit:        a per-call limit (memory, output, argv/env size, files, threads, …) was exceeded;
 *  - crash:        the program was killed by a signal (fault, illegal instruction, abort, …);
 *  - protocol:     a malformed stdout instruction, or more writes/events than allowed;
 *  - stderr:       the program wrote to stderr;
 *  - exit:         the program exited with a non-zero status.
 */
export type FailureKind = 'invalid-code' | 'input' | 'out-of-gas' | 'limit' | 'crash' | 'protocol' | 'stderr' | 'exit';

export interface CallFailure {
  kind: FailureKind;
  /** One line, e.g. "exit status 1", "out of gas (limit 100000) at rip 0x401a2b", "protocol error: line 3: …". */
  reason: string;
  /** The first 1 KiB of stderr. */
  stderr: Uint8Array;
}

export interface CallResult {
  status: 'success' | 'failure';
  /** Storage writes and deletes in the order printed (empty on failure). Apply with applyOps. */
  ops: StorageOp[];
  /** The writes of `ops`, in order (empty on failure). */
  writes: Array<{ key: string; value: Uint8Array }>;
  /** The deleted keys of `ops`, in order (empty on failure). */
  deletes: string[];
  /** On success the OUT events in order; on failure the one failure event. */
  events: ContractEvent[];
  failure: CallFailure | null;
  gasUsed: number;
  /** Storage keys read (requested for the environment, or looked up in /qvm/db), first-seen order. */
  reads: string[];
  /** Everything the program printed (bounded by the stdout/stderr limits). */
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The program's exit status (128 + signal when killed; 1 when ended by QVM; 0 when it never ran). */
  exitCode: number;
  instructions: number;
  syscalls: number;
  unknownSyscalls: string[];
  trace: string[];
  /** Where the gas went, when CallInput.profile was set and the program ran. */
  profile?: GasProfile;
}

// (no Buffer here: the engine also runs in browsers)
export const TOPIC_STDOUT = '0x' + bytesToHex(keccak_256('QVM_CONTRACT_STDOUT'));
export const TOPIC_STDERR = '0x' + bytesToHex(keccak_256('QVM_CONTRACT_STDERR'));

/** The storage key a successful construct sets to "true" (reserved: a contract cannot write it). */
export const INITIALIZED_KEY = 'QVM_INITIALIZED';
/** How much of stderr a failure keeps. */
export const STDERR_EXCERPT_BYTES = 1024;

// ------------------------------------------------------------------------------ entry points

/** One call of a deployed contract: argv `contract <args…>`. */
export function runCall(input: CallInput): CallResult {
  return execute(input, false);
}

/**
 * A deploy: the constructor run, argv `contract construct [args…]`, charged GAS_CODE_BYTE per byte
 * of code first. On success the writes end with QVM_INITIALIZED=true, so every later call sees
 * DB_QVM_INITIALIZED=true.
 */
export function runDeploy(input: CallInput): CallResult {
  return execute(input, true);
}

/** Apply a result's storage operations, in order, to a map (nothing for a failed call). */
export function applyOps(storage: Map<string, StorageValue>, result: Pick<CallResult, 'ops'>): void {
  for (const op of result.ops) {
    if (op.op === 'write') storage.set(op.key, op.value);
    else storage.delete(op.key);
  }
}

// ------------------------------------------------------------------------------ implementation

const te = new TextEncoder();

function bytesOf(v: StorageValue | string): Uint8Array {
  return typeof v === 'string' ? te.encode(v) : v;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function hex(b: Uint8Array): string {
  return '0x' + bytesToHex(b);
}

class InputError extends Error {}

function address(name: string, v: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InputError(`${name} must be 0x followed by 40 hex digits, got "${v}"`);
  return v.toLowerCase();
}

function hash32(name: string, v: Uint8Array): Uint8Array {
  if (v.length !== 32) throw new InputError(`${name} must be 32 bytes, got ${v.length}`);
  return v;
}

function nonNegative(name: string, v: bigint): bigint {
  if (v < 0n) throw new InputError(`${name} must not be negative`);
  return v;
}

interface Prepared {
  argv: Uint8Array[];
  env: Uint8Array[];
  block: BlockContext;
  /** Gas of the storage reads of the environment (and the code of a deploy). */
  preGas: number;
  reads: string[];
}

function prepare(input: CallInput, deploy: boolean, reads: string[]): Prepared {
  const ctx: CallContext = { ...DEFAULT_CONTEXT, ...input.context };
  const contract = address('contract address', ctx.contract);
  const sender = address('sender address', ctx.sender);
  const prevBlockHash = hash32('previous block hash', ctx.prevBlockHash);
  const txHash = hash32('transaction hash', ctx.txHash);
  nonNegative('block number', ctx.blockNumber);
  nonNegative('block timestamp', ctx.blockTimestamp);
  nonNegative('chain id', ctx.chainId);
  nonNegative('value', ctx.value);

  const argv: Uint8Array[] = [te.encode('contract')];
  if (deploy) argv.push(te.encode('construct'));
  for (const [i, a] of (input.args ?? []).entries()) {
    const b = bytesOf(a);
    if (b.includes(0)) throw new InputError(`argument ${i + 1} contains a NUL byte`);
    argv.push(b);
  }

  const storage = input.storage;
  let preGas = deploy ? codeGas(input.code.length) : 0;
  const vars = new Map<string, Uint8Array>();
  for (const key of input.readKeys ?? []) {
    if (!isValidKey(key)) throw new InputError(`invalid read key "${key}" (keys are 1-128 bytes of [A-Za-z0-9_])`);
    if (reads.includes(key)) continue;
    reads.push(key);
    const v = storage?.get(key);
    preGas += storageReadGas(v === undefined ? 0 : bytesOf(v).length);
    if (v !== undefined) vars.set('DB_' + key, bytesOf(v));
  }
  const initialized = storage?.get(INITIALIZED_KEY);
  if (initialized !== undefined) vars.set('DB_' + INITIALIZED_KEY, bytesOf(initialized));
  for (const [name, v] of vars) {
    if (v.includes(0)) throw new InputError(`storage value of ${name.slice(3)} contains a NUL byte`);
  }
  const fixed: Array<[string, string]> = [
    ['QVM_CONTRACT', contract],
    ['QVM_SENDER', sender],
    ['QVM_TX_HASH', hex(txHash)],
    ['QVM_BLOCK_NUMBER', ctx.blockNumber.toString()],
    ['QVM_BLOCK_TIMESTAMP', ctx.blockTimestamp.toString()],
    ['QVM_PREV_BLOCK_HASH', hex(prevBlockHash)],
    ['QVM_CHAIN_ID', ctx.chainId.toString()],
    ['QVM_VALUE', ctx.value.toString()],
    ['PATH', '/bin'],
    ['HOME', '/'],
    ['LANG', 'C.UTF-8'],
    ['TZ', 'UTC'],
  ];
  for (const [name, v] of fixed) vars.set(name, te.encode(v));
  const env = [...vars.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => concat(te.encode(name + '='), vars.get(name)!));

  return {
    argv,
    env,
    block: { number: ctx.blockNumber, timestamp: ctx.blockTimestamp, prevBlockHash, txHash, chainId: ctx.chainId },
    preGas,
    reads,
  };
}

function emptyResult(failure: CallFailure, gasUsed: number, reads: string[]): CallResult {
  return {
    status: 'failure',
    ops: [],
    writes: [],
    deletes: [],
    events: [{ topic0: TOPIC_STDERR, data: te.encode(failure.reason) }],
    failure,
    gasUsed,
    reads,
    stdout: new Uint8Array(0),
    stderr: new Uint8Array(0),
    exitCode: 0,
    instructions: 0,
    syscalls: 0,
    unknownSyscalls: [],
    trace: [],
  };
}

function execute(input: CallInput, deploy: boolean): CallResult {
  const limits: ContractLimits = { ...DEFAULT_CONTRACT_LIMITS, ...input.limits };
  const gasLimit = input.gasLimit ?? DEFAULT_GAS_LIMIT;
  const reads: string[] = [];
  let prep: Prepared;
  try {
    prep = prepare(input, deploy, reads);
  } catch (e) {
    if (e instanceof InputError) return emptyResult({ kind: 'input', reason: e.message, stderr: new Uint8Array(0) }, 0, reads);
    throw e;
  }
  let argEnv = 0;
  for (const s of prep.argv) argEnv += s.length + 1;
  for (const s of prep.env) argEnv += s.length + 1;
  if (argEnv > limits.argEnvBytes) {
    const reason = `arguments and environment too large (${argEnv} bytes, limit ${limits.argEnvBytes})`;
    return emptyResult({ kind: 'limit', reason, stderr: new Uint8Array(0) }, Math.min(prep.preGas, gasLimit), reads);
  }

  const ops: StorageOp[] = [];
  const events: ContractEvent[] = [];
  let kernel: Kernel | null = null;
  let running = false;
  /** Gas of instructions completed after the program ended (the final unterminated line). */
  let lateGas = 0;
  const charge = (gas: number): void => {
    if (running && kernel) {
      kernel.gas += gas;
      kernel.gasExternal += gas;
    }
    else lateGas += gas;
  };
  const onInstruction = (ins: Instruction): void => {
    switch (ins.op) {
      case 'write':
        if (ins.key === INITIALIZED_KEY) throw new ProtocolError(ins.line, `key ${INITIALIZED_KEY} is reserved (set by QVM after a successful construct)`);
        charge(storageWriteGas(ins.key.length, ins.value.length));
        ops.push({ op: 'write', key: ins.key, value: ins.value });
        break;
      case 'delete':
        if (ins.key === INITIALIZED_KEY) throw new ProtocolError(ins.line, `key ${INITIALIZED_KEY} is reserved (set by QVM after a successful construct)`);
        charge(GAS_STORAGE_DELETE);
        ops.push({ op: 'delete', key: ins.key });
        break;
      case 'event':
        charge(eventGas(ins.data.length));
        events.push({ topic0: TOPIC_STDOUT, data: ins.data });
        break;
    }
  };
  const parser = new ProtocolParser(onInstruction, { maxWrites: limits.maxWrites, maxEvents: limits.maxEvents });
  let protocolReason: string | null = null;

  const storage = input.storage;
  const readSet = new Set(reads);
  let storageKeys: string[] | null = null;
  const configureKernel = (k: Kernel): void => {
    kernel = k;
    running = true;
    k.gas += prep.preGas;
    k.gasExternal += prep.preGas;
    const sb = k.vfs.newSuperblock(RAMFS_MAGIC, true);
    const files = new Map<string, MemFile>();
    k.vfs.mount('/qvm/db', new ProviderDir(sb, { mode: 0o555 }, {
      list: () => {
        if (!storageKeys) storageKeys = storage ? [...storage.keys()].filter(isValidKey) : [];
        return storageKeys;
      },
      lookup: (key) => {
        if (!isValidKey(key)) return null;
        if (!readSet.has(key)) {
          readSet.add(key);
          reads.push(key);
        }
        const v = storage?.get(key);
        const bytes = v === undefined ? null : bytesOf(v);
        const readGas = storageReadGas(bytes ? bytes.length : 0);
        k.gas += readGas;
        k.gasExternal += readGas;
        if (!bytes) return null;
        let f = files.get(key);
        if (!f) files.set(key, (f = new MemFile(sb, { mode: 0o444 }, bytes)));
        return f;
      },
    }));
    k.onOutput = (which, data) => {
      if (which !== 1 || parser.failed) return;
      parser.push(data);
      if (parser.error) {
        protocolReason = `protocol error: ${parser.error.message}`;
        k.kill(protocolReason, 0);
      }
    };
  };

  let run: RunResult;
  try {
    run = runElf(input.code, {
      argv: prep.argv,
      env: prep.env,
      stdin: input.stdin,
      gasLimit,
      block: prep.block,
      limits,
      trace: input.trace ?? false,
      profile: input.profile ?? false,
      configureKernel,
      ...(input.cache !== undefined ? { cache: input.cache } : {}),
    });
  } catch (e) {
    if (e instanceof ElfError) {
      const reason = `invalid code: ${e.message}`;
      return emptyResult({ kind: 'invalid-code', reason, stderr: new Uint8Array(0) }, Math.min(deploy ? codeGas(input.code.length) : 0, gasLimit), reads);
    }
    throw e;
  }
  running = false;

  let failure: { kind: FailureKind; reason: string } | null = null;
  if (run.reason !== null) {
    if (protocolReason !== null && run.reason === protocolReason) failure = { kind: 'protocol', reason: run.reason };
    else if (run.reason.startsWith('out of gas')) failure = { kind: 'out-of-gas', reason: run.reason };
    else if (run.signal !== null) failure = { kind: 'crash', reason: run.reason };
    else failure = { kind: 'limit', reason: run.reason };
  } else {
    parser.end();
    if (parser.error) failure = { kind: 'protocol', reason: `protocol error: ${parser.error.message}` };
  }
  let gasUsed = run.gasUsed + lateGas;
  if (gasUsed > gasLimit) {
    gasUsed = gasLimit;
    failure ??= { kind: 'out-of-gas', reason: `out of gas (limit ${gasLimit}) in the final line of output` };
  }
  if (!failure && run.stderr.length > 0) {
    failure = { kind: 'stderr', reason: `the contract wrote ${run.stderr.length} bytes to stderr (exit status ${run.exitCode})` };
  }
  if (!failure && run.exitCode !== 0) failure = { kind: 'exit', reason: `exit status ${run.exitCode}` };

  const stdout = run.stdout.slice();
  const stderr = run.stderr.slice();
  const common = {
    gasUsed,
    reads,
    stdout,
    stderr,
    exitCode: run.exitCode,
    instructions: run.instructions,
    syscalls: run.syscalls,
    unknownSyscalls: run.unknownSyscalls,
    trace: run.trace,
    // the gas of the final line (charged after the program ended) goes to the root's storage
    ...(run.profile ? { profile: withRootGas(run.profile, PSEUDO_STORAGE, gasUsed - run.gasUsed, gasUsed) } : {}),
  };
  if (failure) {
    const excerpt = stderr.slice(0, STDERR_EXCERPT_BYTES);
    const data = failure.kind === 'stderr' ? excerpt : te.encode(failure.reason);
    return {
      status: 'failure',
      ops: [],
      writes: [],
      deletes: [],
      events: [{ topic0: TOPIC_STDERR, data }],
      failure: { ...failure, stderr: excerpt },
      ...common,
    };
  }
  if (deploy) ops.push({ op: 'write', key: INITIALIZED_KEY, value: te.encode('true') });
  const writes: Array<{ key: string; value: Uint8Array }> = [];
  const deletes: string[] = [];
  for (const op of ops) {
    if (op.op === 'write') writes.push({ key: op.key, value: op.value });
    else deletes.push(op.key);
  }
  return { status: 'success', ops, writes, deletes, events, failure: null, ...common };
}
