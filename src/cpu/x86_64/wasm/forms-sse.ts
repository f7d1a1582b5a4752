/**
 * SSE forms the wasm translator emits: moves between xmm registers and of 32/64-bit memory
 * operands, bitwise logic, integer add/sub and shifts by an immediate, pshufd. The xmm registers
 * live in the Cpu's register file in the arena (cpu.ts FILE_XMM), so these read and write them in
 * place with v128 operations; nothing is kept in locals. None of them touches MXCSR or the flags.
 * 128-bit memory operands (alignment checks) and the floating-point arithmetic run their handlers.
 */
import { Op, Simd } from './encoder.js';
import type { Gen } from './codegen.js';
import { FILE_XMM } from '../cpu.js';
import { MAP_0F, type Insn } from '../insn.js';

type Emit = (g: Gen, i: Insn) => boolean;

export const SSE_EMIT = new Map<number, Emit>();

const xo = (r: number): number => FILE_XMM + 16 * r;

/** Push xmm r as a v128. */
function getX(g: Gen, r: number): void {
  g.f.get(g.file).simdMem(Simd.Load, xo(r));
}

/** Pop a v128 into xmm r (the file's address must be pushed before the value: use putX). */
function putX(g: Gen, r: number, value: () => void): void {
  g.f.get(g.file);
  value();
  g.f.simdMem(Simd.Store, xo(r));
}

/** xmm[r] lanes: i64 at byte offset `at` (0 or 8). */
function getQ(g: Gen, r: number, at: number): void {
  g.f.get(g.file).mem(Op.I64Load, xo(r) + at, 3);
}

function putQ(g: Gen, r: number, at: number, value: () => void): void {
  g.f.get(g.file);
  value();
  g.f.mem(Op.I64Store, xo(r) + at, 3);
}

const def = (b: number, e: Emit): void => { SSE_EMIT.set(MAP_0F | b, e); };

// movups/movupd/movss/movsd loads (0F 10) and stores (0F 11)
def(0x10, (g, i) => {
  const p = i.prefix;
  if (p === 0 || p === 0x66) {
    if (i.mod !== 3) return false;
    putX(g, i.reg, () => getX(g, i.rm));
    return true;
  }
  if (p === 0xf3) {
    if (i.mod === 3) {
      g.f.get(g.file).get(g.file).mem(Op.I32Load, xo(i.rm), 2).mem(Op.I32Store, xo(i.reg), 2);
      return true;
    }
    g.ea(i);
    g.load(4);
    g.f.set(g.v);
    putQ(g, i.reg, 0, () => g.f.get(g.v));
    putQ(g, i.reg, 8, () => g.f.i64(0, 0));
    return true;
  }
  if (i.mod === 3) { putQ(g, i.reg, 0, () => getQ(g, i.rm, 0)); return true; }
  g.ea(i);
  g.load(8, 8);
  g.f.set(g.v);
  putQ(g, i.reg, 0, () => g.f.get(g.v));
  putQ(g, i.reg, 8, () => g.f.i64(0, 0));
  return true;
});
def(0x11, (g, i) => {
  const p = i.prefix;
  if (p === 0 || p === 0x66) {
    if (i.mod !== 3) return false;
    putX(g, i.rm, () => getX(g, i.reg));
    return true;
  }
  if (p === 0xf3) {
    if (i.mod === 3) {
      g.f.get(g.file).get(g.file).mem(Op.I32Load, xo(i.reg), 2).mem(Op.I32Store, xo(i.rm), 2);
      return true;
    }
    g.ea(i);
    g.f.get(g.file).mem(Op.I64Load32U, xo(i.reg), 2).set(g.v);
    g.storeV(4);
    return true;
  }
  if (i.mod === 3) { putQ(g, i.rm, 0, () => getQ(g, i.reg, 0)); return true; }
  g.ea(i);
  getQ(g, i.reg, 0);
  g.f.set(g.v);
  g.storeV(8);
  return true;
});

// movaps/movapd (0F 28, 29), movdqa/movdqu (0F 6F, 7F): register forms
const copyIn = (prefixes: readonly number[]): Emit => (g, i) => {
  if (!prefixes.includes(i.prefix) || i.mod !== 3) return false;
  putX(g, i.reg, () => getX(g, i.rm));
  return true;
};
const copyOut = (prefixes: readonly number[]): Emit => (g, i) => {
  if (!prefixes.includes(i.prefix) || i.mod !== 3) return false;
  putX(g, i.rm, () => getX(g, i.reg));
  return true;
};
def(0x28, copyIn([0, 0x66]));
def(0x29, copyOut([0, 0x66]));
def(0x6f, copyIn([0x66, 0xf3]));
def(0x7f, copyOut([0x66, 0xf3]));

// 66 0F 6E: movd/movq xmm, r/m32/64
def(0x6e, (g, i) => {
  if (i.prefix !== 0x66) return false;
  const size = i.rexW ? 8 : 4;
  if (i.mod === 3) g.getR(size, i.rm);
  else { g.ea(i); g.load(size, size === 8 ? 9 : size); }
  g.f.set(g.v);
  putQ(g, i.reg, 0, () => g.f.get(g.v));
  putQ(g, i.reg, 8, () => g.f.i64(0, 0));
  return true;
});

