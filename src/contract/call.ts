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
import { bytesToHex } from '@noble/hashes/utils';
import { isAddress } from 'viem';
import { defineError, QvmError } from '../errors.js';
import type { AbnormalOutcome } from '../kernel/index.js';
import { withRootGas } from '../machine/profile/tree.js';
import { PSEUDO_STORAGE, type GasProfile } from '../machine/profile/types.js';
import { ElfError, runElf } from '../machine/run.js';
import { DEFAULT_GAS_LIMIT, DEFAULT_LIMITS, type BlockContext, type Limits, type RunResult } from '../machine/types.js';
import type { ProgramCache } from '../machine/program-cache.js';
import { codeGas, storageReadGas } from './gas.js';
import { DEFAULT_PROTOCOL_LIMITS, isValidKey, type ProtocolLimits } from './protocol.js';
import { bytesOf, CallSession, INITIALIZED_KEY, TOPIC_STDERR, type ContractEvent, type StorageOp, type StorageValue, type StorageView } from './session.js';

export { INITIALIZED_KEY, TOPIC_STDERR, TOPIC_STDOUT, type ContractEvent, type StorageOp, type StorageValue, type StorageView } from './session.js';

// ------------------------------------------------------------------------------ public types

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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function hex(b: Uint8Array): string {
  return '0x' + bytesToHex(b);
}

/** Bad call input (failure kind 'input'); the message is the failure's reason. */
class InputError extends QvmError {}
defineError(InputError, 'InputError', 'CALL_INPUT');

