/**
 * String instructions (MOVS STOS LODS CMPS SCAS) with REP/REPE/REPNE.
 *
 * Each iteration of a repeated string instruction retires as one instruction (gas, rdtsc), so a
 * huge RCX cannot buy unbounded work for one unit of gas. When the instruction budget runs out
 * mid-way, the registers hold the progress and RIP stays on the instruction, exactly like an
 * interrupted REP on real hardware; the next slice resumes it.
 *
 * Each instruction keeps its own REP loop, although they look alike: rep movs/stos are memcpy's
 * and memset's hot path, and a shared loop would call the per-element step through a function.
 */
import { Cpu, RAX, RCX, RSI, RDI } from '../cpu.js';
import type { Insn } from '../insn.js';
import { alu, ALU_CMP } from './arith.js';

const TWO32 = 4294967296;

function getIndex(cpu: Cpu, r: number, addrSize: number): number {
  return addrSize === 4 ? cpu.lo[r]! : cpu.getReg64Number(r);
}

function setIndex(cpu: Cpu, r: number, addrSize: number, v: number): void {
  if (addrSize === 4) cpu.setReg(4, r, v >>> 0, 0);
  else if (v < 0) {
    // wrapped below zero: two's complement in 64 bits
    cpu.lo[r] = (v % TWO32 + TWO32) % TWO32;
    cpu.hi[r] = 0xffffffff;
  } else cpu.setReg64Number(r, v);
}

function getCount(cpu: Cpu, addrSize: number): number {
  return addrSize === 4 ? cpu.lo[RCX]! : cpu.getReg64Number(RCX);
}

/**
 * A repeated string instruction whose count is already zero runs no iteration. With a 32-bit
 * address size (0x67) Intel still writes ECX, which clears the upper half of RCX; AMD leaves RCX
 * alone. QVM reports GenuineIntel and follows Intel here (docs/cpu.md, "Where vendors differ").
 */
function zeroCountRep(cpu: Cpu, addrSize: number): void {
  if (addrSize === 4) cpu.hi[RCX] = 0;
}

function srcBase(cpu: Cpu, i: Insn): number {
  return i.seg === 0 ? 0 : i.seg === 4 ? cpu.fsBase : cpu.gsBase;
}

/** How many iterations to run now: all remaining, or what the budget allows. */
function iterations(cpu: Cpu, count: number): number {
  const budget = cpu.icountLimit - cpu.icount;
  return count < budget ? count : Math.max(1, budget);
}

function finishRep(cpu: Cpu, i: Insn, done: number, remaining: number): void {
  cpu.icount += done - 1; // the executor counts one
  if (remaining > 0) cpu.rip = i.addr;
}

export function movs(cpu: Cpu, i: Insn): void {
  const size = i.opSize, as = i.addrSize;
  const step = cpu.df ? -size : size;
  const base = srcBase(cpu, i);
  let si = getIndex(cpu, RSI, as), di = getIndex(cpu, RDI, as);
  if (i.rep === 0) {
    const v = cpu.read(size, base + si);
    cpu.write(size, di, v, cpu.outHi);
    setIndex(cpu, RSI, as, si + step);
    setIndex(cpu, RDI, as, di + step);
    return;
  }
  const count = getCount(cpu, as);
  if (count === 0) { zeroCountRep(cpu, as); return; }
  const n = iterations(cpu, count);
  let k = 0;
  try {
    const mem = cpu.mem;
    if (size === 1) {
      for (; k < n; k++) { mem.write8(di, mem.read8(base + si)); si += step; di += step; }
    } else {
      for (; k < n; k++) {
        const v = cpu.read(size, base + si);
        cpu.write(size, di, v, cpu.outHi);
        si += step; di += step;
      }
    }
  } finally {
    setIndex(cpu, RSI, as, si);
    setIndex(cpu, RDI, as, di);
    setIndex(cpu, RCX, as, count - k);
  }
  finishRep(cpu, i, n, count - n);
}