// 66 0F 7E: movd/movq r/m, xmm; F3 0F 7E: movq xmm, xmm/m64
def(0x7e, (g, i) => {
  if (i.prefix === 0x66) {
    const size = i.rexW ? 8 : 4;
    if (i.mod !== 3) g.ea(i);
    getQ(g, i.reg, 0);
    if (i.mod === 3) g.setR(size, i.rm);
    else { g.f.set(g.v); g.storeV(size); }
    return true;
  }
  if (i.prefix !== 0xf3) return false;
  if (i.mod === 3) getQ(g, i.rm, 0);
  else { g.ea(i); g.load(8, 8); }
  g.f.set(g.v);
  putQ(g, i.reg, 0, () => g.f.get(g.v));
  putQ(g, i.reg, 8, () => g.f.i64(0, 0));
  return true;
});

// 66 0F D6: movq xmm/m64, xmm
def(0xd6, (g, i) => {
  if (i.prefix !== 0x66) return false;
  if (i.mod === 3) {
    getQ(g, i.reg, 0);
    g.f.set(g.v);
    putQ(g, i.rm, 0, () => g.f.get(g.v));
    putQ(g, i.rm, 8, () => g.f.i64(0, 0));
    return true;
  }
  g.ea(i);
  getQ(g, i.reg, 0);
  g.f.set(g.v);
  g.storeV(8);
  return true;
});

/** A two-operand vector operation xmm.reg = op(xmm.reg, xmm.rm), register forms. */
const binary = (op: Simd, prefixes: readonly number[]): Emit => (g, i) => {
  if (!prefixes.includes(i.prefix) || i.mod !== 3) return false;
  if (op === Simd.AndNot) putX(g, i.reg, () => { getX(g, i.rm); getX(g, i.reg); g.f.simd(op); });
  else putX(g, i.reg, () => { getX(g, i.reg); getX(g, i.rm); g.f.simd(op); });
  return true;
};
const FP = [0, 0x66], INT = [0x66];
def(0x54, binary(Simd.And, FP));
def(0x55, binary(Simd.AndNot, FP));
def(0x56, binary(Simd.Or, FP));
def(0x57, binary(Simd.Xor, FP));
def(0xdb, binary(Simd.And, INT));
def(0xdf, binary(Simd.AndNot, INT));
def(0xeb, binary(Simd.Or, INT));
def(0xef, binary(Simd.Xor, INT));
def(0xfc, binary(Simd.I8Add, INT));
def(0xfd, binary(Simd.I16Add, INT));
def(0xfe, binary(Simd.I32Add, INT));
def(0xd4, binary(Simd.I64Add, INT));
def(0xf8, binary(Simd.I8Sub, INT));
def(0xf9, binary(Simd.I16Sub, INT));
def(0xfa, binary(Simd.I32Sub, INT));
def(0xfb, binary(Simd.I64Sub, INT));

/**
 * 66 0F 71/72/73 /2 /4 /6 ib: shifts of words, dwords, qwords by an immediate. A count of the
 * lane width or more gives zero (logical) or the sign (arithmetic), unlike wasm's modulo count.
 */
const shiftImm = (bits: number, ops: Record<number, Simd>): Emit => (g, i) => {
  if (i.prefix !== 0x66 || i.mod !== 3) return false;
  const op = ops[i.regOp];
  if (op === undefined) return false;
  const n = i.imm & 0xff;
  const r = i.rm;
  const arith = op === Simd.I16ShrS || op === Simd.I32ShrS || op === Simd.I64ShrS;
  if (n >= bits && !arith) { putX(g, r, () => { getX(g, r); getX(g, r); g.f.simd(Simd.Xor); }); return true; }
  putX(g, r, () => { getX(g, r); g.f.i32(Math.min(n, bits - 1)); g.f.simd(op); });
  return true;
};
def(0x71, shiftImm(16, { 2: Simd.I16ShrU, 4: Simd.I16ShrS, 6: Simd.I16Shl }));
def(0x72, shiftImm(32, { 2: Simd.I32ShrU, 4: Simd.I32ShrS, 6: Simd.I32Shl }));
def(0x73, shiftImm(64, { 2: Simd.I64ShrU, 6: Simd.I64Shl }));

// 66 0F 70: pshufd xmm, xmm, imm8 (register form)
def(0x70, (g, i) => {
  if (i.prefix !== 0x66 || i.mod !== 3) return false;
  const lanes: number[] = [];
  for (let k = 0; k < 4; k++) {
    const sel = (i.imm >> (2 * k)) & 3;
    for (let b = 0; b < 4; b++) lanes.push(sel * 4 + b);
  }
  putX(g, i.reg, () => { getX(g, i.rm); getX(g, i.rm); g.f.shuffle(lanes); });
  return true;
});
