/**
 * Differential test of the SSE/SSE2 handlers against the real CPU.
 *
 * test/native/sseref.c is compiled with gcc into a temp dir; it executes raw instruction bytes with
 * a given MXCSR, arithmetic flags, rax, xmm0, xmm1 and a 16-byte aligned memory buffer at rsi/rdi,
 * and prints the resulting state. Every case (fixed-seed random operands biased towards NaNs with
 * payloads, signed zeros, denormals, infinities, boundaries of the integer conversions, values
 * around the underflow/overflow thresholds; random rounding mode, DAZ, FTZ and sticky flags) is
 * run through both the handler (Insn built by hand) and the native harness and compared bit for bit.
 *
 * Skipped when not on x86-64 or when gcc is unavailable. RCPPS/RSQRTPS are excluded: their
 * approximation tables differ between vendors (see test/unit/cpu/sse.test.ts and docs/sse.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Cpu } from '../../../src/cpu/x86_64/cpu.js';
import { Insn, NO_REG } from '../../../src/cpu/x86_64/insn.js';
import { Memory, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { sseOpcodes } from '../../../src/cpu/x86_64/sse/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SRC = join(ROOT, 'test/native/sseref.c');

// ------------------------------------------------------------------ deterministic PRNG

let seed = 0x9e3779b9;
function rnd(): number {
  // xorshift32
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}
function rint(n: number): number { return rnd() % n; }
function pick<T>(a: readonly T[]): T { return a[rint(a.length)]!; }

// ------------------------------------------------------------------ operand generators

const SPECIAL32 = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345, 0xffd00001,
  0x7f800001, 0xff812345, 0x7fbfffff, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000,
  0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x4f000000, 0xcf000000,
  0x4effffff, 0xcf000001, 0x5f000000, 0xdf000000, 0x5effffff, 0xdf000001, 0x3fc00000, 0x40200000,
  0xbfc00000, 0x4b800000, 0x4b7fffff, 0x00400000, 0x3f7fffff, 0x3f800001,
];

function f32bits(x: number): number {
  const b = new Float32Array([x]);
  return new Uint32Array(b.buffer)[0]!;
}

function genF32(): number {
  const sign = rint(2) ? 0x80000000 : 0;
  switch (rint(16)) {
    case 0: case 1: return pick(SPECIAL32);
    case 2: return rnd();
    case 3: return (sign | (rnd() & 0x7fffff)) >>> 0; // denormal
    case 4: return (sign | ((1 + rint(30)) << 23) | (rnd() & 0x7fffff)) >>> 0; // tiny normal
    case 5: return (sign | ((225 + rint(30)) << 23) | (rnd() & 0x7fffff)) >>> 0; // huge
    case 6: return (sign | ((50 + rint(30)) << 23) | (rnd() & 0x7fffff)) >>> 0; // products near underflow
    case 7: case 8: return f32bits((rint(4001) - 2000) / pick([1, 2, 4, 8, 3]));
    case 9: return (sign | ((140 + rint(50)) << 23) | (rnd() & 0x7fffff)) >>> 0; // around int32/int64 limits
    case 10: return (sign | ((120 + rint(14)) << 23) | (rnd() & 0x7fe00000 & 0x7fffff)) >>> 0; // short mantissa
    default: return (sign | ((100 + rint(56)) << 23) | (rnd() & 0x7fffff)) >>> 0;
  }
}

function related32(a: number): number {
  switch (rint(6)) {
    case 0: return (a ^ 0x80000000) >>> 0;
    case 1: return a;
    case 2: return (a + 1) >>> 0;
    case 3: return ((a ^ 0x80000000) + rint(3) - 1) >>> 0;
    case 4: return ((a & 0xff800000) | (rnd() & 0x7fffff)) >>> 0;
    default: return ((a & 0x807fffff) | ((((a >>> 23) & 0xff) + rint(60) - 30) & 0xff) << 23) >>> 0;
  }
}

const SPECIAL64: [number, number][] = [
  [0, 0], [0, 0x80000000], [0, 0x7ff00000], [0, 0xfff00000], [0, 0x7ff80000], [0, 0xfff80000],
  [0x12345678, 0x7ff81234], [1, 0x7ff00000], [0xabcdef01, 0xfff40000], [0xffffffff, 0x7ff7ffff],
  [1, 0], [1, 0x80000000], [0xffffffff, 0x000fffff], [0, 0x00100000], [0, 0x80100000],
  [0xffffffff, 0x7fefffff], [0xffffffff, 0xffefffff], [0, 0x3ff00000], [0, 0xbff00000], [0, 0x3fe00000],
  [0, 0x41e00000], [0, 0xc1e00000], [0xffc00000, 0x41dfffff], [0x00200000, 0xc1e00000], [0, 0x43e00000],
  [0, 0xc3e00000], [0xffffffff, 0x43dfffff], [1, 0xc3e00000], [0, 0x3ff80000], [0, 0x40040000],
  [0, 0x43400000], [0xffffffff, 0x433fffff], [0, 0x36a00000], [0xe0000000, 0x380fffff], [0, 0x47efffff],
  [0xf0000000, 0x47efffff], [0x10000000, 0x36a00000], [0, 0x41dfffff],
];

function genF64(): [number, number] {
  const sign = rint(2) ? 0x80000000 : 0;
  const mlo = rnd(), mhi = rnd() & 0xfffff;
  const ex = (e: number): [number, number] => [mlo, (sign | (e << 20) | mhi) >>> 0];
  switch (rint(17)) {
    case 0: case 1: return pick(SPECIAL64);
    case 2: return [rnd(), rnd()];
    case 3: return [mlo, (sign | mhi) >>> 0]; // denormal
    case 4: return ex(1 + rint(60)); // tiny normal
    case 5: return ex(1990 + rint(56)); // huge
    case 6: return ex(480 + rint(70)); // products near underflow
    case 7: case 8: {
      const d = new Float64Array([(rint(4001) - 2000) / pick([1, 2, 4, 8, 3])]);
      const w = new Uint32Array(d.buffer);
      return [w[0]!, w[1]!];
    }
    case 9: return ex(1043 + rint(50)); // around int32/int64 limits
    case 10: return [0, ((sign | ((1000 + rint(50)) << 20) | (mhi & 0xff000)) >>> 0)]; // short mantissa
    case 11: return ex(850 + rint(80)); // float32 range edges (cvtsd2ss)
    case 12: return ex(874 + rint(24)); // float32 subnormal range
    default: return ex(990 + rint(70));
  }
}

function related64(a: [number, number]): [number, number] {
  switch (rint(6)) {
    case 0: return [a[0], (a[1] ^ 0x80000000) >>> 0];
    case 1: return [a[0], a[1]];
    case 2: return [(a[0] + 1) >>> 0, a[0] === 0xffffffff ? (a[1] + 1) >>> 0 : a[1]];
    case 3: return [(a[0] ^ 1) >>> 0, (a[1] ^ 0x80000000) >>> 0];
    case 4: return [rnd(), ((a[1] & 0xfff00000) | (rnd() & 0xfffff)) >>> 0];
    default: {
      const e = (((a[1] >>> 20) & 0x7ff) + rint(120) - 60) & 0x7ff;
      return [a[0], ((a[1] & 0x800fffff) | (e << 20)) >>> 0];
    }
  }
}

function genInt32(): number {
  switch (rint(8)) {
    case 0: return pick([0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x7fff, 0x8000, 0xffff, 0x80, 0x7f, 0xff, 0x00ff00ff]);
    case 1: return (rnd() & 0x80ff807f) >>> 0;
    case 2: return (rint(2001) - 1000) >>> 0;
    case 3: return (rnd() & 0x01ffffff) >>> 0;
    default: return rnd();
  }
}

type Kind = 'f32' | 'f64' | 'int' | 'count' | 'mxcsr';

/** 16 bytes of operand data as 4 lanes. */
function genLanes(kind: Kind): number[] {
  switch (kind) {
    case 'f32': return [genF32(), genF32(), genF32(), genF32()];
    case 'f64': { const a = genF64(), b = genF64(); return [a[0], a[1], b[0], b[1]]; }
    case 'count': {
      const c = rint(8) === 0 ? [rnd(), rint(2) ? rnd() : 0] : [rint(70), 0];
      return [c[0]!, c[1]!, rnd(), rnd()];
    }
    case 'mxcsr': return [(genMxcsr() & 0xffff) >>> 0, rnd(), rnd(), rnd()];
    default: return [genInt32(), genInt32(), genInt32(), genInt32()];
  }
}

