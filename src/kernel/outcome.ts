/**
 * How a run ended, as a type rather than a sentence: created where the run ends (the kernel for
 * exits, signals, its own limits and deadlocks; the machine's run loop for gas and the CPU's
 * memory limit) and passed up unchanged through the machine's RunResult to the contract layer,
 * the chain, the RPC server and the CLI, which branch on `kind`, never on `reason`'s wording.
 * `reason` is the one line shown to people and stored in receipts; its wording is consensus data.
 */
export type RunOutcome =
  /** exit / exit_group (or the end of the last thread) with this status. */
  | { kind: 'exit'; status: number }
  /** A signal whose action ends the process (a fault, abort, kill, …). */
  | { kind: 'signal'; signal: number; reason: string }
  /** The gas limit was reached. */
  | { kind: 'out-of-gas'; reason: string }
  /** A VM limit was exceeded: memory, stdout/stderr bytes, … */
  | { kind: 'limit'; reason: string }
  /** No thread can ever run again (every thread blocked with no deadline). */
  | { kind: 'deadlock'; reason: string }
  /** The layer above ended the run: the program broke its output protocol (the contract ABI's stdout). */
  | { kind: 'protocol'; reason: string };

/** An outcome other than a normal exit: the run was ended. */
export type AbnormalOutcome = Exclude<RunOutcome, { kind: 'exit' }>;

/** The kinds of ending a VM imposes without a signal (Kernel.end). */
export type VmEndKind = 'limit' | 'deadlock' | 'protocol' | 'out-of-gas';
