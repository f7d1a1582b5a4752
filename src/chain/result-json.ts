/**
 * One JSON shape for what a run did, whether it was a dry run (qvm_call) or a mined transaction
 * (qvm_traceTransaction, and the CLI's call / deploy / receipt): gas as decimal numbers, writes
 * with their values, events as an array. Bytes are 0x-hex here; the CLI's --json shows them as
 * text when they are UTF-8 (docs/chain.md).
 */
import { TOPIC_STDERR } from '../contract/index.js';
import type { DryRunResult, ExecRecord, RpcReceipt } from './chain.js';
import { toHex, type Hex } from './bytes.js';

export interface QvmResult {
  kind: ExecRecord['kind'];
  status: ExecRecord['status'];
  failure: ExecRecord['failure'];
  /** null for a dry run. */
  transactionHash: Hex | null;
  blockNumber: number | null;
  contractAddress: Hex | null;
  /** Total gas: the VM's plus the intrinsic gas. */
  gasUsed: number;
  vmGasUsed: number;
  intrinsicGas: number;
  reads: string[];
  /** Each written key with its last value (null in receipts of databases made before values were kept). */
  writes: Array<{ key: string; value: Hex | null }>;
  deletes: string[];
  /** The call's events; a failed run has one, its reason (topic0 = the stderr topic). */
  events: Array<{ topic0: Hex; data: Hex }>;
  stdout: Hex;
  stderr: Hex;
  exitCode: number;
  instructions: number;
  syscalls: number;
}

function common(e: ExecRecord): Omit<QvmResult, 'transactionHash' | 'blockNumber' | 'contractAddress' | 'gasUsed' | 'events'> {
  return {
    kind: e.kind,
    status: e.status,
    failure: e.failure,
    vmGasUsed: e.vmGasUsed,
    intrinsicGas: e.intrinsicGas,
    reads: e.reads,
    writes: e.writes.map((key) => ({ key, value: e.written?.[key] ?? null })),
    deletes: e.deletes,
    stdout: e.stdout,
    stderr: e.stderr,
    exitCode: e.exitCode,
    instructions: e.instructions,
    syscalls: e.syscalls,
  };
}

export function dryRunResult(r: DryRunResult): QvmResult {
  const events = r.result
    ? r.result.events.map((e) => ({ topic0: e.topic0 as Hex, data: toHex(e.data) }))
    : r.exec.failure
      ? [{ topic0: TOPIC_STDERR as Hex, data: toHex(new TextEncoder().encode(r.exec.failure.reason)) }]
      : [];
  return { ...common(r.exec), transactionHash: null, blockNumber: null, contractAddress: r.contractAddress, gasUsed: Number(r.gasUsed), events };
}

export function receiptResult(r: RpcReceipt): QvmResult {
  return {
    ...common(r.qvm),
    transactionHash: r.transactionHash,
    blockNumber: Number(r.blockNumber),
    contractAddress: r.contractAddress,
    gasUsed: Number(BigInt(r.gasUsed)),
    events: r.logs.map((l) => ({ topic0: l.topics[0]!, data: l.data })),
  };
}

/**
 * A failed run's stderr for a one-line message: every line but blank ones and Rust's backtrace
 * hint, joined (a Rust panic prints its message on the line after "thread 'main' panicked at").
 */
export function stderrLine(stderr: Hex, max = 500): string {
  const lines = Buffer.from(stderr.slice(2), 'hex').toString('utf8').split('\n').map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('note: run with `RUST_BACKTRACE'));
  const s = lines.join(' ');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