function relate(kind: Kind, a: number[], b: number[]): void {
  if (kind === 'f32') {
    for (let i = 0; i < 4; i++) if (rint(3) === 0) b[i] = related32(a[i]!);
  } else if (kind === 'f64') {
    for (let i = 0; i < 4; i += 2) {
      if (rint(3) === 0) {
        const r = related64([a[i]!, a[i + 1]!]);
        b[i] = r[0]; b[i + 1] = r[1];
      }
    }
  } else if (kind === 'int' && rint(4) === 0) {
    for (let i = 0; i < 4; i++) if (rint(2)) b[i] = a[i]!;
  }
}

function genMxcsr(): number {
  let m = 0x1f80 | (rint(4) << 13);
  if (rint(4) === 0) m |= 0x40; // DAZ
  if (rint(4) === 0) m |= 0x8000; // FTZ
  if (rint(5) === 0) m |= rnd() & 0x3f; // pre-set sticky flags
  return m;
}

function genRax(): [number, number] {
  switch (rint(8)) {
    case 0: return pick([[0, 0], [1, 0], [0xffffffff, 0xffffffff], [0, 0x80000000], [0xffffffff, 0x7fffffff],
      [0x80000000, 0], [0x7fffffff, 0], [0x01000001, 0], [0xffffffff, 0x001fffff], [0x00000001, 0x00200000],
      [0x80000001, 0xffffffff], [0xfeffffff, 0xffffffff]] as [number, number][]);
    case 1: return [rnd(), 0];
    case 2: return [rnd() & 0x03ffffff, 0];
    case 3: return [rnd(), rnd() & 0x003fffff];
    case 4: { const v = rnd() | 0; return [v >>> 0, v < 0 ? 0xffffffff : 0]; }
    case 5: {
      // float32 / float64 rounding midpoints (+ optional sticky bits) of a 2^p magnitude
      const p = 25 + rint(38), k = rint(2) ? 24 : 53;
      let v = (1n << BigInt(p)) + (p > k ? 1n << BigInt(p - k) : 0n);
      if (rint(2)) v += BigInt(rint(3)) - 1n;
      if (rint(2)) v = -v;
      const u = BigInt.asUintN(64, v);
      return [Number(u & 0xffffffffn), Number(u >> 32n)];
    }
    default: return [rnd(), rnd()];
  }
}

