/**
 * SSE2 integer arithmetic on xmm registers (66 prefix only; the MMX forms are not supported):
 * padd/psub b/w/d/q, saturating add/sub, pmullw/pmulhw/pmulhuw/pmuludq/pmaddwd, pavgb/pavgw,
 * pminub/pmaxub/pminsw/pmaxsw, psadbw.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import {
  D, D16, D8, Di16, Di8, R, R16, R8, S, S16, S8, Si16, Si8, commitR, loadDst, loadSrc128, sigill,
} from './common.js';

const TWO32 = 4294967296;

/** Common prologue: 66 prefix, S = source, D = destination copy. */
function operands(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0x66) sigill(insn);
  loadSrc128(cpu, insn, true);
  loadDst(cpu, insn);
}

function sat8s(v: number): number { return v > 127 ? 127 : v < -128 ? -128 : v; }
function sat16s(v: number): number { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }
function sat8u(v: number): number { return v > 255 ? 255 : v < 0 ? 0 : v; }
function sat16u(v: number): number { return v > 65535 ? 65535 : v < 0 ? 0 : v; }

// ------------------------------------------------------------------ add / sub

/** 66 0F FC: paddb. */
export function op0FFC(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = D8[i]! + S8[i]!;
  commitR(cpu, insn);
}
/** 66 0F FD: paddw. */
export function op0FFD(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = D16[i]! + S16[i]!;
  commitR(cpu, insn);
}
/** 66 0F FE: paddd. */
export function op0FFE(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i++) R[i] = D[i]! + S[i]!;
  commitR(cpu, insn);
}
/** 66 0F D4: paddq. */
export function op0FD4(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i += 2) {
    const lo = D[i]! + S[i]!;
    R[i] = lo;
    R[i + 1] = D[i + 1]! + S[i + 1]! + (lo >= TWO32 ? 1 : 0);
  }
  commitR(cpu, insn);
}
/** 66 0F F8: psubb. */
export function op0FF8(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = D8[i]! - S8[i]!;
  commitR(cpu, insn);
}
/** 66 0F F9: psubw. */
export function op0FF9(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = D16[i]! - S16[i]!;
  commitR(cpu, insn);
}
/** 66 0F FA: psubd. */
export function op0FFA(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i++) R[i] = D[i]! - S[i]!;
  commitR(cpu, insn);
}
/** 66 0F FB: psubq. */
export function op0FFB(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i += 2) {
    const lo = D[i]! - S[i]!;
    R[i] = lo;
    R[i + 1] = D[i + 1]! - S[i + 1]! - (lo < 0 ? 1 : 0);
  }
  commitR(cpu, insn);
}

/** 66 0F EC: paddsb. */
export function op0FEC(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = sat8s(Di8[i]! + Si8[i]!);
  commitR(cpu, insn);
}
/** 66 0F ED: paddsw. */
export function op0FED(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = sat16s(Di16[i]! + Si16[i]!);
  commitR(cpu, insn);
}
/** 66 0F E8: psubsb. */
export function op0FE8(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = sat8s(Di8[i]! - Si8[i]!);
  commitR(cpu, insn);
}
/** 66 0F E9: psubsw. */
export function op0FE9(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = sat16s(Di16[i]! - Si16[i]!);
  commitR(cpu, insn);
}
/** 66 0F DC: paddusb. */
export function op0FDC(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = sat8u(D8[i]! + S8[i]!);
  commitR(cpu, insn);
}
/** 66 0F DD: paddusw. */
export function op0FDD(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = sat16u(D16[i]! + S16[i]!);
  commitR(cpu, insn);
}
/** 66 0F D8: psubusb. */
export function op0FD8(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = sat8u(D8[i]! - S8[i]!);
  commitR(cpu, insn);
}
/** 66 0F D9: psubusw. */
export function op0FD9(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = sat16u(D16[i]! - S16[i]!);
  commitR(cpu, insn);
}

// ------------------------------------------------------------------ multiply

/** 66 0F D5: pmullw. */
export function op0FD5(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = Math.imul(D16[i]!, S16[i]!);
  commitR(cpu, insn);
}
/** 66 0F E5: pmulhw (signed high half). */
export function op0FE5(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = (Di16[i]! * Si16[i]!) >> 16;
  commitR(cpu, insn);
}
/** 66 0F E4: pmulhuw (unsigned high half). */
export function op0FE4(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = (D16[i]! * S16[i]!) >>> 16;
  commitR(cpu, insn);
}
/** 66 0F F4: pmuludq (dwords 0 and 2, unsigned 32x32 → 64). */
export function op0FF4(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i += 2) {
    const a = D[i]!, b = S[i]!;
    const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
    const ll = al * bl, lh = al * bh, hl = ah * bl;
    const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    R[i] = ((mid & 0xffff) * 65536) + (ll & 0xffff);
    R[i + 1] = ah * bh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536);
  }
  commitR(cpu, insn);
}
/** 66 0F F5: pmaddwd. */
export function op0FF5(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 4; i++) {
    R[i] = Di16[2 * i]! * Si16[2 * i]! + Di16[2 * i + 1]! * Si16[2 * i + 1]!;
  }
  commitR(cpu, insn);
}

// ------------------------------------------------------------------ average / min / max / sad

/** 66 0F E0: pavgb. */
export function op0FE0(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = (D8[i]! + S8[i]! + 1) >> 1;
  commitR(cpu, insn);
}
/** 66 0F E3: pavgw. */
export function op0FE3(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = (D16[i]! + S16[i]! + 1) >> 1;
  commitR(cpu, insn);
}
/** 66 0F DA: pminub. */
export function op0FDA(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = D8[i]! < S8[i]! ? D8[i]! : S8[i]!;
  commitR(cpu, insn);
}
/** 66 0F DE: pmaxub. */
export function op0FDE(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 16; i++) R8[i] = D8[i]! > S8[i]! ? D8[i]! : S8[i]!;
  commitR(cpu, insn);
}
/** 66 0F EA: pminsw. */
export function op0FEA(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = Di16[i]! < Si16[i]! ? Di16[i]! : Si16[i]!;
  commitR(cpu, insn);
}
/** 66 0F EE: pmaxsw. */
export function op0FEE(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let i = 0; i < 8; i++) R16[i] = Di16[i]! > Si16[i]! ? Di16[i]! : Si16[i]!;
  commitR(cpu, insn);
}
/** 66 0F F6: psadbw. */
export function op0FF6(cpu: Cpu, insn: Insn): void {
  operands(cpu, insn);
  for (let h = 0; h < 2; h++) {
    let sum = 0;
    for (let i = h * 8; i < h * 8 + 8; i++) {
      const v = D8[i]! - S8[i]!;
      sum += v < 0 ? -v : v;
    }
    R[h * 2] = sum;
    R[h * 2 + 1] = 0;
  }
  commitR(cpu, insn);
}
