/**
 * One run of a static ELF: load it, then alternate between the CPU (until it makes a system
 * call, faults, or uses up its slice of gas) and the synthetic kernel, one guest thread at a time
 * (threads.ts). Everything the result depends on comes in through RunOptions.
 */
import { Memory, MemoryLimitExceeded } from '../mem/memory.js';
import { parseElf, ElfError, type ElfImage } from '../elf/parse.js';
import { isUserError } from '../errors.js';
import { Cpu, RSP } from '../cpu/x86_64/cpu.js';
import { cpuid } from '../cpu/x86_64/cpuid.js';
import { Kernel } from '../kernel/kernel.js';
import { brkStartOf, checkLoadOptions, loadSegments, MMAP_BASE, GUEST_EXE_PATH, writeInitialStack, type LoadOptions } from './process-image.js';
import { captureImage } from '../mem/image.js';
import { defaultProgramCache, type ProgramEntry } from './program-cache.js';
import { DEFAULT_GAS_LIMIT, DEFAULT_LIMITS, type BlockContext, type Limits, type RunOptions, type RunResult } from './types.js';
import { runThreads, type ThreadsEnd } from './threads.js';
import { checkRiscvAbi, startRiscv } from './riscv64/start.js';
import { functionSymbols } from '../elf/symbols.js';
import { GasRecorder } from './profile/recorder.js';
import type { GasProfile } from './profile/types.js';

/** The block a local `qvm run` executes in unless told otherwise (documented in docs/determinism.md). */
export const DEFAULT_BLOCK: BlockContext = {
  number: 1n,
  timestamp: 1700000000n,
  prevBlockHash: new Uint8Array(32),
  txHash: new Uint8Array(32),
  chainId: 1337n,
};

export { ElfError };
export { setTranslatorMode, type TranslatorMode } from '../cpu/x86_64/jit.js';

export function runElf(bytes: Uint8Array, opts: RunOptions): RunResult {
  // a profiled run swaps the call/ret handlers of the instructions it decodes: it shares no decoded code
  const cache = opts.profile === true ? null : opts.cache === undefined ? defaultProgramCache : opts.cache;
  if (cache === null) return runImage(parseChecked(bytes), bytes, opts, null);
  const entry = cache.get(bytes, () => {
    const elf = parseChecked(bytes);
    const image = loadImageOrRefuse(() => captureImage((mem) => loadSegments(mem, elf, bytes)), DEFAULT_LIMITS);
    return { elf, image };
  });
  try {
    // the cached decoded code is x86-64's; a riscv64 run decodes its own
    return runImage(entry.elf, bytes, opts, entry.elf.machine === 'riscv64' ? null : entry);
  } catch (e) {
    // an error that escaped the run loop may have left its decoded code half-updated (a user
    // error — a bad ELF, arguments over the limit — is refused before the program runs)
    if (!isUserError(e)) cache.forget(entry);
    throw e;
  }
}

function parseChecked(bytes: Uint8Array): ElfImage {
  const img = parseElf(bytes);
  if (img.machine === 'riscv64') checkRiscvAbi(img);
  return img;
}

function enc(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? new TextEncoder().encode(s) : s;
}

/** One run; `cached`: the program's cache entry (pristine image and decoded code), or null. */
function runImage(img: ElfImage, bytes: Uint8Array, opts: RunOptions, cached: ProgramEntry | null): RunResult {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const block = opts.block ?? DEFAULT_BLOCK;
  const gasLimit = opts.gasLimit ?? DEFAULT_GAS_LIMIT;
  const mem = new Memory({ maxResidentBytes: limits.memoryBytes, maxMappedBytes: limits.addressSpaceBytes });
  const kernel = new Kernel({
    mem,
    arch: img.machine,
    block,
    stdin: opts.stdin ?? new Uint8Array(0),
    limits,
    brkStart: brkStartOf(img),
    mmapBase: MMAP_BASE,
    trace: opts.trace ?? false,
  });
  opts.configureKernel?.(kernel);
  try {
    // (the gas profiler follows x86-64 calls and returns; riscv64 runs have no profile yet)
    const end: ThreadsEnd & { profile?: GasProfile } = img.machine === 'riscv64'
      ? startRiscv(kernel, mem, img, bytes, opts.argv.map(enc), opts.env.map(enc), gasLimit, (load) => loadImageOrRefuse(load, limits))
      : startX86(kernel, mem, img, bytes, opts, gasLimit, limits, cached);
    return result(kernel, end);
  } finally {
    mem.release();
  }
}

function result(kernel: Kernel, end: ThreadsEnd & { profile?: GasProfile }): RunResult {
  const { outcome, exitCode, signal, reason, instructions, gasUsed, profile } = end;
  return {
    ...(profile ? { profile } : {}),
    outcome,
    exitCode,
    signal,
    reason,
    stdout: kernel.stdout,
    stderr: kernel.stderr,
    gasUsed,
    instructions,
    syscalls: kernel.syscallCount,
    unknownSyscalls: [...kernel.unknownSyscalls],
    trace: [...kernel.traceLines],
  };
}

function startX86(
  kernel: Kernel, mem: Memory, img: ElfImage, bytes: Uint8Array, opts: RunOptions, gasLimit: number, limits: Limits,
  cached: ProgramEntry | null,
): ThreadsEnd & { profile?: GasProfile } {
  const load: LoadOptions = {
    argv: opts.argv.map(enc),
    env: opts.env.map(enc),
    random: kernel.random.next(16),
    execfn: GUEST_EXE_PATH,
    platform: 'x86_64',
    hwcap: cpuid(1, 0)[3], // AT_HWCAP mirrors CPUID.1:EDX on x86-64
  };
  const loaded = loadImageOrRefuse(() => {
    checkLoadOptions(load);
    if (cached !== null) mem.installImage(cached.image);
    else loadSegments(mem, img, bytes);
    return writeInitialStack(mem, img, load);
  }, limits);
  const cpu = new Cpu(mem);
  cpu.rip = loaded.entry;
  cpu.setReg64Number(RSP, loaded.stackPointer);
  if (cached !== null) cached.runs++;
  const profiler = opts.profile === true ? new GasRecorder(kernel, mem, img, functionSymbols(bytes, img.loadBias), cpu) : null;
  // the threads of the program, scheduled deterministically (threads.ts)
  const end = runThreads(kernel, cpu, gasLimit, cached?.code ?? null, profiler);
  return profiler ? { ...end, profile: profiler.finish(end.instructions, end.gasUsed) } : end;
}

/** A binary whose segments do not fit the limits is refused like any other unloadable ELF. */
function loadImageOrRefuse<T>(load: () => T, limits: Limits): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof MemoryLimitExceeded) {
      throw new ElfError(`the program's segments do not fit the memory limits (address space ${limits.addressSpaceBytes} bytes, resident ${limits.memoryBytes} bytes)`);
    }
    if (e instanceof RangeError) throw new ElfError(`cannot load the program: ${e.message}`);
    throw e;
  }
}
