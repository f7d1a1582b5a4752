/**
 * The public shape of one run: what goes in (every input that can influence the result) and what
 * comes out. Nothing else reaches the guest: no host clock, randomness, environment or files.
 */
import type { Kernel } from '../kernel/kernel.js';
import type { ProgramCache } from './program-cache.js';
import type { GasProfile } from './profile/types.js';

// The kernel receives these values; their types live with it (the kernel knows nothing above it).
export type { BlockContext, Limits } from '../kernel/types.js';
import type { BlockContext, Limits } from '../kernel/types.js';
import type { RunOutcome } from '../kernel/outcome.js';
export type { AbnormalOutcome, RunOutcome } from '../kernel/outcome.js';

export const DEFAULT_LIMITS: Limits = {
  memoryBytes: 512 * 1024 * 1024,
  addressSpaceBytes: 64 * 1024 * 1024 * 1024,
  stdoutBytes: 1024 * 1024,
  stderrBytes: 64 * 1024,
  openFiles: 64,
  threads: 64,
  tmpBytes: 64 * 1024 * 1024,
};

export const DEFAULT_GAS_LIMIT = 10_000_000_000;

export interface RunOptions {
  /** argv including argv[0]. */
  argv: Array<string | Uint8Array>;
  /** Environment as KEY=VALUE strings, passed as given (the caller sorts). */
  env: Array<string | Uint8Array>;
  stdin?: Uint8Array;
  gasLimit?: number;
  block?: BlockContext;
  limits?: Partial<Limits>;
  /** Record one line per system call. */
  trace?: boolean;
  /** Attribute the gas to functions and call stacks (RunResult.profile; see profile/recorder.ts). */
  profile?: boolean;
  /**
   * Called once with the run's kernel before the program starts: the extension point for the
   * layers above (the contract layer mounts /qvm/db, listens to stdout via `kernel.onOutput` and
   * charges its own gas to `kernel.gas`). It must stay deterministic: no host state.
   */
  configureKernel?: (kernel: Kernel) => void;
  /**
   * The per-program cache to use (parsed ELF, pristine image, decoded code; program-cache.ts):
   * default the process-wide defaultProgramCache, null for none (`--no-cache`). Results are the
   * same either way.
   */
  cache?: ProgramCache | null;
}

export interface RunResult {
  /** How the run ended (branch on `outcome.kind`; exitCode, signal and reason are derived from it). */
  outcome: RunOutcome;
  /** Exit status as a shell sees it: the exit code, or 128+signal when killed by a signal. */
  exitCode: number;
  /** Signal that killed the program, or null. */
  signal: number | null;
  /** Why the run ended abnormally (fault, out of gas, limit), or null after a normal exit. */
  reason: string | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  gasUsed: number;
  instructions: number;
  syscalls: number;
  /** Names (or numbers) of system calls answered ENOSYS, in first-seen order. */
  unknownSyscalls: string[];
  trace: string[];
  /** Where the gas went, when RunOptions.profile was set. */
  profile?: GasProfile;
}
