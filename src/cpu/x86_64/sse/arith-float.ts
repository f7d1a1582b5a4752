/**
 * Floating-point arithmetic: add/sub/mul/div/min/max/sqrt (ps, pd, ss, sd) and the
 * rcp/rsqrt approximations (ps, ss).
 *
 * The packed/scalar (none/66/F3/F2) bodies of each handler are written out although they look
 * alike: a handler runs once per instruction, and sharing them through per-width callbacks would
 * put a megamorphic call in every lane.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { R, S, commitR, loadSrc128, loadSrc32, loadSrc64, sigill } from './common.js';
import {
  OP_ADD, OP_DIV, OP_MAX, OP_MIN, OP_MUL, OP_SUB, arith32, arith64, fpBegin, fpEnd, rcp32, rsqrt32,
  sqrt32, sqrt64,
} from './fp.js';

function binary(cpu: Cpu, insn: Insn, op: number): void {
  const x = cpu.xmm, d = insn.reg << 2;
  switch (insn.prefix) {
    case 0:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      R[0] = arith32(op, x[d]! | 0, S[0]! | 0);
      R[1] = arith32(op, x[d + 1]! | 0, S[1]! | 0);
      R[2] = arith32(op, x[d + 2]! | 0, S[2]! | 0);
      R[3] = arith32(op, x[d + 3]! | 0, S[3]! | 0);
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0x66:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      arith64(op, x, d, S, 0, R, 0);
      arith64(op, x, d + 2, S, 2, R, 2);
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0xf3: {
      loadSrc32(cpu, insn);
      fpBegin(cpu);
      const r = arith32(op, x[d]! | 0, S[0]! | 0);
      fpEnd(cpu);
      x[d] = r;
      return;
    }
    default:
      loadSrc64(cpu, insn);
      fpBegin(cpu);
      arith64(op, x, d, S, 0, R, 0);
      fpEnd(cpu);
      x[d] = R[0]!;
      x[d + 1] = R[1]!;
  }
}

/** 0F 58: addps / addpd / addss / addsd. */
export function op0F58(cpu: Cpu, insn: Insn): void { binary(cpu, insn, OP_ADD); }
/** 0F 59: mul. */
export function op0F59(cpu: Cpu, insn: Insn): void { binary(cpu, insn, OP_MUL); }
/** 0F 5C: sub. */
export function op0F5C(cpu: Cpu, insn: Insn): void { binary(cpu, insn, OP_SUB); }
/** 0F 5D: min (second operand returned on NaN or equal). */
export function op0F5D(cpu: Cpu, insn: Insn): void { binary(cpu, insn, OP_MIN); }
/** 0F 5E: div. */
export function op0F5E(cpu: Cpu, insn: Insn): void { binary(cpu, insn, OP_DIV); }
/** 0F 5F: max. */
export function op0F5F(cpu: Cpu, insn: Insn): void { binary(cpu, insn, OP_MAX); }

/** 0F 51: sqrtps / sqrtpd / sqrtss / sqrtsd. */
export function op0F51(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, d = insn.reg << 2;
  switch (insn.prefix) {
    case 0:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      R[0] = sqrt32(S[0]! | 0);
      R[1] = sqrt32(S[1]! | 0);
      R[2] = sqrt32(S[2]! | 0);
      R[3] = sqrt32(S[3]! | 0);
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0x66:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      sqrt64(S, 0, R, 0);
      sqrt64(S, 2, R, 2);
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0xf3: {
      loadSrc32(cpu, insn);
      fpBegin(cpu);
      const r = sqrt32(S[0]! | 0);
      fpEnd(cpu);
      x[d] = r;
      return;
    }
    default:
      loadSrc64(cpu, insn);
      fpBegin(cpu);
      sqrt64(S, 0, R, 0);
      fpEnd(cpu);
      x[d] = R[0]!;
      x[d + 1] = R[1]!;
  }
}

function approx(cpu: Cpu, insn: Insn, f: (a: number) => number): void {
  const x = cpu.xmm, d = insn.reg << 2;
  if (insn.prefix === 0) {
    loadSrc128(cpu, insn, true);
    x[d] = f(S[0]! | 0);
    x[d + 1] = f(S[1]! | 0);
    x[d + 2] = f(S[2]! | 0);
    x[d + 3] = f(S[3]! | 0);
  } else if (insn.prefix === 0xf3) {
    loadSrc32(cpu, insn);
    x[d] = f(S[0]! | 0);
  } else {
    sigill(insn);
  }
}

/** 0F 52: rsqrtps / rsqrtss (F3). */
export function op0F52(cpu: Cpu, insn: Insn): void { approx(cpu, insn, rsqrt32); }
/** 0F 53: rcpps / rcpss (F3). */
export function op0F53(cpu: Cpu, insn: Insn): void { approx(cpu, insn, rcp32); }