// ------------------------------------------------------------------ instruction specs

interface Spec {
  name: string;
  prefix: number;
  op: number; // second opcode byte (0F xx)
  modrm: number; // 0xC1: reg=0 (xmm0/rax), rm=1 (xmm1); 0xC0: rm=0; 0x06: [rsi]; groups: 0xC0|k<<3
  rexW?: boolean;
  imm?: boolean;
  kind: Kind;
  /** Kind of the second operand / memory when different. */
  srcKind?: Kind;
  count: number;
  /** Compare the arithmetic flags (comis). Flags are compared always; this only documents it. */
}

const specs: Spec[] = [];
const REG = 0xc1, MEM = 0x06;
const P = [0, 0x66, 0xf3, 0xf2];
const fpKind = (p: number): Kind => (p === 0 || p === 0xf3 ? 'f32' : 'f64');

for (const [op, nm] of [[0x58, 'add'], [0x59, 'mul'], [0x5c, 'sub'], [0x5d, 'min'], [0x5e, 'div'], [0x5f, 'max'], [0x51, 'sqrt']] as [number, string][]) {
  for (const p of P) {
    specs.push({ name: `${nm}.${p.toString(16)}`, prefix: p, op, modrm: REG, kind: fpKind(p), count: 700 });
    specs.push({ name: `${nm}.${p.toString(16)}.m`, prefix: p, op, modrm: MEM, kind: fpKind(p), count: 100 });
  }
}
for (const p of P) {
  specs.push({ name: `cmp.${p.toString(16)}`, prefix: p, op: 0xc2, modrm: REG, imm: true, kind: fpKind(p), count: 500 });
  specs.push({ name: `cmp.${p.toString(16)}.m`, prefix: p, op: 0xc2, modrm: MEM, imm: true, kind: fpKind(p), count: 60 });
}
for (const op of [0x2e, 0x2f]) {
  for (const p of [0, 0x66]) {
    specs.push({ name: `comis${op.toString(16)}.${p.toString(16)}`, prefix: p, op, modrm: REG, kind: fpKind(p === 0 ? 0 : 0xf2), count: 400 });
    specs.push({ name: `comis${op.toString(16)}.${p.toString(16)}.m`, prefix: p, op, modrm: MEM, kind: fpKind(p === 0 ? 0 : 0xf2), count: 50 });
  }
}
for (const op of [0x54, 0x55, 0x56, 0x57]) {
  for (const p of [0, 0x66]) specs.push({ name: `logic${op.toString(16)}.${p.toString(16)}`, prefix: p, op, modrm: REG, kind: 'int', count: 40 });
}
// conversions
specs.push({ name: 'cvtps2pd', prefix: 0, op: 0x5a, modrm: REG, kind: 'f32', count: 400 });
specs.push({ name: 'cvtps2pd.m', prefix: 0, op: 0x5a, modrm: MEM, kind: 'f32', count: 50 });
specs.push({ name: 'cvtpd2ps', prefix: 0x66, op: 0x5a, modrm: REG, kind: 'f64', count: 800 });
specs.push({ name: 'cvtss2sd', prefix: 0xf3, op: 0x5a, modrm: REG, kind: 'f32', count: 300 });
specs.push({ name: 'cvtsd2ss', prefix: 0xf2, op: 0x5a, modrm: REG, kind: 'f64', count: 800 });
specs.push({ name: 'cvtsd2ss.m', prefix: 0xf2, op: 0x5a, modrm: MEM, kind: 'f64', count: 50 });
specs.push({ name: 'cvtdq2ps', prefix: 0, op: 0x5b, modrm: REG, kind: 'int', count: 400 });
specs.push({ name: 'cvtps2dq', prefix: 0x66, op: 0x5b, modrm: REG, kind: 'f32', count: 500 });
specs.push({ name: 'cvttps2dq', prefix: 0xf3, op: 0x5b, modrm: REG, kind: 'f32', count: 500 });
specs.push({ name: 'cvttpd2dq', prefix: 0x66, op: 0xe6, modrm: REG, kind: 'f64', count: 500 });
specs.push({ name: 'cvtpd2dq', prefix: 0xf2, op: 0xe6, modrm: REG, kind: 'f64', count: 500 });
specs.push({ name: 'cvtdq2pd', prefix: 0xf3, op: 0xe6, modrm: REG, kind: 'int', count: 100 });
specs.push({ name: 'cvtdq2pd.m', prefix: 0xf3, op: 0xe6, modrm: MEM, kind: 'int', count: 30 });
for (const p of [0xf3, 0xf2]) {
  for (const w of [false, true]) {
    const t = `${p.toString(16)}${w ? '.w' : ''}`;
    specs.push({ name: `cvtsi2s.${t}`, prefix: p, op: 0x2a, modrm: 0xc0, rexW: w, kind: fpKind(p), count: 500 });
    specs.push({ name: `cvtsi2s.${t}.m`, prefix: p, op: 0x2a, modrm: MEM, rexW: w, kind: fpKind(p), srcKind: 'int', count: 60 });
    specs.push({ name: `cvts2si.${t}`, prefix: p, op: 0x2d, modrm: REG, rexW: w, kind: fpKind(p), count: 600 });
    specs.push({ name: `cvtts2si.${t}`, prefix: p, op: 0x2c, modrm: REG, rexW: w, kind: fpKind(p), count: 600 });
    specs.push({ name: `cvtts2si.${t}.m`, prefix: p, op: 0x2c, modrm: MEM, rexW: w, kind: fpKind(p), count: 50 });
  }
}
// moves
for (const p of P) {
  for (const op of [0x10, 0x11]) {
    specs.push({ name: `mov${op.toString(16)}.${p.toString(16)}`, prefix: p, op, modrm: REG, kind: 'int', count: 20 });
    specs.push({ name: `mov${op.toString(16)}.${p.toString(16)}.m`, prefix: p, op, modrm: MEM, kind: 'int', count: 20 });
  }
}
for (const p of [0, 0x66]) {
  for (const op of [0x12, 0x13, 0x16, 0x17, 0x28, 0x29, 0x2b, 0x14, 0x15]) {
    specs.push({ name: `op${op.toString(16)}.${p.toString(16)}.m`, prefix: p, op, modrm: MEM, kind: 'int', count: 20 });
  }
  for (const op of [0x28, 0x29, 0x50, 0x14, 0x15]) {
    specs.push({ name: `op${op.toString(16)}.${p.toString(16)}`, prefix: p, op, modrm: REG, kind: op === 0x50 ? fpKind(p === 0 ? 0 : 0xf2) : 'int', count: 30 });
  }
  specs.push({ name: `shuf.${p.toString(16)}`, prefix: p, op: 0xc6, modrm: REG, imm: true, kind: 'int', count: 60 });
  specs.push({ name: `shuf.${p.toString(16)}.m`, prefix: p, op: 0xc6, modrm: MEM, imm: true, kind: 'int', count: 20 });
}
specs.push({ name: 'movhlps', prefix: 0, op: 0x12, modrm: REG, kind: 'int', count: 20 });
specs.push({ name: 'movlhps', prefix: 0, op: 0x16, modrm: REG, kind: 'int', count: 20 });
for (const w of [false, true]) {
  specs.push({ name: `movd6e${w ? 'w' : ''}`, prefix: 0x66, op: 0x6e, modrm: 0xc0, rexW: w, kind: 'int', count: 20 });
  specs.push({ name: `movd6e${w ? 'w' : ''}.m`, prefix: 0x66, op: 0x6e, modrm: MEM, rexW: w, kind: 'int', count: 20 });
  specs.push({ name: `movd7e${w ? 'w' : ''}`, prefix: 0x66, op: 0x7e, modrm: 0xc0, rexW: w, kind: 'int', count: 20 });
  specs.push({ name: `movd7e${w ? 'w' : ''}.m`, prefix: 0x66, op: 0x7e, modrm: MEM, rexW: w, kind: 'int', count: 20 });
  specs.push({ name: `movnti${w ? 'w' : ''}`, prefix: 0, op: 0xc3, modrm: MEM, rexW: w, kind: 'int', count: 20 });
}
for (const [p, op] of [[0x66, 0x6f], [0xf3, 0x6f], [0x66, 0x7f], [0xf3, 0x7f], [0xf3, 0x7e], [0x66, 0xd6]]) {
  specs.push({ name: `mv${op!.toString(16)}.${p!.toString(16)}`, prefix: p!, op: op!, modrm: REG, kind: 'int', count: 20 });
  specs.push({ name: `mv${op!.toString(16)}.${p!.toString(16)}.m`, prefix: p!, op: op!, modrm: MEM, kind: 'int', count: 20 });
}
specs.push({ name: 'movntdq', prefix: 0x66, op: 0xe7, modrm: MEM, kind: 'int', count: 20 });
specs.push({ name: 'pmovmskb', prefix: 0x66, op: 0xd7, modrm: REG, kind: 'int', count: 40 });
specs.push({ name: 'maskmovdqu', prefix: 0x66, op: 0xf7, modrm: REG, kind: 'int', count: 60 });
// integer arithmetic, compares, packs, unpacks
for (const op of [0xfc, 0xfd, 0xfe, 0xd4, 0xf8, 0xf9, 0xfa, 0xfb, 0xec, 0xed, 0xe8, 0xe9, 0xdc, 0xdd, 0xd8, 0xd9,
  0xd5, 0xe5, 0xe4, 0xf4, 0xf5, 0xe0, 0xe3, 0xda, 0xde, 0xea, 0xee, 0xf6, 0x74, 0x75, 0x76, 0x64, 0x65, 0x66,
  0xdb, 0xdf, 0xeb, 0xef, 0x60, 0x61, 0x62, 0x68, 0x69, 0x6a, 0x6c, 0x6d, 0x63, 0x67, 0x6b]) {
  specs.push({ name: `int${op.toString(16)}`, prefix: 0x66, op, modrm: REG, kind: 'int', count: 60 });
  specs.push({ name: `int${op.toString(16)}.m`, prefix: 0x66, op, modrm: MEM, kind: 'int', count: 10 });
}
for (const p of [0x66, 0xf3, 0xf2]) {
  specs.push({ name: `pshuf.${p.toString(16)}`, prefix: p, op: 0x70, modrm: REG, imm: true, kind: 'int', count: 40 });
  specs.push({ name: `pshuf.${p.toString(16)}.m`, prefix: p, op: 0x70, modrm: MEM, imm: true, kind: 'int', count: 10 });
}
specs.push({ name: 'pinsrw', prefix: 0x66, op: 0xc4, modrm: 0xc0, imm: true, kind: 'int', count: 30 });
specs.push({ name: 'pinsrw.m', prefix: 0x66, op: 0xc4, modrm: MEM, imm: true, kind: 'int', count: 20 });
specs.push({ name: 'pextrw', prefix: 0x66, op: 0xc5, modrm: REG, imm: true, kind: 'int', count: 30 });
// shifts
for (const op of [0xd1, 0xd2, 0xd3, 0xe1, 0xe2, 0xf1, 0xf2, 0xf3]) {
  specs.push({ name: `shift${op.toString(16)}`, prefix: 0x66, op, modrm: REG, kind: 'int', srcKind: 'count', count: 80 });
  specs.push({ name: `shift${op.toString(16)}.m`, prefix: 0x66, op, modrm: MEM, kind: 'int', srcKind: 'count', count: 10 });
}
for (const [op, ks] of [[0x71, [2, 4, 6]], [0x72, [2, 4, 6]], [0x73, [2, 3, 6, 7]]] as [number, number[]][]) {
  for (const k of ks) specs.push({ name: `grp${op.toString(16)}/${k}`, prefix: 0x66, op, modrm: 0xc0 | (k << 3), imm: true, kind: 'int', count: 60 });
}
// MXCSR load/store, fences
specs.push({ name: 'ldmxcsr', prefix: 0, op: 0xae, modrm: 0x16, kind: 'int', srcKind: 'mxcsr', count: 40 });
specs.push({ name: 'stmxcsr', prefix: 0, op: 0xae, modrm: 0x1e, kind: 'int', count: 20 });
for (const m of [0xe8, 0xf0, 0xf8]) specs.push({ name: `fence${m.toString(16)}`, prefix: 0, op: 0xae, modrm: m, kind: 'int', count: 2 });