function address(name: string, v: string): string {
  // any case, no checksum rule: the program sees lowercase (consensus: never stricter than before)
  if (!isAddress(v, { strict: false })) throw new InputError(`${name} must be 0x followed by 40 hex digits, got "${v}"`);
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

/** argv `contract [construct] <args…>`; every argument without NUL. */
function argvOf(input: CallInput, deploy: boolean): Uint8Array[] {
  const argv: Uint8Array[] = [te.encode('contract')];
  if (deploy) argv.push(te.encode('construct'));
  for (const [i, a] of (input.args ?? []).entries()) {
    const b = bytesOf(a);
    if (b.includes(0)) throw new InputError(`argument ${i + 1} contains a NUL byte`);
    argv.push(b);
  }
  return argv;
}

/** DB_<KEY> variables of the declared reads (recorded in `reads`) and of QVM_INITIALIZED; their gas. */
function storageVars(input: CallInput, reads: string[], vars: Map<string, Uint8Array>): number {
  const storage = input.storage;
  let gas = 0;
  for (const key of input.readKeys ?? []) {
    if (!isValidKey(key)) throw new InputError(`invalid read key "${key}" (keys are 1-128 bytes of [A-Za-z0-9_])`);
    if (reads.includes(key)) continue;
    reads.push(key);
    const v = storage?.get(key);
    gas += storageReadGas(v === undefined ? 0 : bytesOf(v).length);
    if (v !== undefined) vars.set('DB_' + key, bytesOf(v));
  }
  const initialized = storage?.get(INITIALIZED_KEY);
  if (initialized !== undefined) vars.set('DB_' + INITIALIZED_KEY, bytesOf(initialized));
  for (const [name, v] of vars) {
    if (v.includes(0)) throw new InputError(`storage value of ${name.slice(3)} contains a NUL byte`);
  }
  return gas;
}

/** The fixed QVM_* and locale variables of the contract ABI. */
function contextVars(ctx: CallContext, contract: string, sender: string, txHash: Uint8Array, prevBlockHash: Uint8Array): Array<[string, string]> {
  return [
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
}

/** Checks the input and builds argv, the sorted environment and the block (throws InputError). */
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

  const argv = argvOf(input, deploy);
  const vars = new Map<string, Uint8Array>();
  const preGas = (deploy ? codeGas(input.code.length) : 0) + storageVars(input, reads, vars);
  for (const [name, v] of contextVars(ctx, contract, sender, txHash, prevBlockHash)) vars.set(name, te.encode(v));
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

/** Linux's ARG_MAX rule over argv + environment: the reason when they are too large, else null. */
function argEnvTooLarge(prep: Prepared, limits: ContractLimits): string | null {
  let argEnv = 0;
  for (const s of prep.argv) argEnv += s.length + 1;
  for (const s of prep.env) argEnv += s.length + 1;
  return argEnv > limits.argEnvBytes ? `arguments and environment too large (${argEnv} bytes, limit ${limits.argEnvBytes})` : null;
}

/** A call refused before its program ran (bad input, too large, not an ELF QVM runs). */
function refused(kind: FailureKind, reason: string, gasUsed: number, reads: string[]): CallResult {
  return {
    status: 'failure',
    ops: [],
    writes: [],
    deletes: [],
    events: [{ topic0: TOPIC_STDERR, data: te.encode(reason) }],
    failure: { kind, reason, stderr: new Uint8Array(0) },
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

/** The failure kind of each way a run can be ended (anything but an exit). */
const FAILURE_OF: Readonly<Record<AbnormalOutcome['kind'], FailureKind>> = {
  signal: 'crash',
  'out-of-gas': 'out-of-gas',
  limit: 'limit',
  deadlock: 'limit',
  protocol: 'protocol',
};

interface Settled {
  failure: { kind: FailureKind; reason: string } | null;
  gasUsed: number;
}

/** Why the call failed (or null) and its gas, from how the run ended and what it printed. */
function settle(run: RunResult, session: CallSession, gasLimit: number): Settled {
  let failure: Settled['failure'] = null;
  const outcome = run.outcome;
  if (outcome.kind !== 'exit') failure = { kind: FAILURE_OF[outcome.kind], reason: outcome.reason };
  else {
    const protocol = session.finish();
    if (protocol !== null) failure = { kind: 'protocol', reason: protocol };
  }
  let gasUsed = run.gasUsed + session.lateGas;
  if (gasUsed > gasLimit) {
    gasUsed = gasLimit;
    failure ??= { kind: 'out-of-gas', reason: `out of gas (limit ${gasLimit}) in the final line of output` };
  }
  if (!failure && run.stderr.length > 0) {
    failure = { kind: 'stderr', reason: `the contract wrote ${run.stderr.length} bytes to stderr (exit status ${run.exitCode})` };
  }
  if (!failure && run.exitCode !== 0) failure = { kind: 'exit', reason: `exit status ${run.exitCode}` };
  return { failure, gasUsed };
}

/** The result of a call whose program ran. */
function resultOf(run: RunResult, session: CallSession, settled: Settled, reads: string[], deploy: boolean): CallResult {
  const { failure, gasUsed } = settled;
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
  const ops = session.ops;
  if (deploy) ops.push({ op: 'write', key: INITIALIZED_KEY, value: te.encode('true') });
  const writes: Array<{ key: string; value: Uint8Array }> = [];
  const deletes: string[] = [];
  for (const op of ops) {
    if (op.op === 'write') writes.push({ key: op.key, value: op.value });
    else deletes.push(op.key);
  }
  return { status: 'success', ops, writes, deletes, events: session.events, failure: null, ...common };
}

function execute(input: CallInput, deploy: boolean): CallResult {
  const limits: ContractLimits = { ...DEFAULT_CONTRACT_LIMITS, ...input.limits };
  const gasLimit = input.gasLimit ?? DEFAULT_GAS_LIMIT;
  const reads: string[] = [];
  let prep: Prepared;
  try {
    prep = prepare(input, deploy, reads);
  } catch (e) {
    if (e instanceof InputError) return refused('input', e.message, 0, reads);
    throw e;
  }
  const tooLarge = argEnvTooLarge(prep, limits);
  if (tooLarge !== null) return refused('limit', tooLarge, Math.min(prep.preGas, gasLimit), reads);

  const session = new CallSession(input.storage, reads, prep.preGas, limits);
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
      configureKernel: (k) => session.attach(k),
      ...(input.cache !== undefined ? { cache: input.cache } : {}),
    });
  } catch (e) {
    if (e instanceof ElfError) return refused('invalid-code', `invalid code: ${e.message}`, Math.min(deploy ? codeGas(input.code.length) : 0, gasLimit), reads);
    throw e;
  }
  session.detach();
  return resultOf(run, session, settle(run, session, gasLimit), reads, deploy);
}
