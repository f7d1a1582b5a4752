/**
 * A small WebAssembly binary encoder: exactly what the region translator emits (one module per
 * region: imported memory and functions, one exported function with locals, structured control
 * and the i32/i64 instructions). Our own, rather than a dependency: it is ~200 lines, allocation
 * is one growing byte array per function, and nothing else in QVM needs a wasm toolchain.
 */

export const enum T {
  I32 = 0x7f,
  I64 = 0x7e,
  F64 = 0x7c,
  /** Block type of a block without results. */
  Void = 0x40,
}

/** Opcodes used by the translator (WebAssembly 1.0 core + sign-extension ops). */
export const enum Op {
  Unreachable = 0x00, Nop = 0x01, Block = 0x02, Loop = 0x03, If = 0x04, Else = 0x05, End = 0x0b,
  Br = 0x0c, BrIf = 0x0d, BrTable = 0x0e, Return = 0x0f, Call = 0x10, Drop = 0x1a, Select = 0x1b,
  LocalGet = 0x20, LocalSet = 0x21, LocalTee = 0x22,
  I32Load = 0x28, I64Load = 0x29, I32Load8U = 0x2d, I32Load16U = 0x2f,
  I64Load8U = 0x31, I64Load16U = 0x33, I64Load32U = 0x35,
  I32Store = 0x36, I64Store = 0x37, I32Store8 = 0x3a, I32Store16 = 0x3b,
  I64Store8 = 0x3c, I64Store16 = 0x3d, I64Store32 = 0x3e,
  I32Const = 0x41, I64Const = 0x42,
  I32Eqz = 0x45, I32Eq = 0x46, I32Ne = 0x47, I32LtS = 0x48, I32LtU = 0x49, I32GtS = 0x4a, I32GtU = 0x4b,
  I32LeS = 0x4c, I32LeU = 0x4d, I32GeS = 0x4e, I32GeU = 0x4f,
  I64Eqz = 0x50, I64Eq = 0x51, I64Ne = 0x52, I64LtS = 0x53, I64LtU = 0x54, I64GtS = 0x55, I64GtU = 0x56,
  I64LeS = 0x57, I64LeU = 0x58, I64GeS = 0x59, I64GeU = 0x5a,
  I32Popcnt = 0x69, I32Add = 0x6a, I32Sub = 0x6b, I32Mul = 0x6c, I32And = 0x71, I32Or = 0x72, I32Xor = 0x73,
  I32Shl = 0x74, I32ShrS = 0x75, I32ShrU = 0x76, I32Rotl = 0x77, I32Rotr = 0x78,
  I64Add = 0x7c, I64Sub = 0x7d, I64Mul = 0x7e, I64DivS = 0x7f, I64And = 0x83, I64Or = 0x84, I64Xor = 0x85,
  I64Shl = 0x86, I64ShrS = 0x87, I64ShrU = 0x88, I64Rotl = 0x89, I64Rotr = 0x8a,
  I32WrapI64 = 0xa7, I64ExtendI32S = 0xac, I64ExtendI32U = 0xad,
  I32Extend8S = 0xc0, I32Extend16S = 0xc1, I64Extend8S = 0xc2, I64Extend16S = 0xc3, I64Extend32S = 0xc4,
}

/** SIMD opcodes (after the 0xFD prefix) the translator uses. */
export const enum Simd {
  Load = 0x00, Store = 0x0b, Shuffle = 0x0d,
  And = 0x4e, AndNot = 0x4f, Or = 0x50, Xor = 0x51,
  I8Add = 0x6e, I8Sub = 0x71, I16Shl = 0x8b, I16ShrS = 0x8c, I16ShrU = 0x8d, I16Add = 0x8e, I16Sub = 0x91,
  I32Shl = 0xab, I32ShrS = 0xac, I32ShrU = 0xad, I32Add = 0xae, I32Sub = 0xb1,
  I64Shl = 0xcb, I64ShrS = 0xcc, I64ShrU = 0xcd, I64Add = 0xce, I64Sub = 0xd1,
}

