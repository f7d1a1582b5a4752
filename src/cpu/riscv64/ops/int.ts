/**
 * RV64I handlers. A 64-bit value is (lo, hi) int32 halves; carries and borrows are computed from
 * unsigned comparisons of the low halves, shifts in two steps (JS shift counts are mod 32).
 */
import type { RvCpu } from '../cpu.js';
import type { RvInsn } from '../insn.js';
import { Stop } from '../../x86_64/cpu.js';

const TWO32 = 4294967296;

/** rs1 + imm as an address (a high half that is negative gives a negative number: it faults). */
export function addrOf(cpu: RvCpu, i: RvInsn): number {
  return cpu.xh[i.rs1]! * TWO32 + (cpu.xl[i.rs1]! >>> 0) + i.imm;
}

// ---------------------------------------------------------------- upper immediates, jumps

export function lui(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = i.imm;
  cpu.xh[i.rd] = i.immHi;
}

export function auipc(cpu: RvCpu, i: RvInsn): void {
  // target = addr + imm (precomputed, may be negative or beyond 2^47 only in odd code)
  const v = i.target;
  const hi = Math.floor(v / TWO32);
  cpu.xl[i.rd] = (v - hi * TWO32) | 0;
  cpu.xh[i.rd] = hi | 0;
}

export function jal(cpu: RvCpu, i: RvInsn): void {
  const v = i.nextAddr;
  const hi = Math.floor(v / TWO32);
  cpu.xl[i.rd] = (v - hi * TWO32) | 0;
  cpu.xh[i.rd] = hi;
  cpu.pc = i.target;
}

export function jalr(cpu: RvCpu, i: RvInsn): void {
  const t = cpu.xh[i.rs1]! * TWO32 + (cpu.xl[i.rs1]! >>> 0) + i.imm;
  const v = i.nextAddr;
  const hi = Math.floor(v / TWO32);
  cpu.xl[i.rd] = (v - hi * TWO32) | 0;
  cpu.xh[i.rd] = hi;
  // the low bit is cleared; t is exact below 2^53 and any larger target faults on fetch anyway
  cpu.pc = t - (t % 2 === 0 ? 0 : t > 0 ? 1 : -1);
}

// ---------------------------------------------------------------- branches

export function beq(cpu: RvCpu, i: RvInsn): void {
  if (cpu.xl[i.rs1] === cpu.xl[i.rs2] && cpu.xh[i.rs1] === cpu.xh[i.rs2]) cpu.pc = i.target;
}
export function bne(cpu: RvCpu, i: RvInsn): void {
  if (cpu.xl[i.rs1] !== cpu.xl[i.rs2] || cpu.xh[i.rs1] !== cpu.xh[i.rs2]) cpu.pc = i.target;
}
function lt(cpu: RvCpu, a: number, b: number): boolean {
  const ah = cpu.xh[a]!, bh = cpu.xh[b]!;
  return ah < bh || (ah === bh && cpu.xl[a]! >>> 0 < cpu.xl[b]! >>> 0);
}
function ltu(cpu: RvCpu, a: number, b: number): boolean {
  const ah = cpu.xh[a]! >>> 0, bh = cpu.xh[b]! >>> 0;
  return ah < bh || (ah === bh && cpu.xl[a]! >>> 0 < cpu.xl[b]! >>> 0);
}
export function blt(cpu: RvCpu, i: RvInsn): void {
  if (lt(cpu, i.rs1, i.rs2)) cpu.pc = i.target;
}
export function bge(cpu: RvCpu, i: RvInsn): void {
  if (!lt(cpu, i.rs1, i.rs2)) cpu.pc = i.target;
}
export function bltu(cpu: RvCpu, i: RvInsn): void {
  if (ltu(cpu, i.rs1, i.rs2)) cpu.pc = i.target;
}
export function bgeu(cpu: RvCpu, i: RvInsn): void {
  if (!ltu(cpu, i.rs1, i.rs2)) cpu.pc = i.target;
}

// ---------------------------------------------------------------- loads and stores

