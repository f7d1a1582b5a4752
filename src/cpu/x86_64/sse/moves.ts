/**
 * SSE/SSE2 data movement: movups/movaps/movss/movsd (+pd forms), movlps/movhps/movlpd/movhpd,
 * movhlps/movlhps, movd/movq, movdqa/movdqu, non-temporal stores, movmskps/pd, pmovmskb,
 * maskmovdqu.
 *
 * The packed/scalar (none/66/F3/F2) bodies of each handler are written out although they look
 * alike: a handler runs once per instruction, and sharing them through per-width callbacks would
 * put a megamorphic call in every lane.
 */
import type { Cpu } from '../cpu.js';
import { type Insn, SEG_FS, SEG_GS } from '../insn.js';
import { S, S8, commitS, ea16, loadSrc128, sigill, store128, store64 } from './common.js';

/** 0F 10: movups / movupd / movss (F3) / movsd (F2), load forms. */
export function op0F10(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, d = insn.reg << 2;
  switch (insn.prefix) {
    case 0:
    case 0x66:
      loadSrc128(cpu, insn, false);
      commitS(cpu, insn);
      return;
    case 0xf3:
      if (insn.mod === 3) {
        x[d] = x[insn.rm << 2]!;
      } else {
        const v = cpu.mem.read32(cpu.ea(insn));
        x[d] = v; x[d + 1] = 0; x[d + 2] = 0; x[d + 3] = 0;
      }
      return;
    default: // f2
      if (insn.mod === 3) {
        const s = insn.rm << 2;
        x[d] = x[s]!; x[d + 1] = x[s + 1]!;
      } else {
        const a = cpu.ea(insn);
        const lo = cpu.mem.read32(a), hi = cpu.mem.read32(a + 4);
        x[d] = lo; x[d + 1] = hi; x[d + 2] = 0; x[d + 3] = 0;
      }
  }
}

/** 0F 11: movups / movupd / movss / movsd, store forms (xmm/m ← xmm reg). */
export function op0F11(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm, s = insn.reg << 2;
  switch (insn.prefix) {
    case 0:
    case 0x66:
      if (insn.mod === 3) copyXmm(x, insn.rm, insn.reg);
      else store128(cpu, cpu.ea(insn), insn.reg);
      return;
    case 0xf3:
      if (insn.mod === 3) x[insn.rm << 2] = x[s]!;
      else cpu.mem.write32(cpu.ea(insn), x[s]!);
      return;
    default: // f2
      if (insn.mod === 3) {
        const d = insn.rm << 2;
        x[d] = x[s]!; x[d + 1] = x[s + 1]!;
      } else {
        store64(cpu, cpu.ea(insn), insn.reg, 0);
      }
  }
}

function copyXmm(x: Uint32Array, dst: number, src: number): void {
  const d = dst << 2, s = src << 2;
  x[d] = x[s]!; x[d + 1] = x[s + 1]!; x[d + 2] = x[s + 2]!; x[d + 3] = x[s + 3]!;
}

/** Load m64 into lanes `lane`, `lane+1` of xmm reg. */
function loadHalf(cpu: Cpu, insn: Insn, lane: number): void {
  const a = cpu.ea(insn);
  const lo = cpu.mem.read32(a), hi = cpu.mem.read32(a + 4);
  const d = (insn.reg << 2) + lane;
  cpu.xmm[d] = lo;
  cpu.xmm[d + 1] = hi;
}

/** 0F 12: movlps m64 / movhlps xmm (none), movlpd m64 (66). F2/F3 forms are SSE3. */
export function op0F12(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p !== 0 && p !== 0x66) sigill(insn);
  if (insn.mod === 3) {
    if (p !== 0) sigill(insn);
    // movhlps: low qword ← high qword of source
    const x = cpu.xmm, d = insn.reg << 2, s = insn.rm << 2;
    const a = x[s + 2]!, b = x[s + 3]!;
    x[d] = a; x[d + 1] = b;
    return;
  }
  loadHalf(cpu, insn, 0);
}

