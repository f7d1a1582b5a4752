/**
 * Comparisons: cmpps/cmppd/cmpss/cmpsd (imm8 predicates 0-7), comiss/comisd/ucomiss/ucomisd
 * (ZF/PF/CF), and the integer pcmpeqb/w/d, pcmpgtb/w/d.
 *
 * The packed/scalar (none/66/F3/F2) bodies of each handler are written out although they look
 * alike: a handler runs once per instruction, and sharing them through per-width callbacks would
 * put a megamorphic call in every lane.
 */
import { type Cpu, CF, PF, ZF } from '../cpu.js';
import type { Insn } from '../insn.js';
import {
  D, Di16, Di32, Di8, R, R16, R8, S, Si16, Si32, Si8, commitR, loadDst, loadSrc128, loadSrc32,
  loadSrc64, sigill,
} from './common.js';
import { cmp32, cmp64, compare32, compare64, fpBegin, fpEnd } from './fp.js';

/** 0F C2 ib: cmpps / cmppd / cmpss / cmpsd. Predicates 8-31 are AVX-only: imm8 bits 3-7 ignored. */
export function op0FC2(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, d = insn.reg << 2;
  const pred = insn.imm & 7;
  switch (insn.prefix) {
    case 0:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      for (let i = 0; i < 4; i++) R[i] = cmp32(pred, x[d + i]! | 0, S[i]! | 0) ? 0xffffffff : 0;
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0x66:
      loadSrc128(cpu, insn, true);
      fpBegin(cpu);
      for (let i = 0; i < 4; i += 2) {
        const v = cmp64(pred, x[d + i]! | 0, x[d + i + 1]! | 0, S[i]! | 0, S[i + 1]! | 0) ? 0xffffffff : 0;
        R[i] = v;
        R[i + 1] = v;
      }
      fpEnd(cpu);
      commitR(cpu, insn);
      return;
    case 0xf3: {
      loadSrc32(cpu, insn);
      fpBegin(cpu);
      const v = cmp32(pred, x[d]! | 0, S[0]! | 0) ? 0xffffffff : 0;
      fpEnd(cpu);
      x[d] = v;
      return;
    }
    default: {
      loadSrc64(cpu, insn);
      fpBegin(cpu);
      const v = cmp64(pred, x[d]! | 0, x[d + 1]! | 0, S[0]! | 0, S[1]! | 0) ? 0xffffffff : 0;
      fpEnd(cpu);
      x[d] = v;
      x[d + 1] = v;
    }
  }
}

function comis(cpu: Cpu, insn: Insn, signalQNaN: boolean): void {
  const x = cpu.xmm, d = insn.reg << 2;
  let c: number;
  if (insn.prefix === 0) {
    loadSrc32(cpu, insn);
    fpBegin(cpu);
    c = compare32(x[d]! | 0, S[0]! | 0, signalQNaN);
  } else if (insn.prefix === 0x66) {
    loadSrc64(cpu, insn);
    fpBegin(cpu);
    c = compare64(x[d]! | 0, x[d + 1]! | 0, S[0]! | 0, S[1]! | 0, signalQNaN);
  } else {
    sigill(insn);
  }
  fpEnd(cpu);
  cpu.setFlagsEager(c === 2 ? ZF | PF | CF : c < 0 ? CF : c === 0 ? ZF : 0);
}

/** 0F 2E: ucomiss / ucomisd (66). */
export function op0F2E(cpu: Cpu, insn: Insn): void { comis(cpu, insn, false); }
/** 0F 2F: comiss / comisd (66). */
export function op0F2F(cpu: Cpu, insn: Insn): void { comis(cpu, insn, true); }

function pcmp(cpu: Cpu, insn: Insn, width: number, gt: boolean): void {
  if (insn.prefix !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  loadDst(cpu, insn);
  switch (width) {
    case 1:
      for (let i = 0; i < 16; i++) R8[i] = (gt ? Di8[i]! > Si8[i]! : Di8[i] === Si8[i]) ? 0xff : 0;
      break;
    case 2:
      for (let i = 0; i < 8; i++) R16[i] = (gt ? Di16[i]! > Si16[i]! : Di16[i] === Si16[i]) ? 0xffff : 0;
      break;
    default:
      for (let i = 0; i < 4; i++) R[i] = (gt ? Di32[i]! > Si32[i]! : D[i] === S[i]) ? 0xffffffff : 0;
  }
  commitR(cpu, insn);
}

/** 66 0F 74/75/76: pcmpeqb/w/d. */
export function op0F74(cpu: Cpu, insn: Insn): void { pcmp(cpu, insn, 1, false); }
export function op0F75(cpu: Cpu, insn: Insn): void { pcmp(cpu, insn, 2, false); }
export function op0F76(cpu: Cpu, insn: Insn): void { pcmp(cpu, insn, 4, false); }
/** 66 0F 64/65/66: pcmpgtb/w/d (signed). */
export function op0F64(cpu: Cpu, insn: Insn): void { pcmp(cpu, insn, 1, true); }
export function op0F65(cpu: Cpu, insn: Insn): void { pcmp(cpu, insn, 2, true); }
export function op0F66(cpu: Cpu, insn: Insn): void { pcmp(cpu, insn, 4, true); }