export function lb(cpu: RvCpu, i: RvInsn): void {
  const v = (cpu.mem.read8(addrOf(cpu, i)) << 24) >> 24;
  cpu.xl[i.rd] = v;
  cpu.xh[i.rd] = v >> 31;
}
export function lh(cpu: RvCpu, i: RvInsn): void {
  const v = (cpu.mem.read16(addrOf(cpu, i)) << 16) >> 16;
  cpu.xl[i.rd] = v;
  cpu.xh[i.rd] = v >> 31;
}
export function lw(cpu: RvCpu, i: RvInsn): void {
  const v = cpu.mem.read32s(addrOf(cpu, i));
  cpu.xl[i.rd] = v;
  cpu.xh[i.rd] = v >> 31;
}
export function ld(cpu: RvCpu, i: RvInsn): void {
  const a = addrOf(cpu, i);
  const mem = cpu.mem;
  if (a % 4096 > 4088) mem.checkReadable(a, 8);
  const lo = mem.read32s(a);
  cpu.xh[i.rd] = mem.read32s(a + 4);
  cpu.xl[i.rd] = lo;
}
export function lbu(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.mem.read8(addrOf(cpu, i));
  cpu.xh[i.rd] = 0;
}
export function lhu(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.mem.read16(addrOf(cpu, i));
  cpu.xh[i.rd] = 0;
}
export function lwu(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.mem.read32s(addrOf(cpu, i));
  cpu.xh[i.rd] = 0;
}
export function sb(cpu: RvCpu, i: RvInsn): void {
  cpu.mem.write8(addrOf(cpu, i), cpu.xl[i.rs2]! & 0xff);
}
export function sh(cpu: RvCpu, i: RvInsn): void {
  cpu.mem.write16(addrOf(cpu, i), cpu.xl[i.rs2]! & 0xffff);
}
export function sw(cpu: RvCpu, i: RvInsn): void {
  cpu.mem.write32(addrOf(cpu, i), cpu.xl[i.rs2]!);
}
export function sd(cpu: RvCpu, i: RvInsn): void {
  cpu.mem.write64(addrOf(cpu, i), cpu.xl[i.rs2]!, cpu.xh[i.rs2]!);
}

// ---------------------------------------------------------------- register-immediate

export function addi(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]!;
  const lo = (a + i.imm) | 0;
  cpu.xh[i.rd] = (cpu.xh[i.rs1]! + i.immHi + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
  cpu.xl[i.rd] = lo;
}
/** addi rd, rs1, 0 (mv) and c.mv. */
export function mv(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]!;
  cpu.xh[i.rd] = cpu.xh[i.rs1]!;
}
/** addi rd, x0, imm (li). */
export function li(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = i.imm;
  cpu.xh[i.rd] = i.immHi;
}
export function slti(cpu: RvCpu, i: RvInsn): void {
  const ah = cpu.xh[i.rs1]!;
  cpu.xl[i.rd] = ah < i.immHi || (ah === i.immHi && cpu.xl[i.rs1]! >>> 0 < i.imm >>> 0) ? 1 : 0;
  cpu.xh[i.rd] = 0;
}
export function sltiu(cpu: RvCpu, i: RvInsn): void {
  const ah = cpu.xh[i.rs1]! >>> 0, bh = i.immHi >>> 0;
  cpu.xl[i.rd] = ah < bh || (ah === bh && cpu.xl[i.rs1]! >>> 0 < i.imm >>> 0) ? 1 : 0;
  cpu.xh[i.rd] = 0;
}
export function xori(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]! ^ i.imm;
  cpu.xh[i.rd] = cpu.xh[i.rs1]! ^ i.immHi;
}
export function ori(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]! | i.imm;
  cpu.xh[i.rd] = cpu.xh[i.rs1]! | i.immHi;
}
export function andi(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]! & i.imm;
  cpu.xh[i.rd] = cpu.xh[i.rs1]! & i.immHi;
}

function shl(cpu: RvCpu, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) {
    cpu.xl[rd] = lo;
    cpu.xh[rd] = hi;
  } else if (s < 32) {
    cpu.xh[rd] = (hi << s) | (lo >>> (32 - s));
    cpu.xl[rd] = lo << s;
  } else {
    cpu.xh[rd] = lo << (s - 32);
    cpu.xl[rd] = 0;
  }
}
function shr(cpu: RvCpu, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) {
    cpu.xl[rd] = lo;
    cpu.xh[rd] = hi;
  } else if (s < 32) {
    cpu.xl[rd] = (lo >>> s) | (hi << (32 - s));
    cpu.xh[rd] = hi >>> s;
  } else {
    cpu.xl[rd] = hi >>> (s - 32);
    cpu.xh[rd] = 0;
  }
}
function sar(cpu: RvCpu, rd: number, lo: number, hi: number, s: number): void {
  if (s === 0) {
    cpu.xl[rd] = lo;
    cpu.xh[rd] = hi;
  } else if (s < 32) {
    cpu.xl[rd] = (lo >>> s) | (hi << (32 - s));
    cpu.xh[rd] = hi >> s;
  } else {
    cpu.xl[rd] = hi >> (s - 32);
    cpu.xh[rd] = hi >> 31;
  }
}
export function slli(cpu: RvCpu, i: RvInsn): void {
  shl(cpu, i.rd, cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, i.imm);
}
export function srli(cpu: RvCpu, i: RvInsn): void {
  shr(cpu, i.rd, cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, i.imm);
}
export function srai(cpu: RvCpu, i: RvInsn): void {
  sar(cpu, i.rd, cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, i.imm);
}