// ------------------------------------------------------------------ cases

interface Case {
  spec: Spec;
  code: number[];
  imm: number;
  mxcsr: number;
  rflags: number;
  rax: [number, number];
  x0: number[];
  x1: number[];
  mem: number[];
}

function encode(s: Spec, imm: number): number[] {
  const b: number[] = [];
  if (s.prefix) b.push(s.prefix);
  if (s.rexW) b.push(0x48);
  b.push(0x0f, s.op, s.modrm);
  if (s.imm) b.push(imm);
  return b;
}

function genCase(s: Spec): Case {
  const cmpImm = () => (rint(8) === 0 ? rnd() & 0xff : rint(8));
  const shiftImm = () => (rint(4) === 0 ? rnd() & 0xff : rint(70));
  const imm = !s.imm ? 0 : s.op === 0xc2 ? cmpImm() : s.op >= 0x71 && s.op <= 0x73 ? shiftImm() : rnd() & 0xff;
  const x0 = genLanes(s.kind);
  const x1 = genLanes(s.srcKind ?? s.kind);
  if (!s.srcKind) relate(s.kind, x0, x1);
  const mem = s.modrm === MEM || (s.modrm & 0xc0) !== 0xc0 ? x1.slice() : genLanes('int');
  if (s.modrm === MEM) {
    // the register operand that would have been xmm1 comes from memory; randomise xmm1 anyway
    const t = genLanes('int');
    for (let i = 0; i < 4; i++) x1[i] = t[i]!;
  }
  return {
    spec: s, code: encode(s, imm), imm, mxcsr: genMxcsr(), rflags: 0x202 | (rnd() & 0x8d5), rax: genRax(), x0, x1, mem,
  };
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
function lanesHex(l: number[]): string {
  let s = '';
  for (const v of l) for (let i = 0; i < 4; i++) s += ((v >>> (8 * i)) & 0xff).toString(16).padStart(2, '0');
  return s;
}
function parseLanes(h: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    let v = 0;
    for (let j = 3; j >= 0; j--) v = v * 256 + parseInt(h.substr(8 * i + 2 * j, 2), 16);
    out.push(v >>> 0);
  }
  return out;
}