/** 0F 13: movlps / movlpd m64 ← xmm low qword. */
export function op0F13(cpu: Cpu, insn: Insn): void {
  if ((insn.prefix !== 0 && insn.prefix !== 0x66) || insn.mod === 3) sigill(insn);
  store64(cpu, cpu.ea(insn), insn.reg, 0);
}

/** 0F 16: movhps m64 / movlhps xmm (none), movhpd m64 (66). F3 form (movshdup) is SSE3. */
export function op0F16(cpu: Cpu, insn: Insn): void {
  const p = insn.prefix;
  if (p !== 0 && p !== 0x66) sigill(insn);
  if (insn.mod === 3) {
    if (p !== 0) sigill(insn);
    const x = cpu.xmm, d = insn.reg << 2, s = insn.rm << 2;
    const a = x[s]!, b = x[s + 1]!;
    x[d + 2] = a; x[d + 3] = b;
    return;
  }
  loadHalf(cpu, insn, 2);
}

/** 0F 17: movhps / movhpd m64 ← xmm high qword. */
export function op0F17(cpu: Cpu, insn: Insn): void {
  if ((insn.prefix !== 0 && insn.prefix !== 0x66) || insn.mod === 3) sigill(insn);
  store64(cpu, cpu.ea(insn), insn.reg, 2);
}

/** 0F 28: movaps / movapd (aligned load). */
export function op0F28(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0 && insn.prefix !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  commitS(cpu, insn);
}

/** 0F 29: movaps / movapd (aligned store). */
export function op0F29(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0 && insn.prefix !== 0x66) sigill(insn);
  if (insn.mod === 3) copyXmm(cpu.xmm, insn.rm, insn.reg);
  else store128(cpu, ea16(cpu, insn, true), insn.reg);
}

/** 0F 2B: movntps / movntpd (aligned store, memory only). */
export function op0F2B(cpu: Cpu, insn: Insn): void {
  if ((insn.prefix !== 0 && insn.prefix !== 0x66) || insn.mod === 3) sigill(insn);
  store128(cpu, ea16(cpu, insn, true), insn.reg);
}

/** 66 0F E7: movntdq (aligned store, memory only). The MMX form (movntq) is not supported. */
export function op0FE7(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66 || insn.mod === 3) sigill(insn);
  store128(cpu, ea16(cpu, insn, true), insn.reg);
}

/** 0F 50: movmskps (none) / movmskpd (66): sign bits → r32 (zero-extended). */
export function op0F50(cpu: Cpu, insn: Insn): void {
  if (insn.mod !== 3) sigill(insn);
  const x = cpu.xmm, s = insn.rm << 2;
  let v: number;
  if (insn.prefix === 0) {
    v = (x[s]! >>> 31) | ((x[s + 1]! >>> 31) << 1) | ((x[s + 2]! >>> 31) << 2) | ((x[s + 3]! >>> 31) << 3);
  } else if (insn.prefix === 0x66) {
    v = (x[s + 1]! >>> 31) | ((x[s + 3]! >>> 31) << 1);
  } else {
    sigill(insn);
  }
  cpu.setReg(4, insn.reg, v, 0);
}

/** 66 0F D7: pmovmskb r32, xmm. */
export function op0FD7(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66 || insn.mod !== 3) sigill(insn);
  const x = cpu.xmm, s = insn.rm << 2;
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const w = x[s + i]!;
    v |= (((w >>> 7) & 1) | ((w >>> 14) & 2) | ((w >>> 21) & 4) | ((w >>> 28) & 8)) << (i * 4);
  }
  cpu.setReg(4, insn.reg, v, 0);
}

/** 66 0F 6E: movd xmm, r/m32 / movq xmm, r/m64 (REX.W). */
export function op0F6E(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
  let lo: number, hi = 0;
  if (insn.rexW) {
    lo = cpu.readRM(insn, 8);
    hi = cpu.outHi;
  } else {
    lo = cpu.readRM(insn, 4);
  }
  const x = cpu.xmm, d = insn.reg << 2;
  x[d] = lo; x[d + 1] = hi; x[d + 2] = 0; x[d + 3] = 0;
}

