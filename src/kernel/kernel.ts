/**
 * QVM's synthetic Linux kernel: answers every system call of the guest program deterministically
 * (SPEC §3). The machine calls `syscall()` when the CPU executes a system call instruction and
 * writes the returned value into the result register.
 *
 * Structure:
 *  - arch/<arch>.ts      number → kernel name, per architecture;
 *  - syscalls/<topic>.ts implementations by name (memory, fs, time, process, signal, info, …),
 *                        merged in syscalls/index.ts;
 *  - vfs/                the in-memory file system and the fd table;
 *  - trace.ts            strace-like lines when tracing;
 *  - gas.ts, random.ts   the gas schedule and the deterministic random stream.
 *
 * State that belongs to the process (memory, files, signal handlers, limits) lives here; state of
 * one thread lives in a KThread, looked up from the ThreadContext the machine passes in.
 */
import { type Memory, MemoryFault, MemoryLimitExceeded } from '../mem/memory.js';
import type { BlockContext, Limits } from './types.js';
import type { AbnormalOutcome, VmEndKind } from './outcome.js';
import { type Arch, syscallNames } from './arch/index.js';
import { DEFAULT_UMASK, MAIN_TID, O_LARGEFILE, O_NONBLOCK, O_RDONLY, O_WRONLY } from './constants.js';
import { EAGAIN, EFAULT, ENOMEM, ENOSYS, SysError } from './errno.js';
import { OUTPUT_GAS_PER_BYTE, SYSCALL_BASE } from './gas.js';
import { DeterministicRandom } from './random.js';
import { SYSCALLS } from './syscalls/index.js';
import { defaultRlimits, type Rlimit } from './syscalls/info.js';
import { deliverSignals, hasDeliverable, interruptIfPending, newSignalState, type SignalState } from './syscalls/signal.js';
import type { Sys } from './syscalls/types.js';
import { KThread, WouldBlock } from './thread.js';
import { Scheduler } from './sched.js';
import { describeArgs, describeResult } from './trace.js';
import { hasThreadOps, type ThreadContext } from './types.js';
import { FdTable, OpenFile } from './vfs/fdtable.js';
import { type PathStack, pathOf, Vfs } from './vfs/vfs.js';

export interface KernelOptions {
  mem: Memory;
  arch: Arch;
  /** Time and randomness come from here. */
  block: BlockContext;
  stdin: Uint8Array;
  limits: Limits;
  /** Page-aligned initial program break. */
  brkStart: number;
  /** Top of the top-down mmap area (0x7ffff7fff000). */
  mmapBase: number;
  /**
   * Lowest address mmap allocates without a hint. Default: 4 GiB (0x100000000) when the break is
   * below it (non-PIE programs: the heap may grow up to there), else brkStart + 4 GiB (static-pie
   * programs, whose heap starts near 0x555555554000).
   */
  mmapFloor?: number;
  /** Record one strace-like line per system call in traceLines. */
  trace?: boolean;
  /** The program's ELF bytes, to expose read-only as /bin/contract (= /proc/self/exe). */
  exe?: Uint8Array;
}

const FOUR_GIB = 2 ** 32;