function caseLine(c: Case): string {
  return [c.code.map((v) => v.toString(16).padStart(2, '0')).join(''), hex8(c.mxcsr), hex8(c.rflags),
    hex8(c.rax[1]) + hex8(c.rax[0]), lanesHex(c.x0), lanesHex(c.x1), lanesHex(c.mem)].join(' ');
}

// ------------------------------------------------------------------ emulator side

const MEM_BASE = 0x10000;
const MEM_ADDR = MEM_BASE + 0x40;

function runEmu(cpu: Cpu, c: Case): string {
  const s = c.spec;
  const x = cpu.xmm;
  x.fill(0);
  for (let i = 0; i < 4; i++) { x[i] = c.x0[i]!; x[4 + i] = c.x1[i]!; }
  cpu.lo.fill(0); cpu.hi.fill(0);
  cpu.lo[0] = c.rax[0]; cpu.hi[0] = c.rax[1];
  cpu.lo[6] = MEM_ADDR; cpu.lo[7] = MEM_ADDR;
  for (let i = 0; i < 4; i++) cpu.mem.write32(MEM_ADDR + 4 * i, c.mem[i]!);
  cpu.mxcsr = c.mxcsr;
  cpu.setFlagsEager(c.rflags);
  const entry = sseOpcodes.get(0x0f00 | s.op);
  if (!entry) throw new Error(`no handler for 0f${s.op.toString(16)}`);
  const insn = new Insn(entry.handler);
  insn.op = 0x0f00 | s.op;
  insn.prefix = s.prefix;
  insn.opsizePrefix = s.prefix === 0x66;
  insn.rexW = !!s.rexW;
  insn.hasRex = !!s.rexW;
  insn.opSize = s.rexW ? 8 : 4;
  insn.hasModRM = true;
  insn.mod = s.modrm >> 6;
  insn.regOp = (s.modrm >> 3) & 7;
  insn.reg = insn.regOp;
  insn.rm = s.modrm & 7;
  if (insn.mod !== 3) {
    insn.base = 6;
    insn.index = NO_REG;
    insn.disp = 0;
  }
  insn.imm = c.imm;
  insn.bytes = Uint8Array.from(c.code);
  insn.len = c.code.length;
  insn.exec(cpu, insn);
  const mem: number[] = [];
  for (let i = 0; i < 4; i++) mem.push(cpu.mem.read32(MEM_ADDR + 4 * i));
  const rflags = (c.rflags & ~0x8d5) | cpu.arithFlags();
  return [hex8(cpu.mxcsr), hex8(0) + hex8(rflags), hex8(cpu.hi[0]!) + hex8(cpu.lo[0]!),
    lanesHex(Array.from(x.subarray(0, 4))), lanesHex(Array.from(x.subarray(4, 8))), lanesHex(mem)].join(' ');
}

