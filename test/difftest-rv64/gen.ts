/**
 * Case generator for the riscv64 differential test: one instruction (or a short sequence) of a
 * class, with random and edge-case register, FP and memory inputs. Deterministic from the seed.
 */
import { decode16, decode32 } from '../../src/cpu/riscv64/decode.js';

export const CODE = 0x30001000;
export const DATA_AT = 0x30002700;
/** Base addresses for memory cases point here (data window: DATA_AT .. DATA_AT + 256). */
export const DATA_MID = 0x30002780;

export interface Case {
  cls: string;
  code: Uint8Array;
  /** x0..x31, f0..f31, fcsr. */
  state: BigUint64Array;
  data: Uint8Array;
}

/** sfc32: a small fast generator with good statistical quality, seeded deterministically. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = seed | 0;
    this.c = Math.imul(seed, 0x85ebca6b) | 0;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

const M64 = (1n << 64n) - 1n;
const sx = (v: bigint): bigint => v & M64;

const INT_EDGES = [0n, 1n, 2n, M64, M64 - 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffn, 0x80000000n, 0x7fffffffn,
  0xffffffff80000000n, 0x100000000n, 63n, 64n, 31n, 32n];

export function intValue(r: Rng): bigint {
  switch (r.int(6)) {
    case 0: return r.pick(INT_EDGES);
    case 1: return sx(BigInt(r.int(2048)) - 1024n);
    case 2: return sx(BigInt.asIntN(32, BigInt(r.u32())));
    case 3: return BigInt(r.u32());
    default: return r.u64();
  }
}

const D_EDGES = [0n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff4000000000000n,
  0xfff8000000000001n, 0x0000000000000001n, 0x800fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn,
  0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0x4330000000000000n, 0x43e0000000000000n, 0xc3e0000000000000n,
  0x41e0000000000000n, 0xc1e0000000000000n, 0x41f0000000000000n, 0x3ff8000000000000n, 0x4004000000000000n, 0x000fffffffffffffn];
const S_EDGES = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0xffc00001, 1, 0x807fffff, 0x00800000,
  0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x4b000000, 0x5f000000, 0xdf000000, 0x4f000000, 0xcf000000,
  0x4f800000, 0x3fc00000, 0x40200000, 0x007fffff];

function f64(x: number): bigint {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x, true);
  return b.getBigUint64(0, true);
}

export function doubleValue(r: Rng): bigint {
  switch (r.int(5)) {
    case 0: return r.pick(D_EDGES);
    case 1: return f64((r.int(2000001) - 1000000) / (1 + r.int(1000)));
    case 2: return (r.pick(D_EDGES) + BigInt(r.int(5)) - 2n) & M64;
    case 3: return f64(Math.fround((r.int(20001) - 10000) / (1 + r.int(100))));
    default: return r.u64();
  }
}

export function singleValue(r: Rng): bigint {
  let w: number;
  switch (r.int(5)) {
    case 0: w = r.pick(S_EDGES); break;
    case 1: {
      const b = new DataView(new ArrayBuffer(4));
      b.setFloat32(0, (r.int(20001) - 10000) / (1 + r.int(100)), true);
      w = b.getUint32(0, true);
      break;
    }
    case 2: w = (r.pick(S_EDGES) + r.int(5) - 2) >>> 0; break;
    default: w = r.u32();
  }
  // sometimes not NaN-boxed: the operand must then read as the canonical NaN
  const box = r.int(40) === 0 ? BigInt(r.u32()) << 32n : 0xffffffff00000000n;
  return box | BigInt(w >>> 0);
}

// ---------------------------------------------------------------- encoders

const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const Ienc = (imm: number, rs1: number, f3: number, rd: number, op: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const Senc = (imm: number, rs2: number, rs1: number, f3: number, op: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op) >>> 0;
const Benc = (imm: number, rs2: number, rs1: number, f3: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;

/** Destination registers the harness allows (never gp, tp). */
const DEST = [1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
const rd = (r: Rng): number => r.pick(DEST);
const rs = (r: Rng): number => (r.int(8) === 0 ? 0 : r.pick(DEST));
const freg = (r: Rng): number => r.int(32);
/** A rounding-mode field: mostly valid static modes and dyn, sometimes reserved (SIGILL). */
const rmField = (r: Rng): number => (r.int(30) === 0 ? 5 + r.int(2) : r.pick([0, 1, 2, 3, 4, 7, 7]));

function words(...ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const dv = new DataView(b.buffer);
  ws.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
}

function halves(...hs: number[]): Uint8Array {
  const b = new Uint8Array(hs.length * 2 + (hs.length % 2) * 2);
  const dv = new DataView(b.buffer);
  hs.forEach((h, i) => dv.setUint16(2 * i, h, true));
  if (hs.length % 2) dv.setUint16(2 * hs.length, 0x0001, true); // c.nop pads to a word
  return b;
}

type Gen = (r: Rng, c: Case) => Uint8Array;

function setX(c: Case, reg: number, v: bigint): void {
  if (reg !== 0 && reg !== 3 && reg !== 4) c.state[reg] = v & M64;
}

const OPS_RR: Array<[number, number]> = [[0, 0], [0x20, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0x20, 5], [0, 6], [0, 7]];
const OPS_RR32: Array<[number, number]> = [[0, 0], [0x20, 0], [0, 1], [0, 5], [0x20, 5]];

const alu: Gen = (r) => {
  if (r.int(3) === 0) {
    const [f7, f3] = r.pick(OPS_RR32);
    return words(R(f7, rs(r), rs(r), f3, rd(r), 0x3b));
  }
  const [f7, f3] = r.pick(OPS_RR);
  return words(R(f7, rs(r), rs(r), f3, rd(r), 0x33));
};

const aluImm: Gen = (r) => {
  const imm = r.int(4096) - 2048;
  switch (r.int(9)) {
    case 0: return words(Ienc(imm, rs(r), r.pick([0, 2, 3, 4, 6, 7]), rd(r), 0x13));
    case 1: return words(Ienc(r.int(64), rs(r), 1, rd(r), 0x13));
    case 2: return words(Ienc(r.int(64) | (r.int(2) ? 0x400 : 0), rs(r), 5, rd(r), 0x13));
    case 3: return words(Ienc(imm, rs(r), 0, rd(r), 0x1b));
    case 4: return words(Ienc(r.int(32), rs(r), 1, rd(r), 0x1b));
    case 5: return words(Ienc(r.int(32) | (r.int(2) ? 0x400 : 0), rs(r), 5, rd(r), 0x1b));
    case 6: return words(((r.u32() & 0xfffff000) | (rd(r) << 7) | 0x37) >>> 0);
    case 7: return words(((r.u32() & 0xfffff000) | (rd(r) << 7) | 0x17) >>> 0);
    default: return words(Ienc(imm, rs(r), r.pick([0, 4, 6, 7]), rd(r), 0x13));
  }
};

const muldiv: Gen = (r) => {
  if (r.int(3) === 0) return words(R(1, rs(r), rs(r), r.pick([0, 4, 5, 6, 7]), rd(r), 0x3b));
  return words(R(1, rs(r), rs(r), r.int(8), rd(r), 0x33));
};

/** A memory case: base register at DATA_MID + small offset, imm within the data window. */
function memBase(r: Rng, c: Case, size: number): { base: number; imm: number } {
  const base = r.pick(DEST);
  const off = r.int(17) - 8;
  setX(c, base, BigInt(DATA_MID + off));
  const lo = -0x70 - off, hi = 0x70 - off - size;
  const imm = lo + r.int(hi - lo + 1);
  return { base, imm };
}

const loadStore: Gen = (r, c) => {
  const k = r.int(14);
  if (k < 7) {
    const f3 = k;
    const { base, imm } = memBase(r, c, 8);
    return words(Ienc(imm, base, f3, rd(r), 0x03));
  }
  if (k < 11) {
    const { base, imm } = memBase(r, c, 8);
    return words(Senc(imm, rs(r), base, k - 7, 0x23));
  }
  const { base, imm } = memBase(r, c, 8);
  if (k === 11) return words(Ienc(imm, base, r.pick([2, 3]), freg(r), 0x07));
  return words(Senc(imm, freg(r), base, r.pick([2, 3]), 0x27));
};

const branch: Gen = (r, c) => {
  const mark = rd(r);
  const k = r.int(8);
  if (k < 6) {
    const a = rs(r), b = rs(r);
    if (r.int(3) === 0) setX(c, b, c.state[a]!);
    return words(Benc(8, b, a, r.pick([0, 1, 4, 5, 6, 7])), Ienc(1, mark, 0, mark, 0x13));
  }
  if (k === 6) {
    const d = rd(r);
    return words(((((8 >> 1) & 0x3ff) << 21) | (d << 7) | 0x6f) >>> 0, Ienc(1, mark, 0, mark, 0x13));
  }
  // jalr to the third instruction (odd offsets too: bit 0 is cleared)
  const base = r.pick(DEST.filter((x) => x !== mark));
  setX(c, base, BigInt(CODE));
  return words(Ienc(8 + r.int(2), base, 0, rd(r), 0x67), Ienc(1, mark, 0, mark, 0x13));
};

const AMO_F5 = [0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c];

const atomic: Gen = (r, c) => {
  const base = r.pick(DEST);
  const dbl = r.int(2) === 1;
  const size = dbl ? 8 : 4;
  let addr = DATA_MID - 0x40 + size * r.int(0x80 / size);
  if (r.int(25) === 0) addr += 2; // misaligned: SIGBUS
  setX(c, base, BigInt(addr));
  const f3 = dbl ? 3 : 2;
  const aqrl = r.int(4) << 25;
  const src = r.pick(DEST.filter((x) => x !== base));
  if (r.int(4) === 0) {
    // lr/sc pair (sc to the same or another address)
    const d1 = r.pick(DEST.filter((x) => x !== base));
    const lr = (0x02 << 27) | aqrl | (base << 15) | (f3 << 12) | (d1 << 7) | 0x2f;
    const sc = (0x03 << 27) | aqrl | (src << 20) | (base << 15) | (f3 << 12) | (rd(r) << 7) | 0x2f;
    return r.int(3) === 0 ? words(sc >>> 0) : words(lr >>> 0, sc >>> 0);
  }
  return words(((r.pick(AMO_F5) << 27) | aqrl | (src << 20) | (base << 15) | (f3 << 12) | (rd(r) << 7) | 0x2f) >>> 0);
};

function fpInputs(r: Rng, c: Case, dbl: boolean): void {
  for (let i = 0; i < 32; i++) c.state[32 + i] = dbl ? doubleValue(r) : singleValue(r);
  // frm (sometimes invalid) and a few accrued flags
  const frm = r.int(20) === 0 ? 5 + r.int(3) : r.int(5);
  c.state[64] = BigInt((frm << 5) | (r.int(4) === 0 ? r.int(32) : 0));
}

const fpArith = (dbl: boolean): Gen => (r, c) => {
  fpInputs(r, c, dbl);
  const fmt = dbl ? 1 : 0;
  const k = r.int(5);
  const f7 = ([0x00, 0x04, 0x08, 0x0c, 0x2c][k]! | fmt);
  return words(R(f7, k === 4 ? 0 : freg(r), freg(r), rmField(r), freg(r), 0x53));
};

const fpFma = (dbl: boolean): Gen => (r, c) => {
  fpInputs(r, c, dbl);
  const op = r.pick([0x43, 0x47, 0x4b, 0x4f]);
  return words(((freg(r) << 27) | ((dbl ? 1 : 0) << 25) | (freg(r) << 20) | (freg(r) << 15) | (rmField(r) << 12) | (freg(r) << 7) | op) >>> 0);
};

const fpConvert: Gen = (r, c) => {
  const dbl = r.int(2) === 1;
  fpInputs(r, c, dbl);
  const fmt = dbl ? 1 : 0;
  switch (r.int(3)) {
    case 0: return words(R(0x60 | fmt, r.int(4), freg(r), rmField(r), rd(r), 0x53)); // fcvt.int.fp
    case 1: return words(R(0x68 | fmt, r.int(4), rs(r), rmField(r), freg(r), 0x53)); // fcvt.fp.int
    default: return words(dbl ? R(0x21, 0, freg(r), rmField(r), freg(r), 0x53) : R(0x20, 1, freg(r), rmField(r), freg(r), 0x53));
  }
};

const fpMisc: Gen = (r, c) => {
  const dbl = r.int(2) === 1;
  fpInputs(r, c, dbl);
  const fmt = dbl ? 1 : 0;
  switch (r.int(5)) {
    case 0: return words(R(0x10 | fmt, freg(r), freg(r), r.int(3), freg(r), 0x53));
    case 1: return words(R(0x14 | fmt, freg(r), freg(r), r.int(2), freg(r), 0x53));
    case 2: return words(R(0x50 | fmt, freg(r), freg(r), r.int(3), rd(r), 0x53));
    case 3: return words(R(0x70 | fmt, 0, freg(r), r.int(2), rd(r), 0x53));
    default: return words(R(0x78 | fmt, 0, rs(r), 0, freg(r), 0x53));
  }
};

/** A random encoding that does not transfer control, touch the CSR counters or write gp/tp. */
function acceptable(i: { term: boolean; rd: number; raw: number; why: string }, w: number, compressed: boolean): boolean {
  if (i.why !== '') return true; // illegal: both must raise SIGILL
  if (i.term) return false;
  if (!compressed && (w & 0x7f) === 0x73) return false;
  return i.rd !== 3 && i.rd !== 4;
}

const compressed: Gen = (r, c) => {
  // bases near the data window so loads and stores mostly land
  for (const reg of [2, 8, 9, 10, 11, 12, 13, 14, 15]) if (r.int(2)) setX(c, reg, BigInt(DATA_MID - r.int(16) * 8));
  fpInputs(r, c, true);
  for (;;) {
    const h = r.u32() & 0xffff;
    if ((h & 3) === 3) continue;
    if (acceptable(decode16(CODE, h), h, true)) return halves(h);
  }
};

const OPCODES = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x57, 0x0b];

