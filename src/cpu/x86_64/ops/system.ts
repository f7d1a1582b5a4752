/**
 * Instructions that leave the CPU's own world: SYSCALL (to the kernel), CPUID, RDTSC, and the
 * traps (UD2, INT3, INT n, HLT) that become signals.
 */
import { Cpu, CpuException, Stop, RAX, RBX, RCX, RDX, SIGILL, SIGSEGV, SIGTRAP } from '../cpu.js';
import type { Insn } from '../insn.js';
import { cpuid as cpuidTable } from '../cpuid.js';

const TWO32 = 4294967296;

/** SYSCALL: RCX = return RIP, R11 = RFLAGS; the machine answers with the kernel. */
export function syscall(cpu: Cpu, i: Insn): void {
  const ret = i.nextAddr;
  cpu.lo[RCX] = ret % TWO32;
  cpu.hi[RCX] = Math.floor(ret / TWO32);
  cpu.lo[11] = cpu.getRflags();
  cpu.hi[11] = 0;
  cpu.stop = Stop.Syscall;
}

export function cpuid(cpu: Cpu, _i: Insn): void {
  const [a, b, c, d] = cpuidTable(cpu.lo[RAX]!, cpu.lo[RCX]!);
  cpu.setReg(4, RAX, a, 0);
  cpu.setReg(4, RBX, b, 0);
  cpu.setReg(4, RCX, c, 0);
  cpu.setReg(4, RDX, d, 0);
}

/** RDTSC: the virtual cycle count = instructions retired so far. */
export function rdtsc(cpu: Cpu, _i: Insn): void {
  const t = cpu.icount;
  cpu.setReg(4, RAX, t % TWO32, 0);
  cpu.setReg(4, RDX, Math.floor(t / TWO32) >>> 0, 0);
}

function hex(insn: Insn): string {
  return Array.from(insn.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Any encoding QVM does not implement, or that the advertised CPU does not have: #UD → SIGILL. */
export function illegal(_cpu: Cpu, i: Insn): void {
  throw new CpuException(SIGILL, `illegal instruction at rip 0x${i.addr.toString(16)}: ${hex(i)}`, i.addr, 2);
}

/** INT3: SIGTRAP. */
export function int3(_cpu: Cpu, i: Insn): void {
  throw new CpuException(SIGTRAP, `breakpoint (int3) at rip 0x${i.addr.toString(16)}`, i.addr, 0x80);
}

/** HLT, INT n: privileged in user mode, #GP → SIGSEGV (as Linux delivers). */
export function privileged(_cpu: Cpu, i: Insn): void {
  throw new CpuException(SIGSEGV, `general protection fault (privileged instruction ${hex(i)}) at rip 0x${i.addr.toString(16)}`, 0, 0x80);
}
