/**
 * Drives the kernel without a CPU: a fake thread context (virtual time = instructions retired +
 * time slept), guest memory with a scratch area, and `sys(name, …args)` to make a system call by its
 * name (x86-64 unless the test asks for riscv64). Shared by the kernel unit tests; defines only,
 * runs nothing at import.
 */
import { strict as assert } from 'node:assert';
import { Memory, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { Kernel } from '../../../src/kernel/kernel.js';
import { type Arch, syscallNumber } from '../../../src/kernel/arch/index.js';
import type { KThread } from '../../../src/kernel/thread.js';
import type { BlockContext, Limits, SignalDelivery, SigReturn, ThreadContext, ThreadOps } from '../../../src/kernel/types.js';
import { DEFAULT_LIMITS } from '../../../src/machine/types.js';

/** The machine's default limits, for tests that build a Kernel of their own (the one import of machine). */
export { DEFAULT_LIMITS };

/** errno values (asm-generic/errno-base.h, errno.h); the kernel returns them negated. */
export const E = {
  NOENT: 2n, BADF: 9n, AGAIN: 11n, NOMEM: 12n, FAULT: 14n, EXIST: 17n, INVAL: 22n, MFILE: 24n, NOTTY: 25n,
  SPIPE: 29n, ROFS: 30n, NOSYS: 38n,
} as const;

/** open(2) flags (asm-generic/fcntl.h) and openat's "relative to the cwd". */
export const O = {
  RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000,
  DIRECTORY: 0o200000, CLOEXEC: 0o2000000,
} as const;
export const AT_FDCWD = -100;

export const SCRATCH = 0x10000;
export const SCRATCH_LEN = 1 << 20;
export const BRK_START = 0x600000;
export const MMAP_BASE = 0x7ffff7fff000;
/** General-purpose buffer: the first 512 KiB of the scratch area. */
export const BUF = SCRATCH;

export function block(prev = 0x11, tx = 0x22, timestamp = 1_700_000_000n): BlockContext {
  return {
    number: 42n,
    timestamp,
    prevBlockHash: new Uint8Array(32).fill(prev),
    txHash: new Uint8Array(32).fill(tx),
    chainId: 1337n,
  };
}

/** Instructions retired by all threads of one run (1 ns each): what the test advances by hand. */
export interface Clock {
  instructions: number;
}

/**
 * A thread context without ThreadOps, as the kernel sees a machine that runs one thread and no
 * signal handlers (sleeps then skip virtual time at once instead of blocking).
 */
export class FakeThread implements ThreadContext {
  fs = 0;
  gs = 0;
  kernel: Kernel | null = null;
  constructor(
    readonly mem: Memory,
    readonly clock: Clock = { instructions: 0 },
  ) {}
  /** Instructions retired (1 ns each). */
  get instructions(): number {
    return this.clock.instructions;
  }
  set instructions(n: number) {
    this.clock.instructions = n;
  }
  virtualNanos(): number {
    return this.clock.instructions + (this.kernel?.sleptNanos ?? 0);
  }
  setThreadPointer(addr: number): void {
    this.fs = addr;
  }
  getThreadPointer(): number {
    return this.fs;
  }
  setGsBase(addr: number): void {
    this.gs = addr;
  }
  getGsBase(): number {
    return this.gs;
  }
}

/**
 * A thread context with the operations threads and signals need, as the x86-64 machine has them:
 * it records every signal frame the kernel asks for instead of writing one, and sigreturn
 * restores the mask saved in the last one.
 */
export class OpsThread extends FakeThread implements ThreadOps {
  /** The stack pointer sigaltstack sees. */
  sp = 0x7fff_0000;
  /** The result register as the kernel set it before entering a handler. */
  result: bigint | null = null;
  /** Signal frames pushed, oldest first (the last one is the handler that runs). */
  readonly frames: SignalDelivery[] = [];
  cloneThread(): OpsThread {
    const t = new OpsThread(this.mem, this.clock);
    t.kernel = this.kernel;
    return t;
  }
  setResult(v: bigint): void {
    this.result = v;
  }
  stackPointer(): number {
    return this.sp;
  }
  enterSignal(d: SignalDelivery): void {
    this.frames.push(d);
  }
  sigreturn(): SigReturn {
    const d = this.frames.pop();
    assert.ok(d, 'rt_sigreturn without a frame');
    return { result: this.result ?? 0n, mask: d.savedMask, altstack: d.altstack };
  }
}

export interface Setup {
  k: Kernel;
  /** The main thread (an OpsThread with `threaded`). */
  t: FakeThread;
  mem: Memory;
  /** Call by name with number/bigint args. */
  sys(name: string, ...args: Array<number | bigint>): bigint;
  /** Put a NUL-terminated string at an address in the scratch area, return the address. */
  str(s: string, at?: number): number;
  /** A system call made by another thread (see `spawn`). */
  sysAs(thread: FakeThread, name: string, ...args: Array<number | bigint>): bigint;
  /** The main thread's record (tid 1000). */
  main(): KThread;
  /** A new thread sharing the run's clock, as clone makes it (needs `threaded`); its context and record. */
  spawn(): { t: OpsThread; th: KThread };
}

export interface SetupOptions {
  stdin?: string;
  limits?: Partial<Limits>;
  prev?: number;
  tx?: number;
  trace?: boolean;
  /** The main thread has ThreadOps (signal frames, clone, blocking sleeps). */
  threaded?: boolean;
  /** The kernel's architecture (default x86_64); `sys` takes the names of its table. */
  arch?: Arch;
}

/** The six raw argument registers of a call: unsigned 64-bit, missing ones zero. */
export function rawArgs(args: ReadonlyArray<number | bigint>): bigint[] {
  const raw = args.map((v) => BigInt.asUintN(64, BigInt(v)));
  while (raw.length < 6) raw.push(0n);
  return raw;
}

/** The number of a system call by name on an architecture (the test fails on an unknown name). */
export function syscallNr(name: string, arch: Arch = 'x86_64'): number {
  const nr = syscallNumber(arch, name);
  assert.notEqual(nr, undefined, `no ${arch} syscall ${name}`);
  return nr as number;
}

export function setup(opts: SetupOptions = {}): Setup {
  const mem = new Memory({ maxResidentBytes: 64 << 20, maxMappedBytes: 4 * 2 ** 30 });
  mem.map(SCRATCH, SCRATCH_LEN, PROT_READ | PROT_WRITE, 'scratch');
  const t = opts.threaded ? new OpsThread(mem) : new FakeThread(mem);
  const k = new Kernel({
    mem,
    arch: opts.arch ?? 'x86_64',
    block: block(opts.prev, opts.tx),
    stdin: new TextEncoder().encode(opts.stdin ?? ''),
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    brkStart: BRK_START,
    mmapBase: MMAP_BASE,
    trace: opts.trace,
  });
  t.kernel = k;
  k.sched.retired = () => t.clock.instructions;
  let strCursor = SCRATCH + SCRATCH_LEN - 64 * 1024;
  return {
    k,
    t,
    mem,
    sys: (name, ...args) => k.syscall(syscallNr(name, opts.arch), rawArgs(args), t),
    sysAs: (thread, name, ...args) => k.syscall(syscallNr(name, opts.arch), rawArgs(args), thread),
    main: () => k.thread(t), // the first context the kernel sees is the main thread
    spawn() {
      assert.ok(t instanceof OpsThread, 'spawn needs setup({ threaded: true })');
      k.thread(t);
      const c = t.cloneThread();
      return { t: c, th: k.sched.add(c) };
    },
    str(s, at) {
      const addr = at ?? strCursor;
      const bytes = new TextEncoder().encode(s + '\0');
      mem.write(addr, bytes);
      if (at === undefined) strCursor += Math.ceil(bytes.length / 16) * 16;
      return addr;
    },
  };
}

export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export function parseDirents64(buf: Uint8Array): string[] {
  const names: string[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off < buf.length) {
    const reclen = dv.getUint16(off + 16, true);
    const nameBytes = buf.subarray(off + 19, off + reclen);
    names.push(dec(nameBytes.subarray(0, nameBytes.indexOf(0))));
    off += reclen;
  }
  return names;
}