const random32: Gen = (r, c) => {
  for (const reg of DEST) if (r.int(3) === 0) setX(c, reg, BigInt(DATA_MID - r.int(16) * 8));
  fpInputs(r, c, r.int(2) === 1);
  for (;;) {
    const w = ((r.u32() & ~0x7f) | r.pick(OPCODES)) >>> 0;
    if (acceptable(decode32(CODE, w | 0), w, false)) return words(w);
  }
};

/** Instruction classes: name → generator (the campaign counts cases per class). */
export const CLASSES: ReadonlyArray<[string, Gen]> = [
  ['alu', alu],
  ['alu-imm', aluImm],
  ['muldiv', muldiv],
  ['load-store', loadStore],
  ['branch-jump', branch],
  ['atomic', atomic],
  ['fp-arith-d', fpArith(true)],
  ['fp-arith-s', fpArith(false)],
  ['fp-fma-d', fpFma(true)],
  ['fp-fma-s', fpFma(false)],
  ['fp-convert', fpConvert],
  ['fp-misc', fpMisc],
  ['compressed', compressed],
  ['random32', random32],
];

export function generate(r: Rng): Case {
  const [cls, gen] = CLASSES[r.int(CLASSES.length)]!;
  const state = new BigUint64Array(65);
  for (let i = 1; i < 32; i++) if (i !== 3 && i !== 4) state[i] = intValue(r);
  state[2] = BigInt(DATA_MID); // sp: a valid address unless the case changes it
  for (let i = 0; i < 32; i++) state[32 + i] = doubleValue(r);
  const data = new Uint8Array(256);
  for (let i = 0; i < 256; i += 4) new DataView(data.buffer).setUint32(i, r.u32(), true);
  const c: Case = { cls, code: new Uint8Array(0), state, data };
  c.code = gen(r, c);
  return c;
}