// ---------------------------------------------------------------- register-register

export function add(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]!;
  const lo = (a + cpu.xl[i.rs2]!) | 0;
  cpu.xh[i.rd] = (cpu.xh[i.rs1]! + cpu.xh[i.rs2]! + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
  cpu.xl[i.rd] = lo;
}
export function sub(cpu: RvCpu, i: RvInsn): void {
  const a = cpu.xl[i.rs1]!, b = cpu.xl[i.rs2]!;
  cpu.xh[i.rd] = (cpu.xh[i.rs1]! - cpu.xh[i.rs2]! - (a >>> 0 < b >>> 0 ? 1 : 0)) | 0;
  cpu.xl[i.rd] = (a - b) | 0;
}
export function sll(cpu: RvCpu, i: RvInsn): void {
  shl(cpu, i.rd, cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, cpu.xl[i.rs2]! & 63);
}
export function srl(cpu: RvCpu, i: RvInsn): void {
  shr(cpu, i.rd, cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, cpu.xl[i.rs2]! & 63);
}
export function sra(cpu: RvCpu, i: RvInsn): void {
  sar(cpu, i.rd, cpu.xl[i.rs1]!, cpu.xh[i.rs1]!, cpu.xl[i.rs2]! & 63);
}
export function slt(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = lt(cpu, i.rs1, i.rs2) ? 1 : 0;
  cpu.xh[i.rd] = 0;
}
export function sltu(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = ltu(cpu, i.rs1, i.rs2) ? 1 : 0;
  cpu.xh[i.rd] = 0;
}
export function xor(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]! ^ cpu.xl[i.rs2]!;
  cpu.xh[i.rd] = cpu.xh[i.rs1]! ^ cpu.xh[i.rs2]!;
}
export function or(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]! | cpu.xl[i.rs2]!;
  cpu.xh[i.rd] = cpu.xh[i.rs1]! | cpu.xh[i.rs2]!;
}
export function and(cpu: RvCpu, i: RvInsn): void {
  cpu.xl[i.rd] = cpu.xl[i.rs1]! & cpu.xl[i.rs2]!;
  cpu.xh[i.rd] = cpu.xh[i.rs1]! & cpu.xh[i.rs2]!;
}

// ---------------------------------------------------------------- 32-bit (W) forms

function setW(cpu: RvCpu, rd: number, v: number): void {
  cpu.xl[rd] = v;
  cpu.xh[rd] = v >> 31;
}
export function addiw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, (cpu.xl[i.rs1]! + i.imm) | 0);
}
export function slliw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, cpu.xl[i.rs1]! << i.imm);
}
export function srliw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, (cpu.xl[i.rs1]! >>> i.imm) | 0);
}
export function sraiw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, cpu.xl[i.rs1]! >> i.imm);
}
export function addw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, (cpu.xl[i.rs1]! + cpu.xl[i.rs2]!) | 0);
}
export function subw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, (cpu.xl[i.rs1]! - cpu.xl[i.rs2]!) | 0);
}
export function sllw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, cpu.xl[i.rs1]! << (cpu.xl[i.rs2]! & 31));
}
export function srlw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, (cpu.xl[i.rs1]! >>> (cpu.xl[i.rs2]! & 31)) | 0);
}
export function sraw(cpu: RvCpu, i: RvInsn): void {
  setW(cpu, i.rd, cpu.xl[i.rs1]! >> (cpu.xl[i.rs2]! & 31));
}

// ---------------------------------------------------------------- system

export function ecall(cpu: RvCpu): void {
  cpu.stop = Stop.Syscall;
}
export function nop(): void {
  // fence, fence.i (the code cache sees every write to decoded pages), hints
}