/** Growable byte buffer with a hard cap. */
class OutputBuffer {
  private buf = new Uint8Array(256);
  length = 0;
  constructor(readonly cap: number) {}
  /** Append what fits; returns the bytes kept. */
  append(data: Uint8Array): number {
    const n = Math.min(data.length, this.cap - this.length);
    if (n <= 0) return 0;
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.min(this.cap, Math.max(this.length + n, this.buf.length * 2)));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(data.subarray(0, n), this.length);
    this.length += n;
    return n;
  }
  get room(): number {
    return this.cap - this.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export class Kernel {
  readonly mem: Memory;
  readonly arch: Arch;
  readonly block: BlockContext;
  readonly limits: Limits;
  readonly trace: boolean;
  /** The run's random stream. The machine draws AT_RANDOM first: `random.next(16)`. */
  readonly random: DeterministicRandom;

  // ------------------------------------------------------------ results (read by the machine)

  /** Set by exit / exit_group. */
  exited: { status: number } | null = null;
  /**
   * Set when the run must end without a normal exit: a signal with a fatal action (kind 'signal',
   * signal > 0), or the VM's end (signal 0: an output or memory limit, a program blocked forever,
   * the contract layer's protocol check). `reason` is the one-line text; branch on `kind`.
   */
  killed: (AbnormalOutcome & { signal: number }) | null = null;
  syscallCount = 0;
  /** System calls answered ENOSYS because QVM does not implement them: name or "#nr", first-seen order. */
  readonly unknownSyscalls: string[] = [];
  readonly traceLines: string[] = [];
  /** Paths read by the current call (trace only): traces never read guest memory themselves. */
  readonly tracePaths = new Map<number, string>();
  /** Gas charged by system calls so far (see gas.ts); layers above may add their own costs. */
  gas = 0;
  /** The part of `gas` the layers above added for their own costs (contract storage); profiles show it apart. */
  gasExternal = 0;
  /**
   * Called with every chunk of bytes kept in stdout (1) or stderr (2), in write order (the
   * contract layer parses its stdout protocol here, as the program writes).
   */
  onOutput: ((which: 1 | 2, data: Uint8Array) => void) | null = null;
  /** Virtual nanoseconds slept (nanosleep, clock_nanosleep, poll timeouts); the machine adds them to virtual time. */
  sleptNanos = 0;

  // ------------------------------------------------------------ process state (for syscalls/*)

  readonly vfs: Vfs;
  readonly fds: FdTable;
  cwd: PathStack;
  umask = DEFAULT_UMASK;
  readonly brkStart: number;
  /** Current program break. */
  brk: number;
  readonly mmapBase: number;
  readonly mmapFloor: number;
  readonly signals: SignalState;
  readonly rlimits: Rlimit[];
  /** Small process attributes set by prctl/personality/setpriority. */
  readonly misc = { dumpable: 1, noNewPrivs: 0, personality: 0, nice: 0 };

  private readonly names: ReadonlyMap<number, string>;
  private readonly stdinBuf: Uint8Array;
  private stdinPos = 0;
  private readonly out: OutputBuffer;
  private readonly err: OutputBuffer;
  /** The thread table and the scheduler's decisions (threads, futexes, blocking). */
  readonly sched: Scheduler;
  /** The thread whose system call is being handled (for the file system clock). */
  private current: ThreadContext | null = null;

  constructor(opts: KernelOptions) {
    this.mem = opts.mem;
    this.arch = opts.arch;
    this.block = opts.block;
    this.limits = opts.limits;
    this.trace = opts.trace ?? false;
    this.names = syscallNames(opts.arch);
    this.random = new DeterministicRandom(opts.block.prevBlockHash, opts.block.txHash);
    this.stdinBuf = opts.stdin;
    this.out = new OutputBuffer(opts.limits.stdoutBytes);
    this.err = new OutputBuffer(opts.limits.stderrBytes);
    this.brkStart = opts.brkStart;
    this.brk = opts.brkStart;
    this.mmapBase = opts.mmapBase;
    this.mmapFloor = opts.mmapFloor ?? (opts.brkStart < FOUR_GIB ? FOUR_GIB : opts.brkStart + FOUR_GIB);
    this.signals = newSignalState();
    this.sched = new Scheduler(this);
    this.rlimits = defaultRlimits(opts.limits);
    this.fds = new FdTable(opts.limits.openFiles);

    this.vfs = new Vfs(
      {
        now: () => this.realtimeNanos(),
        random: (n) => this.random.next(n),
        readStdin: (n) => this.readStdin(n),
        stdinAvailable: () => this.stdinBuf.length - this.stdinPos,
        writeOutput: (which, data) => this.writeOutput(which, data),
        mappings: () => this.mem.mappings(),
        fdTarget: (fd) => {
          const e = this.fds.entry(fd);
          return e ? { node: e.file.node, path: e.file.path } : null;
        },
        openFds: () => this.fds.list(),
        cwd: () => ({ node: this.cwd[this.cwd.length - 1]!.node, path: pathOf(this.cwd) }),
        threadName: () => this.mainThreadName(),
      },
      { tmpBytes: opts.limits.tmpBytes, exe: opts.exe },
    );
    this.cwd = [this.vfs.rootEntry];

    // fds 0, 1, 2: the program's stdin, stdout and stderr (pipe-like, see docs/syscalls.md).
    const [sin, sout, serr] = this.vfs.stdio;
    this.fds.alloc(new OpenFile(sin, sin, O_RDONLY | O_LARGEFILE, [], `pipe:[${sin.ino}]`), false);
    this.fds.alloc(new OpenFile(sout, sout, O_WRONLY | O_LARGEFILE, [], `pipe:[${sout.ino}]`), false);
    this.fds.alloc(new OpenFile(serr, serr, O_WRONLY | O_LARGEFILE, [], `pipe:[${serr.ino}]`), false);
  }

  /** Everything the program wrote to stdout (a view; copy it to keep it across later writes). */
  get stdout(): Uint8Array {
    return this.out.view();
  }

  get stderr(): Uint8Array {
    return this.err.view();
  }

  /**
   * Handle one system call. `args` are the six raw 64-bit argument registers. Returns the value
   * for the result register: >= 0, or -errno (store it as BigInt.asUintN(64, value)).
   */
  syscall(nr: number, args: readonly bigint[], thread: ThreadContext): bigint {
    this.syscallCount++;
    this.gas += SYSCALL_BASE;
    const a = args.length >= 6 ? args : [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6);
    const name = this.names.get(nr);
    const impl = name !== undefined ? SYSCALLS[name] : undefined;
    const label = name ?? `#${nr}`;
    if (this.trace) this.tracePaths.clear();
    const th = this.thread(thread);
    let ret: bigint;
    if (impl === undefined) {
      if (!this.unknownSyscalls.includes(label)) this.unknownSyscalls.push(label);
      ret = -BigInt(ENOSYS);
    } else {
      const prev = this.current;
      this.current = thread;
      try {
        const s: Sys = { k: this, t: thread, th, mem: thread.mem };
        const r = impl(s, a);
        ret = typeof r === 'bigint' ? r : BigInt(r);
      } catch (e) {
        if (e instanceof WouldBlock) ret = this.wouldBlock(th, label, a, e);
        else ret = -BigInt(this.errnoOf(e));
      } finally {
        this.current = prev;
      }
    }
    if (this.trace) {
      this.traceLines.push(`${label}(${describeArgs(label, a, this.tracePaths)}) = ${describeResult(label, ret)}`);
    }
    // Signals are delivered on the way back from a system call (a blocked thread is interrupted).
    if (th.state === 'blocked') interruptIfPending(this, th);
    else if (th.state === 'runnable' && !this.killed && !this.exited && hasDeliverable(this, th)) {
      if (hasThreadOps(thread)) thread.setResult(ret);
      deliverSignals(this, th);
    }
    return ret;
  }

  /** An fd operation that cannot proceed: EAGAIN on O_NONBLOCK descriptors, else block and retry. */
  private wouldBlock(th: KThread, label: string, a: readonly bigint[], e: WouldBlock): bigint {
    const fd = Number(BigInt.asIntN(32, a[0]!));
    const f = this.fds.entry(fd)?.file;
    if (!f || f.flags & O_NONBLOCK) return -BigInt(EAGAIN);
    this.sched.block(th, { what: label, deadline: null, onTimeout: 'restart', restartable: true, ready: e.ready });
    return 0n;
  }

  private errnoOf(e: unknown): number {
    if (e instanceof SysError) return e.errno;
    if (e instanceof MemoryFault) return EFAULT;
    if (e instanceof MemoryLimitExceeded) {
      // Copying into the guest needed a page beyond the memory limit: the run ends, as the
      // CPU's own touch of that page would have ended it.
      this.end('limit', e.message);
      return ENOMEM;
    }
    throw e;
  }

  /** The kernel's record of a thread (the first thread seen is the main thread, tid 1000). */
  thread(ctx: ThreadContext): KThread {
    return this.sched.threadOf(ctx);
  }

  /** The program is killed by `signal` (> 0), e.g. a fault without a handler (the first ending wins). */
  kill(reason: string, signal: number): void {
    if (!this.killed && !this.exited) this.killed = { kind: 'signal', reason, signal };
  }

  /** The VM ends the run without a signal: a limit, a deadlock, a protocol error (the first ending wins). */
  end(kind: VmEndKind, reason: string): void {
    if (!this.killed && !this.exited) this.killed = { kind, reason, signal: 0 };
  }

  /** exit_group: the whole program ends with this status. */
  exit(status: number): void {
    if (!this.exited && !this.killed) this.exited = { status: status & 0xff };
  }

  /** CLOCK_REALTIME in ns: block timestamp + virtual time of the running thread. */
  realtimeNanos(): bigint {
    const v = this.current ? this.current.virtualNanos() : 0;
    return this.block.timestamp * 1_000_000_000n + BigInt(Math.floor(v));
  }

  readStdin(n: number): Uint8Array {
    const take = Math.max(0, Math.min(n, this.stdinBuf.length - this.stdinPos));
    const out = this.stdinBuf.slice(this.stdinPos, this.stdinPos + take);
    this.stdinPos += take;
    return out;
  }

  /**
   * Append to stdout (1) or stderr (2). Past the limit the rest is dropped and the run is killed
   * with reason "stdout limit exceeded (N bytes)". Returns the bytes kept.
   */
  writeOutput(which: 1 | 2, data: Uint8Array): number {
    const buf = which === 1 ? this.out : this.err;
    const kept = buf.append(data);
    this.gas += kept * OUTPUT_GAS_PER_BYTE;
    if (kept > 0 && this.onOutput) this.onOutput(which, data.subarray(0, kept));
    if (kept < data.length) {
      this.end('limit', `${which === 1 ? 'stdout' : 'stderr'} limit exceeded (${buf.cap} bytes)`);
    }
    return kept;
  }

  /** Room left in stdout/stderr before the limit. */
  outputRoom(which: 1 | 2): number {
    return (which === 1 ? this.out : this.err).room;
  }

  private mainThreadName(): string {
    for (const th of this.sched.threads) if (th.tid === MAIN_TID) return th.name;
    return 'contract';
  }
}
