/**
 * Starting a riscv64 program: the ABI checks, the process image (the same initial stack as
 * x86-64, with riscv64's AT_HWCAP and platform), the sigreturn trampoline page and the main
 * thread's registers.
 */
import { type Memory, PROT_EXEC, PROT_READ } from '../../mem/memory.js';
import { ElfError, type ElfImage } from '../../elf/parse.js';
import { RvCpu, SP } from '../../cpu/riscv64/cpu.js';
import type { Kernel } from '../../kernel/kernel.js';
import { GUEST_EXE_PATH, loadProcessImage, type LoadedProcess } from '../process-image.js';
import type { ThreadsEnd } from '../threads.js';
import { runRiscvThreads } from './threads.js';
import { SIGRETURN_TRAMPOLINE, TRAMPOLINE_CODE } from './thread.js';

/** AT_HWCAP: one bit per single-letter extension (bit = letter - 'A'): I, M, A, F, D, C. */
export const RISCV_HWCAP = [...'IMAFDC'].reduce((m, c) => m | (1 << (c.charCodeAt(0) - 65)), 0);

const EF_RISCV_FLOAT_ABI = 0x6, EF_RISCV_RVE = 0x8;
const FLOAT_ABI_QUAD = 0x6;

/** Refuse riscv64 files whose ABI QVM cannot run (one-line ElfError). */
export function checkRiscvAbi(img: ElfImage): void {
  if (img.flags & EF_RISCV_RVE) throw new ElfError('riscv64 RV64E (embedded, 16 registers) ABI is not supported: QVM runs RV64GC');
  if ((img.flags & EF_RISCV_FLOAT_ABI) === FLOAT_ABI_QUAD) throw new ElfError('riscv64 lp64q (quad-float) ABI is not supported: QVM runs RV64GC (lp64d)');
}

export function startRiscv(
  kernel: Kernel,
  mem: Memory,
  img: ElfImage,
  bytes: Uint8Array,
  argv: Uint8Array[],
  env: Uint8Array[],
  gasLimit: number,
  guard: (load: () => LoadedProcess) => LoadedProcess,
): ThreadsEnd {
  const loaded = guard(() => loadProcessImage(mem, img, bytes, {
    argv,
    env,
    random: kernel.random.next(16),
    execfn: GUEST_EXE_PATH,
    platform: 'riscv64',
    hwcap: RISCV_HWCAP,
  }));
  mem.map(SIGRETURN_TRAMPOLINE, 4096, PROT_READ | PROT_EXEC, '[sigreturn]');
  mem.poke(SIGRETURN_TRAMPOLINE, TRAMPOLINE_CODE);
  const cpu = new RvCpu(mem);
  cpu.pc = loaded.entry;
  cpu.setNumber(SP, loaded.stackPointer);
  return runRiscvThreads(kernel, cpu, gasLimit);
}
