/**
 * Conversions: cvtsi2ss/sd, cvt(t)ss2si/sd2si (32/64-bit), cvtss2sd/cvtsd2ss, cvtps2pd/cvtpd2ps,
 * cvtdq2ps/cvtps2dq/cvttps2dq, cvtdq2pd/cvtpd2dq/cvttpd2dq. The MMX forms (cvtpi2ps, cvtps2pi, ...)
 * are not supported.
 *
 * The packed/scalar (none/66/F3/F2) bodies of each handler are written out although they look
 * alike: a handler runs once per instruction, and sharing them through per-width callbacks would
 * put a megamorphic call in every lane.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { R, S, commitR, loadSrc128, loadSrc32, loadSrc64, sigill } from './common.js';
import {
  cvt32to64, cvt64to32, f32toI32, f32toI64, f64toI32, f64toI64, fpBegin, fpEnd, i32to32, int64Hi,
  i64toF, putF64,
} from './fp.js';

/** F3 0F 2A: cvtsi2ss xmm, r/m32|r/m64; F2 0F 2A: cvtsi2sd. */
export function op0F2A(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p !== 0xf3 && p !== 0xf2) sigill(insn);
  let lo: number, hi = 0;
  if (insn.rexW) {
    lo = cpu.readRM(insn, 8);
    hi = cpu.outHi;
  } else {
    lo = cpu.readRM(insn, 4);
  }
  const x = cpu.xmm, d = insn.reg << 2;
  fpBegin(cpu);
  if (p === 0xf3) {
    const r = insn.rexW ? i64toF(lo | 0, hi | 0, false, R, 0) : i32to32(lo | 0);
    fpEnd(cpu);
    x[d] = r;
  } else {
    if (insn.rexW) i64toF(lo | 0, hi | 0, true, R, 0);
    else putF64(lo | 0, R, 0);
    fpEnd(cpu);
    x[d] = R[0]!;
    x[d + 1] = R[1]!;
  }
}

function toInt(cpu: Cpu, insn: Insn, trunc: boolean): void {
  const p = insn.prefix;
  let lo: number, hi = 0;
  if (p === 0xf3) {
    loadSrc32(cpu, insn);
    fpBegin(cpu);
    if (insn.rexW) {
      lo = f32toI64(S[0]! | 0, trunc);
      hi = int64Hi();
    } else {
      lo = f32toI32(S[0]! | 0, trunc);
    }
  } else if (p === 0xf2) {
    loadSrc64(cpu, insn);
    fpBegin(cpu);
    if (insn.rexW) {
      lo = f64toI64(S[0]! | 0, S[1]! | 0, trunc);
      hi = int64Hi();
    } else {
      lo = f64toI32(S[0]! | 0, S[1]! | 0, trunc);
    }
  } else {
    sigill(insn);
  }
  fpEnd(cpu);
  cpu.setReg(insn.rexW ? 8 : 4, insn.reg, lo, hi);
}

/** F3/F2 0F 2C: cvttss2si / cvttsd2si (truncating). */
export function op0F2C(cpu: Cpu, insn: Insn): void { toInt(cpu, insn, true); }
/** F3/F2 0F 2D: cvtss2si / cvtsd2si (MXCSR rounding). */
export function op0F2D(cpu: Cpu, insn: Insn): void { toInt(cpu, insn, false); }

/** 0F 5A: cvtps2pd (none), cvtpd2ps (66), cvtss2sd (F3), cvtsd2ss (F2). */
export function op0F5A(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, d = insn.reg << 2;
  switch (insn.prefix) {
    case 0:
      loadSrc64(cpu, insn);
      fpBegin(cpu);
      cvt32to64(S[0]! | 0, R, 0);
      cvt32to64(S[1]! | 0, R, 2);
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0x66:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      R[0] = cvt64to32(S[0]! | 0, S[1]! | 0);
      R[1] = cvt64to32(S[2]! | 0, S[3]! | 0);
      R[2] = 0;
      R[3] = 0;
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0xf3:
      loadSrc32(cpu, insn);
      fpBegin(cpu);
      cvt32to64(S[0]! | 0, R, 0);
      fpEnd(cpu);
      x[d] = R[0]!;
      x[d + 1] = R[1]!;
      return;
    default: {
      loadSrc64(cpu, insn);
      fpBegin(cpu);
      const r = cvt64to32(S[0]! | 0, S[1]! | 0);
      fpEnd(cpu);
      x[d] = r;
    }
  }
}

/** 0F 5B: cvtdq2ps (none), cvtps2dq (66), cvttps2dq (F3). */
export function op0F5B(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p === 0xf2) sigill(insn);
  loadSrc128(cpu, insn, true);
  fpBegin(cpu);
  if (p === 0) {
    for (let i = 0; i < 4; i++) R[i] = i32to32(S[i]! | 0);
  } else {
    const trunc = p === 0xf3;
    for (let i = 0; i < 4; i++) R[i] = f32toI32(S[i]! | 0, trunc);
  }
  fpEnd(cpu);
  commitR(cpu, insn);
}

/** 0F E6: cvttpd2dq (66), cvtpd2dq (F2), cvtdq2pd (F3). */
export function op0FE6(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p === 0xf3) {
    loadSrc64(cpu, insn);
    putF64(S[0]! | 0, R, 0);
    putF64(S[1]! | 0, R, 2);
    commitR(cpu, insn);
    return;
  }
  if (p !== 0x66 && p !== 0xf2) sigill(insn);
  loadSrc128(cpu, insn, true);
  fpBegin(cpu);
  const trunc = p === 0x66;
  R[0] = f64toI32(S[0]! | 0, S[1]! | 0, trunc);
  R[1] = f64toI32(S[2]! | 0, S[3]! | 0, trunc);
  R[2] = 0;
  R[3] = 0;
  fpEnd(cpu);
  commitR(cpu, insn);
}
