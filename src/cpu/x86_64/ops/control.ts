/**
 * Control transfer: jumps, calls, returns, loops. Targets of relative forms are precomputed by the
 * decoder (insn.target); the executor set cpu.rip = insn.nextAddr before calling the handler.
 */
import { Cpu, CpuException, RCX, RSP, SIGSEGV } from '../cpu.js';
import type { Insn } from '../insn.js';

const TWO32 = 4294967296;

/** Jcc rel8/rel32: aux = condition code. */
export function jcc(cpu: Cpu, i: Insn): void {
  if (cpu.cond(i.aux)) cpu.rip = i.target;
}

/** JMP rel8/rel32. */
export function jmpRel(cpu: Cpu, i: Insn): void {
  cpu.rip = i.target;
}

/** CALL rel32. */
export function callRel(cpu: Cpu, i: Insn): void {
  const ret = i.nextAddr;
  cpu.push64(ret % TWO32, Math.floor(ret / TWO32));
  cpu.rip = i.target;
}

/**
 * A branch to a non-canonical address (bits 47-63 not all equal) raises #GP at the branch itself:
 * nothing is pushed or popped and RIP stays on the instruction (SIGSEGV, SI_KERNEL).
 */
function checkCanonical(hi: number, i: Insn): void {
  const top = hi >>> 15;
  if (top !== 0 && top !== 0x1ffff) {
    throw new CpuException(SIGSEGV, `general protection fault (non-canonical branch target) at rip 0x${i.addr.toString(16)}`, 0, 0x80);
  }
}

function targetFromRM(cpu: Cpu, i: Insn): number {
  const lo = cpu.readRM(i, 8);
  checkCanonical(cpu.outHi, i);
  return cpu.outHi * TWO32 + lo;
}

/** JMP Ev (FF /4). */
export function jmpE(cpu: Cpu, i: Insn): void {
  cpu.rip = targetFromRM(cpu, i);
}

/** CALL Ev (FF /2). The target is read before the return address is pushed. */
export function callE(cpu: Cpu, i: Insn): void {
  const target = targetFromRM(cpu, i);
  const ret = i.nextAddr;
  cpu.push64(ret % TWO32, Math.floor(ret / TWO32));
  cpu.rip = target;
}

/** RET and RET imm16 (C3 C2): imm = bytes to release. */
export function ret(cpu: Cpu, i: Insn): void {
  const lo = cpu.pop64();
  const hi = cpu.outHi;
  if ((hi >>> 15) !== 0 && (hi >>> 15) !== 0x1ffff) {
    cpu.setReg64Number(RSP, cpu.getReg64Number(RSP) - 8); // #GP: the pop did not happen
    checkCanonical(hi, i);
  }
  cpu.rip = hi * TWO32 + lo;
  if (i.imm !== 0) cpu.setReg64Number(RSP, cpu.getReg64Number(RSP) + i.imm);
}

/** LOOP/LOOPE/LOOPNE (E2 E1 E0): aux = opcode. Count register is RCX (ECX with 0x67). */
export function loop(cpu: Cpu, i: Insn): void {
  let zeroAfter: boolean;
  if (i.addrSize === 4) {
    const c = (cpu.lo[RCX]! - 1) >>> 0;
    cpu.setReg(4, RCX, c, 0);
    zeroAfter = c === 0;
  } else {
    const lo = (cpu.lo[RCX]! - 1) >>> 0;
    if (lo === 0xffffffff) cpu.hi[RCX] = (cpu.hi[RCX]! - 1) >>> 0;
    cpu.lo[RCX] = lo;
    zeroAfter = lo === 0 && cpu.hi[RCX] === 0;
  }
  let take = !zeroAfter;
  if (i.aux === 0xe1) take = take && cpu.zf;
  else if (i.aux === 0xe0) take = take && !cpu.zf;
  if (take) cpu.rip = i.target;
}

/** JRCXZ/JECXZ (E3). */
export function jrcxz(cpu: Cpu, i: Insn): void {
  const zero = i.addrSize === 4 ? cpu.lo[RCX] === 0 : cpu.lo[RCX] === 0 && cpu.hi[RCX] === 0;
  if (zero) cpu.rip = i.target;
}