// ------------------------------------------------------------------ the test

function nativeAvailable(): string | null {
  if (process.arch !== 'x64' || process.platform !== 'linux') return 'not x86-64 Linux';
  const r = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'gcc not available';
  return null;
}

function explain(c: Case, emu: string, nat: string): string {
  const e = emu.split(' '), n = nat.split(' ');
  const names = ['mxcsr', 'rflags', 'rax', 'xmm0', 'xmm1', 'mem'];
  const diffs = names.filter((_, i) => e[i] !== n[i]).map((nm) => {
    const i = names.indexOf(nm);
    const fmt = (h: string): string => (nm.startsWith('x') || nm === 'mem' ? parseLanes(h).map(hex8).join(':') : h);
    return `${nm}: emu ${fmt(e[i]!)} native ${fmt(n[i]!)}`;
  });
  return `${c.spec.name} code=${c.code.map((v) => v.toString(16).padStart(2, '0')).join(' ')} mxcsr=${hex8(c.mxcsr)} ` +
    `rax=${hex8(c.rax[1])}${hex8(c.rax[0])} x0=${c.x0.map(hex8).join(':')} x1=${c.x1.map(hex8).join(':')} ` +
    `mem=${c.mem.map(hex8).join(':')}\n    ${diffs.join('\n    ')}`;
}