/** A growing byte buffer with LEB128 writers. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.length++] = b;
  }

  bytes(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.byte(b[i]!);
  }

  u32(v: number): void {
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
  }

  s32(v: number): void {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { this.byte(b); return; }
      this.byte(b | 0x80);
    }
  }

  /** Signed LEB128 of a 64-bit value given as two uint32 halves. */
  s64(lo: number, hi: number): void {
    lo >>>= 0; hi |= 0;
    for (;;) {
      const b = lo & 0x7f;
      // arithmetic shift right by 7 of the pair
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>= 7;
      const done = (hi === 0 && lo === 0 && (b & 0x40) === 0) || (hi === -1 && lo === 0xffffffff && (b & 0x40) !== 0);
      if (done) { this.byte(b); return; }
      this.byte(b | 0x80);
    }
  }

  name(s: string): void {
    const e = new TextEncoder().encode(s);
    this.u32(e.length);
    this.bytes(e);
  }

  section(id: number, body: Bytes): void {
    this.byte(id);
    this.u32(body.length);
    this.bytes(body.view());
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Function body builder: locals and instructions. */
export class Fn {
  readonly code = new Bytes();
  private readonly localTypes: T[] = [];

  constructor(readonly params: readonly T[], readonly results: readonly T[]) {}

  /** A new local of type t: its index. */
  local(t: T): number {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  op(o: Op): this { this.code.byte(o); return this; }
  get(l: number): this { this.code.byte(Op.LocalGet); this.code.u32(l); return this; }
  set(l: number): this { this.code.byte(Op.LocalSet); this.code.u32(l); return this; }
  tee(l: number): this { this.code.byte(Op.LocalTee); this.code.u32(l); return this; }
  i32(v: number): this { this.code.byte(Op.I32Const); this.code.s32(v); return this; }
  i64(lo: number, hi: number): this { this.code.byte(Op.I64Const); this.code.s64(lo, hi); return this; }
  /** Memory access with alignment hint log2 and a static offset. */
  mem(o: Op, offset = 0, align = 0): this { this.code.byte(o); this.code.u32(align); this.code.u32(offset); return this; }
  block(t: T = T.Void): this { this.code.byte(Op.Block); this.code.byte(t); return this; }
  loop(t: T = T.Void): this { this.code.byte(Op.Loop); this.code.byte(t); return this; }
  if(t: T = T.Void): this { this.code.byte(Op.If); this.code.byte(t); return this; }
  else(): this { this.code.byte(Op.Else); return this; }
  end(): this { this.code.byte(Op.End); return this; }
  br(depth: number): this { this.code.byte(Op.Br); this.code.u32(depth); return this; }
  brIf(depth: number): this { this.code.byte(Op.BrIf); this.code.u32(depth); return this; }
  brTable(depths: readonly number[], dflt: number): this {
    this.code.byte(Op.BrTable);
    this.code.u32(depths.length);
    for (const d of depths) this.code.u32(d);
    this.code.u32(dflt);
    return this;
  }
  call(f: number): this { this.code.byte(Op.Call); this.code.u32(f); return this; }
  /** A SIMD (0xFD-prefixed) instruction without immediates. */
  simd(o: Simd): this { this.code.byte(0xfd); this.code.u32(o); return this; }
  /** v128.load / v128.store with a static offset. */
  simdMem(o: Simd, offset: number): this { this.code.byte(0xfd); this.code.u32(o); this.code.u32(0); this.code.u32(offset); return this; }
  /** i8x16.shuffle with its 16 lane indices. */
  shuffle(lanes: readonly number[]): this { this.code.byte(0xfd); this.code.u32(Simd.Shuffle); this.code.bytes(lanes); return this; }

  /** The function body as it goes into the code section. */
  body(): Bytes {
    const b = new Bytes();
    // locals, run-length grouped by type
    const groups: Array<[number, T]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    b.u32(groups.length);
    for (const [n, t] of groups) { b.u32(n); b.byte(t); }
    b.bytes(this.code.view());
    b.byte(Op.End);
    const out = new Bytes();
    out.u32(b.length);
    out.bytes(b.view());
    return out;
  }
}

export interface FuncImport {
  name: string;
  params: readonly T[];
  results: readonly T[];
}

/**
 * A module importing `env.mem` (a shared memory of at most `maxPages` pages) and `imports`
 * (function indices 0..n-1, in order), defining `fns` (indices n..) and exporting the first as `run`.
 */
export function encodeModule(imports: readonly FuncImport[], fns: readonly Fn[], maxPages: number): Uint8Array<ArrayBuffer> {
  const types: string[] = [];
  const typeIndex = (p: readonly T[], r: readonly T[]): number => {
    const key = `${p.join(',')}:${r.join(',')}`;
    let k = types.indexOf(key);
    if (k < 0) { types.push(key); k = types.length - 1; }
    return k;
  };
  const importTypes = imports.map((f) => typeIndex(f.params, f.results));
  const fnTypes = fns.map((f) => typeIndex(f.params, f.results));
  const out = new Bytes();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const typeSec = new Bytes();
  typeSec.u32(types.length);
  for (const key of types) {
    const [p, r] = key.split(':') as [string, string];
    const ps = p === '' ? [] : p.split(',').map(Number);
    const rs = r === '' ? [] : r.split(',').map(Number);
    typeSec.byte(0x60);
    typeSec.u32(ps.length); for (const t of ps) typeSec.byte(t);
    typeSec.u32(rs.length); for (const t of rs) typeSec.byte(t);
  }
  out.section(1, typeSec);
  const imp = new Bytes();
  imp.u32(imports.length + 1);
  imp.name('env'); imp.name('mem'); imp.byte(0x02); imp.byte(0x03); imp.u32(0); imp.u32(maxPages);
  imports.forEach((f, k) => { imp.name('env'); imp.name(f.name); imp.byte(0x00); imp.u32(importTypes[k]!); });
  out.section(2, imp);
  const funcSec = new Bytes();
  funcSec.u32(fns.length);
  for (const t of fnTypes) funcSec.u32(t);
  out.section(3, funcSec);
  const exp = new Bytes();
  exp.u32(1);
  exp.name('run'); exp.byte(0x00); exp.u32(imports.length);
  out.section(7, exp);
  const code = new Bytes();
  code.u32(fns.length);
  for (const f of fns) code.bytes(f.body().view());
  out.section(10, code);
  const v = out.view();
  const bytes = new Uint8Array(v.length);
  bytes.set(v);
  return bytes;
}