export function stos(cpu: Cpu, i: Insn): void {
  const size = i.opSize, as = i.addrSize;
  const step = cpu.df ? -size : size;
  const v = cpu.getReg(size, RAX);
  const vHi = cpu.outHi;
  let di = getIndex(cpu, RDI, as);
  if (i.rep === 0) {
    cpu.write(size, di, v, vHi);
    setIndex(cpu, RDI, as, di + step);
    return;
  }
  const count = getCount(cpu, as);
  if (count === 0) { zeroCountRep(cpu, as); return; }
  const n = iterations(cpu, count);
  let k = 0;
  try {
    if (size === 1) {
      const mem = cpu.mem;
      for (; k < n; k++) { mem.write8(di, v); di += step; }
    } else {
      for (; k < n; k++) { cpu.write(size, di, v, vHi); di += step; }
    }
  } finally {
    setIndex(cpu, RDI, as, di);
    setIndex(cpu, RCX, as, count - k);
  }
  finishRep(cpu, i, n, count - n);
}

export function lods(cpu: Cpu, i: Insn): void {
  const size = i.opSize, as = i.addrSize;
  const step = cpu.df ? -size : size;
  const base = srcBase(cpu, i);
  let si = getIndex(cpu, RSI, as);
  if (i.rep === 0) {
    const v = cpu.read(size, base + si);
    cpu.setReg(size, RAX, v, cpu.outHi);
    setIndex(cpu, RSI, as, si + step);
    return;
  }
  const count = getCount(cpu, as);
  if (count === 0) { zeroCountRep(cpu, as); return; }
  const n = iterations(cpu, count);
  let k = 0;
  try {
    for (; k < n; k++) {
      const v = cpu.read(size, base + si);
      cpu.setReg(size, RAX, v, cpu.outHi);
      si += step;
    }
  } finally {
    setIndex(cpu, RSI, as, si);
    setIndex(cpu, RCX, as, count - k);
  }
  finishRep(cpu, i, n, count - n);
}

/** CMPS: compares [RSI] with [RDI] (source minus destination). REPE stops on difference, REPNE on equality. */
export function cmps(cpu: Cpu, i: Insn): void {
  const size = i.opSize, as = i.addrSize;
  const step = cpu.df ? -size : size;
  const base = srcBase(cpu, i);
  let si = getIndex(cpu, RSI, as), di = getIndex(cpu, RDI, as);
  if (i.rep === 0) {
    const a = cpu.read(size, base + si); const aHi = cpu.outHi;
    const b = cpu.read(size, di); const bHi = cpu.outHi;
    alu(cpu, ALU_CMP, size, a, aHi, b, bHi);
    setIndex(cpu, RSI, as, si + step);
    setIndex(cpu, RDI, as, di + step);
    return;
  }
  const count = getCount(cpu, as);
  if (count === 0) { zeroCountRep(cpu, as); return; }
  const n = iterations(cpu, count);
  const whileEqual = i.rep === 0xf3;
  let k = 0;
  let stopped = false;
  try {
    while (k < n) {
      const a = cpu.read(size, base + si); const aHi = cpu.outHi;
      const b = cpu.read(size, di); const bHi = cpu.outHi;
      alu(cpu, ALU_CMP, size, a, aHi, b, bHi);
      si += step; di += step; k++;
      if (cpu.zf !== whileEqual) { stopped = true; break; }
    }
  } finally {
    setIndex(cpu, RSI, as, si);
    setIndex(cpu, RDI, as, di);
    setIndex(cpu, RCX, as, count - k);
  }
  finishRep(cpu, i, k, stopped ? 0 : count - k);
}

/** SCAS: compares AL/AX/EAX/RAX with [RDI]. */
export function scas(cpu: Cpu, i: Insn): void {
  const size = i.opSize, as = i.addrSize;
  const step = cpu.df ? -size : size;
  const a = cpu.getReg(size, RAX);
  const aHi = cpu.outHi;
  let di = getIndex(cpu, RDI, as);
  if (i.rep === 0) {
    const b = cpu.read(size, di);
    alu(cpu, ALU_CMP, size, a, aHi, b, cpu.outHi);
    setIndex(cpu, RDI, as, di + step);
    return;
  }
  const count = getCount(cpu, as);
  if (count === 0) { zeroCountRep(cpu, as); return; }
  const n = iterations(cpu, count);
  const whileEqual = i.rep === 0xf3;
  let k = 0;
  let stopped = false;
  try {
    while (k < n) {
      const b = cpu.read(size, di);
      alu(cpu, ALU_CMP, size, a, aHi, b, cpu.outHi);
      di += step; k++;
      if (cpu.zf !== whileEqual) { stopped = true; break; }
    }
  } finally {
    setIndex(cpu, RDI, as, di);
    setIndex(cpu, RCX, as, count - k);
  }
  finishRep(cpu, i, k, stopped ? 0 : count - k);
}
