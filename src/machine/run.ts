/**
 * One run of a static ELF: load it, then alternate between the CPU (until it makes a system
 * call, faults, or uses up its slice of gas) and the synthetic kernel. Everything the result
 * depends on comes in through RunOptions.
 */
import { Memory, PAGE_SIZE } from '../mem/memory.js';
import { parseElf, ElfError, type ElfImage } from '../elf/parse.js';
import { Cpu, Stop, RAX, RSP, RDI, RSI, RDX } from '../cpu/x86_64/cpu.js';
import { Interpreter } from '../cpu/x86_64/interpreter.js';
import { cpuid } from '../cpu/x86_64/cpuid.js';
import { Kernel } from '../kernel/kernel.js';
import type { ThreadContext } from '../kernel/types.js';
import { loadProcessImage, MMAP_BASE, GUEST_EXE_PATH } from './process-image.js';
import { DEFAULT_GAS_LIMIT, DEFAULT_LIMITS, type BlockContext, type Limits, type RunOptions, type RunResult } from './types.js';
import { GAS_PER_PAGE_TOUCHED } from './gas.js';

/** The block a local `qvm run` executes in unless told otherwise (documented in docs/determinism.md). */
export const DEFAULT_BLOCK: BlockContext = {
  number: 1n,
  timestamp: 1700000000n,
  prevBlockHash: new Uint8Array(32),
  txHash: new Uint8Array(32),
  chainId: 1337n,
};

const R10 = 10, R8 = 8, R9 = 9;
/** Instructions per slice between checks of the gas meter (the kernel and page touches add gas too). */
const SLICE = 1 << 22;

export { ElfError };

export function runElf(bytes: Uint8Array, opts: RunOptions): RunResult {
  const img = parseElf(bytes);
  if (img.machine !== 'x86_64') {
    throw new ElfError(`${img.machine} binaries are not supported yet: QVM runs x86-64 ELF executables`);
  }
  return runImage(img, bytes, opts);
}

function enc(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? new TextEncoder().encode(s) : s;
}

function brkStartOf(img: ElfImage): number {
  let end = 0;
  for (const s of img.segments) end = Math.max(end, s.vaddr + s.memsz);
  return Math.ceil(end / PAGE_SIZE) * PAGE_SIZE;
}

function runImage(img: ElfImage, bytes: Uint8Array, opts: RunOptions): RunResult {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const block = opts.block ?? DEFAULT_BLOCK;
  const gasLimit = opts.gasLimit ?? DEFAULT_GAS_LIMIT;
  const mem = new Memory({ maxResidentBytes: limits.memoryBytes, maxMappedBytes: limits.addressSpaceBytes });
  const kernel = new Kernel({
    mem,
    arch: 'x86_64',
    block,
    stdin: opts.stdin ?? new Uint8Array(0),
    limits,
    brkStart: brkStartOf(img),
    mmapBase: MMAP_BASE,
    trace: opts.trace ?? false,
  });
  opts.configureKernel?.(kernel);
  const loaded = loadProcessImage(mem, img, bytes, {
    argv: opts.argv.map(enc),
    env: opts.env.map(enc),
    random: kernel.random.next(16),
    execfn: GUEST_EXE_PATH,
    platform: 'x86_64',
    hwcap: cpuid(1, 0)[3], // AT_HWCAP mirrors CPUID.1:EDX on x86-64
  });
  const cpu = new Cpu(mem);
  const interp = new Interpreter(cpu);
  cpu.rip = loaded.entry;
  cpu.setReg64Number(RSP, loaded.stackPointer);

  const thread: ThreadContext = {
    mem,
    virtualNanos: () => cpu.icount + kernel.sleptNanos,
    setThreadPointer: (a) => { cpu.fsBase = a; },
    getThreadPointer: () => cpu.fsBase,
    setGsBase: (a) => { cpu.gsBase = a; },
    getGsBase: () => cpu.gsBase,
  };

  const gasUsed = (): number => cpu.icount + kernel.gas + mem.touchedPagesTotal * GAS_PER_PAGE_TOUCHED;
  let exitCode = 0;
  let signal: number | null = null;
  let reason: string | null = null;

  for (;;) {
    const used = gasUsed();
    if (used >= gasLimit) {
      reason = `out of gas (limit ${gasLimit}) at rip 0x${cpu.rip.toString(16)}`;
      exitCode = 137;
      break;
    }
    const stop = interp.run(Math.min(SLICE, gasLimit - used));
    if (stop === Stop.Budget) continue;
    if (stop === Stop.Syscall) {
      const nr = cpu.lo[RAX]!;
      const args = [reg(cpu, RDI), reg(cpu, RSI), reg(cpu, RDX), reg(cpu, R10), reg(cpu, R8), reg(cpu, R9)];
      const result = kernel.syscall(nr, args, thread);
      cpu.setReg64(RAX, BigInt.asUintN(64, result));
      if (kernel.exited) {
        exitCode = kernel.exited.status & 0xff;
        break;
      }
      if (kernel.killed) {
        reason = kernel.killed.reason;
        signal = kernel.killed.signal || null;
        exitCode = signal ? 128 + signal : 1;
        break;
      }
      continue;
    }
    // Stop.Fault
    if (interp.limitError) {
      reason = interp.limitError.message;
      exitCode = 137;
      break;
    }
    const fault = interp.fault!;
    reason = fault.reason;
    signal = fault.signal;
    exitCode = 128 + fault.signal;
    break;
  }
  const total = gasUsed();
  return {
    exitCode,
    signal,
    reason,
    stdout: kernel.stdout,
    stderr: kernel.stderr,
    gasUsed: Math.min(total, gasLimit),
    instructions: cpu.icount,
    syscalls: kernel.syscallCount,
    unknownSyscalls: [...kernel.unknownSyscalls],
    trace: [...kernel.traceLines],
  };
}

function reg(cpu: Cpu, r: number): bigint {
  return (BigInt(cpu.hi[r]!) << 32n) | BigInt(cpu.lo[r]!);
}