test('SSE/SSE2 handlers match the host CPU bit for bit', (t) => {
  const why = nativeAvailable();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'qvm-sseref-'));
  try {
    const exe = join(dir, 'sseref');
    const cc = spawnSync('gcc', ['-O1', '-o', exe, SRC], { encoding: 'utf8' });
    assert.equal(cc.status, 0, `gcc failed: ${cc.stderr}`);

    // QVM_SSE_SEED / QVM_SSE_SCALE allow longer stress runs with other operands
    seed = Number(process.env.QVM_SSE_SEED ?? 0x9e3779b9) >>> 0 || 1;
    const scale = Number(process.env.QVM_SSE_SCALE ?? 1);
    const cases: Case[] = [];
    for (const s of specs) for (let i = 0; i < s.count * scale; i++) cases.push(genCase(s));
    const input = cases.map(caseLine).join('\n') + '\n';
    if (process.env.QVM_SSE_DUMP) writeFileSync(process.env.QVM_SSE_DUMP, input);
    const run = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(run.status, 0, `sseref failed (${run.signal ?? ''}): ${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, cases.length);

    const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 });
    mem.map(MEM_BASE, 0x1000, PROT_READ | PROT_WRITE, 'sse-test');
    const cpu = new Cpu(mem);
    const failures: string[] = [];
    const perSpec = new Map<string, number>();
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      let emu: string;
      try {
        emu = runEmu(cpu, c);
      } catch (e) {
        emu = `threw ${(e as Error).message}`;
      }
      if (emu !== lines[i]) {
        perSpec.set(c.spec.name, (perSpec.get(c.spec.name) ?? 0) + 1);
        if (failures.length < 25) failures.push(emu.startsWith('threw') ? `${c.spec.name}: ${emu}` : explain(c, emu, lines[i]!));
      }
    }
    t.diagnostic(`${cases.length} cases over ${specs.length} instruction forms`);
    const summary = [...perSpec].map(([k, v]) => `${k}:${v}`).join(' ');
    assert.equal(failures.length, 0, `mismatches (${summary}):\n  ${failures.join('\n  ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