/** 66 0F 7E: movd r/m32, xmm / movq r/m64, xmm (REX.W); F3 0F 7E: movq xmm, xmm/m64. */
export function op0F7E(cpu: Cpu, insn: Insn): void {
  const x = cpu.xmm;
  if (insn.prefix === 0x66) {
    const s = insn.reg << 2;
    if (insn.rexW) cpu.writeRM(insn, 8, x[s]!, x[s + 1]!);
    else cpu.writeRM(insn, 4, x[s]!, 0);
    return;
  }
  if (insn.prefix !== 0xf3) sigill(insn);
  let lo: number, hi: number;
  if (insn.mod === 3) {
    const s = insn.rm << 2;
    lo = x[s]!; hi = x[s + 1]!;
  } else {
    const a = cpu.ea(insn);
    lo = cpu.mem.read32(a); hi = cpu.mem.read32(a + 4);
  }
  const d = insn.reg << 2;
  x[d] = lo; x[d + 1] = hi; x[d + 2] = 0; x[d + 3] = 0;
}

/** 66 0F D6: movq xmm/m64, xmm (register form zeroes the destination's high qword). */
export function op0FD6(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
  const x = cpu.xmm, s = insn.reg << 2;
  if (insn.mod === 3) {
    const d = insn.rm << 2;
    const lo = x[s]!, hi = x[s + 1]!;
    x[d] = lo; x[d + 1] = hi; x[d + 2] = 0; x[d + 3] = 0;
  } else {
    store64(cpu, cpu.ea(insn), insn.reg, 0);
  }
}

/** 0F 6F: movdqa (66, aligned) / movdqu (F3) load. The MMX movq form is not supported. */
export function op0F6F(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66 && insn.prefix !== 0xf3) sigill(insn);
  loadSrc128(cpu, insn, insn.prefix === 0x66);
  commitS(cpu, insn);
}

/** 0F 7F: movdqa (66, aligned) / movdqu (F3) store. */
export function op0F7F(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66 && insn.prefix !== 0xf3) sigill(insn);
  if (insn.mod === 3) copyXmm(cpu.xmm, insn.rm, insn.reg);
  else store128(cpu, ea16(cpu, insn, insn.prefix === 0x66), insn.reg);
}

/** 0F C3: movnti m32/m64, r32/r64 (a general-register store). */
export function op0FC3(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0 || insn.mod === 3) sigill(insn);
  const a = cpu.ea(insn);
  if (insn.rexW) cpu.mem.write64(a, cpu.lo[insn.reg]!, cpu.hi[insn.reg]!);
  else cpu.mem.write32(a, cpu.lo[insn.reg]!);
}

/** 66 0F F7: maskmovdqu xmm1, xmm2: store the bytes of xmm1 selected by xmm2's sign bits at [RDI]. */
export function op0FF7(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66 || insn.mod !== 3) sigill(insn);
  const x = cpu.xmm, m = insn.rm << 2;
  S[0] = x[m]!; S[1] = x[m + 1]!; S[2] = x[m + 2]!; S[3] = x[m + 3]!;
  let first = -1, last = -1;
  for (let i = 0; i < 16; i++) {
    if (S8[i]! & 0x80) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return;
  let addr = insn.addrSize === 4 ? cpu.lo[7]! : cpu.getReg64Number(7);
  if (insn.seg === SEG_FS) addr += cpu.fsBase;
  else if (insn.seg === SEG_GS) addr += cpu.gsBase;
  cpu.mem.checkWritable(addr + first, last - first + 1);
  const s = insn.reg << 2;
  for (let i = first; i <= last; i++) {
    if (S8[i]! & 0x80) cpu.mem.write8(addr + i, (x[s + (i >> 2)]! >>> ((i & 3) * 8)) & 0xff);
  }
}
