/**
 * x87 unit tests: soft-float spot checks, instruction-level tests through execX87, and a
 * differential test against this machine's real x87 (test/native/x87ref.c, compiled with gcc).
 *
 * The differential test runs the same x87 byte sequences on the hardware and on QVM and compares
 * the FXSAVE image (FCW, FSW, tags, ST0-7), the arithmetic flags and a 256-byte memory buffer.
 * It is skipped when gcc or an x86-64 host is not available.
 *
 * Environment knobs for local runs: X87_SCALE=n multiplies the number of random programs,
 * X87_FILTER=regex restricts the differential cases to matching tags (and lists every mismatch).
 * The bisect helper in docs/x87.md narrows a failing program to its first differing instruction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Memory } from '../../../src/mem/memory.js';
import { hostCpu, hostFollowsQvmVendor, VendorSkips } from '../../host-cpu.js';
import { Cpu, CpuException } from '../../../src/cpu/x86_64/cpu.js';
import { Insn, NO_REG } from '../../../src/cpu/x86_64/insn.js';
import { execX87 } from '../../../src/cpu/x86_64/x87/exec.js';
import {
  F80, FpCtx, f80Add, f80Div, f80FromF64, f80FromI64, f80Mul, f80Sqrt, f80Sub, f80ToF64, f80ToInt, IE, PE,
} from '../../../src/cpu/x86_64/x87/float80.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const BUF = 0x10000;

// ---------------------------------------------------------------------------------------------
// tiny x87 decoder (enough for the encodings the tests generate: [rdi], [rdi+disp8/32], registers)

function decodeX87(code: number[], pos: number): Insn {
  const start = pos;
  const insn = new Insn(execX87);
  if (code[pos] === 0x66) { insn.opSize = 2; insn.opsizePrefix = true; pos++; }
  const op = code[pos++]!;
  if (op < 0xd8 || op > 0xdf) throw new Error(`not an x87 opcode: ${op.toString(16)}`);
  const modrm = code[pos++]!;
  insn.op = op;
  insn.hasModRM = true;
  insn.mod = modrm >> 6;
  insn.regOp = insn.reg = (modrm >> 3) & 7;
  insn.rm = modrm & 7;
  if (insn.mod !== 3) {
    if (insn.rm !== 7) throw new Error('test decoder: only [rdi] addressing');
    insn.base = 7;
    insn.index = NO_REG;
    if (insn.mod === 1) { insn.disp = (code[pos]! << 24) >> 24; pos += 1; }
    else if (insn.mod === 2) { insn.disp = code[pos]! | (code[pos + 1]! << 8) | (code[pos + 2]! << 16) | (code[pos + 3]! << 24); pos += 4; }
  }
  insn.addr = 0x400000 + start;
  insn.len = pos - start;
  insn.nextAddr = insn.addr + insn.len;
  insn.bytes = Uint8Array.from(code.slice(start, pos));
  return insn;
}

function hexToBytes(h: string): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < h.length; i += 2) out.push(parseInt(h.slice(i, i + 2), 16));
  return out;
}

function bytesToHex(b: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

function makeCpu(): Cpu {
  const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 });
  mem.map(BUF, 4096, 3, 'test');
  const cpu = new Cpu(mem);
  cpu.lo[7] = BUF;
  return cpu;
}

/** Run an x87 byte sequence like x87ref's `seq` mode and format the same output. */
function emulateSeq(cw: number, codeHex: string, memHex: string): string {
  const cpu = makeCpu();
  const init = new Uint8Array(512);
  const mb = hexToBytes(memHex);
  init.set(mb.slice(0, 512));
  cpu.mem.write(BUF, init);
  cpu.x87.reset();
  cpu.x87.cw = cw;
  cpu.setFlagsEager(0);
  const code = hexToBytes(codeHex);
  let pos = 0;
  while (pos < code.length) {
    const insn = decodeX87(code, pos);
    cpu.curAddr = insn.addr;
    insn.exec(cpu, insn);
    pos += insn.len;
  }
  const fx = new Uint8Array(512);
  cpu.x87.fxsave(fx);
  const flags = cpu.arithFlags() & 0x8d5;
  return `${bytesToHex(fx.subarray(0, 160))} ${flags.toString(16).padStart(4, '0')} ${bytesToHex(cpu.mem.read(BUF, 256))}`;
}

// ---------------------------------------------------------------------------------------------
// soft-float spot checks

function hx(s: string): F80 {
  return F80.fromHex(s);
}

test('float80: basic arithmetic and rounding', () => {
  const ctx = new FpCtx();
  const out = new F80();
  f80Add(ctx, hx('3fff8000000000000000'), hx('3fff8000000000000000'), out);
  assert.equal(out.toHex(), '40008000000000000000');
  // 1/3 at each precision
  ctx.exc = 0;
  f80Div(ctx, hx('3fff8000000000000000'), hx('4000c000000000000000'), out);
  assert.equal(out.toHex(), '3ffdaaaaaaaaaaaaaaab');
  assert.equal(ctx.exc, PE);
  assert.equal(ctx.c1, 1);
  ctx.cw = 0x27f; ctx.exc = 0; ctx.c1 = 0;
  f80Div(ctx, hx('3fff8000000000000000'), hx('4000c000000000000000'), out);
  assert.equal(out.toHex(), '3ffdaaaaaaaaaaaaa800');
  assert.equal(ctx.c1, 0);
  ctx.cw = 0x07f;
  f80Div(ctx, hx('3fff8000000000000000'), hx('4000c000000000000000'), out);
  assert.equal(out.toHex(), '3ffdaaaaab0000000000');
  // x - x = +0, -0 when rounding down
  ctx.cw = 0x37f;
  f80Sub(ctx, hx('3fff8000000000000000'), hx('3fff8000000000000000'), out);
  assert.equal(out.toHex(), '00000000000000000000');
  ctx.cw = 0x77f;
  f80Sub(ctx, hx('3fff8000000000000000'), hx('3fff8000000000000000'), out);
  assert.equal(out.toHex(), '80000000000000000000');
  // sqrt(2)
  ctx.cw = 0x37f;
  f80Sqrt(ctx, hx('40008000000000000000'), out);
  assert.equal(out.toHex(), '3fffb504f333f9de6484');
  // inf * 0 -> indefinite, IE
  ctx.exc = 0;
  f80Mul(ctx, hx('7fff8000000000000000'), hx('00000000000000000000'), out);
  assert.equal(out.toHex(), 'ffffc000000000000000');
  assert.equal(ctx.exc, IE);
});

test('float80: NaN propagation follows the x87 rules', () => {
  const ctx = new FpCtx();
  const out = new F80();
  // QNaN beats SNaN regardless of significand
  f80Add(ctx, hx('7fffbfffffffffffffff'), hx('7fffc000000000000000'), out);
  assert.equal(out.toHex(), '7fffc000000000000000');
  assert.equal(ctx.exc & IE, IE);
  // two QNaNs: larger significand; equal significands: positive one
  f80Mul(ctx, hx('ffffc000000000000002'), hx('7fffc000000000000001'), out);
  assert.equal(out.toHex(), 'ffffc000000000000002');
  f80Mul(ctx, hx('ffffc000000000000001'), hx('7fffc000000000000001'), out);
  assert.equal(out.toHex(), '7fffc000000000000001');
  // unsupported (unnormal) beats NaN
  f80Add(ctx, hx('3fff0000000000000001'), hx('7fffc000000000000001'), out);
  assert.equal(out.toHex(), 'ffffc000000000000000');
});

test('float80: double and int64 conversions', () => {
  const ctx = new FpCtx();
  const out = new F80();
  // 0.1 as a double
  f80FromF64(ctx, 0x9999999a, 0x3fb99999, out);
  assert.equal(out.toHex(), '3ffbccccccccccccd000');
  assert.equal(f80ToF64(ctx, out), 0x9999999a);
  assert.equal(ctx.outHi, 0x3fb99999);
  // double SNaN payload survives (quieted only by FLD)
  f80FromF64(ctx, 0x00000001, 0x7ff00000, out);
  assert.equal(out.toHex(), '7fff8000000000000800');
  // int64 min
  f80FromI64(0, 0x80000000, out);
  assert.equal(out.toHex(), 'c03e8000000000000000');
  assert.equal(f80ToInt(ctx, out, 64, false), 0);
  assert.equal(ctx.outHi, 0x80000000);
  // 2^63 overflows int64 -> indefinite with IE
  ctx.exc = 0;
  f80ToInt(ctx, hx('403e8000000000000000'), 64, false);
  assert.equal(ctx.outHi, 0x80000000);
  assert.equal(ctx.exc, IE);
  // -1.5 -> -2 (nearest even), truncation -> -1
  ctx.exc = 0;
  assert.equal(f80ToInt(ctx, hx('bfffc000000000000000'), 32, false), 0xfffffffe);
  assert.equal(f80ToInt(ctx, hx('bfffc000000000000000'), 32, true), 0xffffffff);
});

// ---------------------------------------------------------------------------------------------
// instruction-level tests through execX87

function run(cpu: Cpu, codeHex: string): void {
  const code = hexToBytes(codeHex);
  let pos = 0;
  while (pos < code.length) {
    const insn = decodeX87(code, pos);
    insn.exec(cpu, insn);
    pos += insn.len;
  }
}

test('execX87: fld/fmul/fistp and fnstsw ax', () => {
  const cpu = makeCpu();
  // [rdi] = 1e9 (double), [rdi+8] = 0.5 (double)
  cpu.mem.write64(BUF, 0x00000000, 0x41cdcd65);
  cpu.mem.write64(BUF + 8, 0, 0x3fe00000);
  // fld qword [rdi]; fmul qword [rdi+8]; fistp qword [rdi+16]; fnstsw ax
  run(cpu, 'dd07' + 'dc4f08' + 'df7f10' + 'dfe0');
  assert.equal(cpu.mem.read32(BUF + 16), 500000000);
  assert.equal(cpu.mem.read32(BUF + 20), 0);
  assert.equal(cpu.lo[0]! & 0xffff, 0); // TOP back to 0, no exceptions
  assert.equal(cpu.x87.empty, 0xff);
});

test('execX87: fnstcw/fldcw truncation as musl does it', () => {
  const cpu = makeCpu();
  // [rdi] = 2.75 (double); fnstcw [rdi+8]; set RC=truncate in [rdi+10]; fldcw [rdi+10]; fld; fistp dword [rdi+16]; fldcw [rdi+8]
  cpu.mem.write64(BUF, 0, 0x40060000);
  run(cpu, 'd97f08');
  assert.equal(cpu.mem.read16(BUF + 8), 0x037f);
  cpu.mem.write16(BUF + 10, 0x0f7f);
  run(cpu, 'd96f0a' + 'dd07' + 'db5f10' + 'd96f08');
  assert.equal(cpu.mem.read32(BUF + 16), 2);
  assert.equal(cpu.x87.cw, 0x037f);
  // default rounding gives 3
  run(cpu, 'dd07' + 'db5f10');
  assert.equal(cpu.mem.read32(BUF + 16), 3);
});

test('execX87: fucomip sets ZF/PF/CF and pops', () => {
  const cpu = makeCpu();
  cpu.mem.write64(BUF, 0, 0x3ff00000); // 1.0
  cpu.mem.write64(BUF + 8, 0, 0x40000000); // 2.0
  // fld [rdi+8] (2); fld [rdi] (1); fucomip st(1): 1 < 2 -> CF
  run(cpu, 'dd4708' + 'dd07' + 'dfe9');
  assert.equal(cpu.cf, true);
  assert.equal(cpu.zf, false);
  assert.equal(cpu.pf, false);
  assert.equal(cpu.x87.top, 7);
  // NaN -> unordered
  cpu.mem.write64(BUF + 16, 0, 0x7ff80000);
  run(cpu, 'dd4710' + 'dfe9');
  assert.equal(cpu.cf && cpu.zf && cpu.pf, true);
  assert.equal(cpu.of, false);
});

test('execX87: stack overflow and underflow', () => {
  const cpu = makeCpu();
  // 9 x fld1: the 9th overflows -> IE, SF, C1, ST0 = indefinite
  run(cpu, 'd9e8'.repeat(9));
  const x = cpu.x87;
  assert.equal(x.fsw & 0x0241, 0x0241);
  const v = new F80();
  x.get(0, v);
  assert.equal(v.toHex(), 'ffffc000000000000000');
  // underflow: fninit; fadd st0, st1 on an empty stack -> IE|SF, C1 = 0
  run(cpu, 'dbe3' + 'd8c1');
  assert.equal(x.fsw & 0x0241, 0x0041);
});

test('execX87: fnstenv / fldenv / fnsave / frstor round trip', () => {
  const cpu = makeCpu();
  run(cpu, 'd9e8' + 'd9eb' + 'd9ee'); // 1, pi, 0
  run(cpu, 'd937'); // fnstenv [rdi]
  const env = cpu.mem.read(BUF, 28);
  assert.equal(env[0]! | (env[1]! << 8), 0x037f);
  assert.equal(env[2]! | (env[3]! << 8), 0xffff);
  assert.equal(env[4]! | (env[5]! << 8), 0x2800); // TOP = 5
  assert.equal(env[8]! | (env[9]! << 8), 0x07ff); // tags: r5 zero, r6 valid, r7 valid, others empty
  // fnsave [rdi+0x40], state reset; frstor brings it back
  run(cpu, 'dd7740');
  assert.equal(cpu.x87.empty, 0xff);
  assert.equal(cpu.x87.top, 0);
  run(cpu, 'dd6740');
  assert.equal(cpu.x87.top, 5);
  const v = new F80();
  assert.equal(cpu.x87.get(1, v).toHex(), '4000c90fdaa22168c235');
});

test('X87: fxsave / fxrstor round trip', () => {
  const cpu = makeCpu();
  run(cpu, 'd9e8' + 'd9eb' + 'd9ee' + 'd8d1'); // 1, pi, 0; fcom -> C0
  const area = new Uint8Array(512);
  cpu.x87.fxsave(area);
  assert.equal(area[0]! | (area[1]! << 8), 0x037f);
  assert.equal(area[2]! | (area[3]! << 8), 0x2900); // TOP = 5, C0
  assert.equal(area[4], 0xe0); // physical 5, 6, 7 in use
  assert.equal(bytesToHex(area.subarray(48, 58)), '35c26821a2da0fc90040'); // ST1 = pi
  const cpu2 = makeCpu();
  cpu2.x87.fxrstor(area);
  const again = new Uint8Array(512);
  cpu2.x87.fxsave(again);
  assert.deepEqual(again, area);
  assert.equal(cpu2.x87.top, 5);
});

test('execX87: unmasked exception faults on the next waiting instruction', () => {
  const cpu = makeCpu();
  cpu.mem.write16(BUF, 0x037b); // ZE unmasked
  run(cpu, 'd92f' + 'd9e8' + 'd9ee' + 'def9'); // fldcw; 1; 0; fdivp -> 1/0
  assert.equal(cpu.x87.fsw & 0x8084, 0x8084); // B, ES, ZE
  assert.throws(() => run(cpu, 'd9e8'), (e: unknown) => e instanceof CpuException && e.signal === 8 && e.code === 3);
  run(cpu, 'dbe2'); // fnclex clears it
  run(cpu, 'd9e8');
});

test('execX87: FOP is the opcode of the last instruction with an unmasked exception (Intel)', () => {
  const cpu = makeCpu();
  run(cpu, 'd9e8' + 'd9ee' + 'd8d1' + 'd937'); // 1; 0; fcom (masked, no exception); fnstenv [rdi]
  assert.equal(cpu.mem.read16(BUF + 18) & 0x7ff, 0, 'masked instructions leave FOP at 0');
  cpu.mem.write16(BUF + 0x40, 0x037b); // ZE unmasked
  run(cpu, 'd96f40' + 'def9'); // fldcw [rdi+0x40]; fdivp -> 1/0 raises an unmasked ZE
  run(cpu, 'd937'); // fnstenv does not wait
  assert.equal(cpu.mem.read16(BUF + 18) & 0x7ff, 0x6f9, 'FOP = DE F9');
  const area = new Uint8Array(512);
  cpu.x87.fxsave(area);
  assert.equal(area[6]! | (area[7]! << 8), 0x6f9);
  run(cpu, 'dbe3'); // fninit clears it
  run(cpu, 'd937');
  assert.equal(cpu.mem.read16(BUF + 18) & 0x7ff, 0);
});

test('execX87: unimplemented encodings raise SIGILL', () => {
  const cpu = makeCpu();
  assert.throws(() => run(cpu, 'd9d1'), (e: unknown) => e instanceof CpuException && e.signal === 4);
  assert.throws(() => run(cpu, 'd90f'), (e: unknown) => e instanceof CpuException && e.signal === 4);
});

// ---------------------------------------------------------------------------------------------
// differential test against the real FPU

class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  u32(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return this.u32() % n; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]!; }
}

function hex4(v: number): string { return (v & 0xffff).toString(16).padStart(4, '0'); }
function hex8(v: number): string { return (v >>> 0).toString(16).padStart(8, '0'); }

/** Little-endian bytes of an 80-bit value given as 20 hex digits (se, hi, lo). */
function le80(h: string): string {
  const se = parseInt(h.slice(0, 4), 16), hi = parseInt(h.slice(4, 12), 16), lo = parseInt(h.slice(12, 20), 16);
  return le32(lo) + le32(hi) + le16(se);
}
function le16(v: number): string { return bytesToHex([v & 0xff, (v >>> 8) & 0xff]); }
function le32(v: number): string { return bytesToHex([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]); }

/** Random sign+exponent and significand with many special cases. */
function randF80(r: Rng, expHint?: number): string {
  const sign = r.int(2) << 15;
  let hi = r.u32(), lo = r.u32();
  const k = r.int(100);
  if (r.int(4) === 0) {
    // short significands (ties at 24/53 bits)
    const keep = r.pick([24, 25, 53, 54, 64, 1, 2, 12]);
    if (keep <= 32) { hi = keep === 32 ? hi : (hi & ~((1 << (32 - keep)) - 1)) >>> 0; lo = 0; }
    else lo = keep >= 64 ? lo : (lo & ~((2 ** (64 - keep)) - 1)) >>> 0;
  }
  let exp: number;
  if (expHint !== undefined && k >= 30) {
    exp = Math.max(1, Math.min(0x7ffe, expHint + r.int(9) - 4));
    hi |= 0x80000000;
  } else if (k < 4) { exp = 0; hi = 0; lo = 0; }
  else if (k < 8) { exp = 0x7fff; hi = 0x80000000; lo = 0; }
  else if (k < 11) { exp = 0x7fff; hi = (hi | 0xc0000000) >>> 0; }
  else if (k < 14) { exp = 0x7fff; hi = ((hi & 0x3fffffff) | 0x80000000) >>> 0; if (hi === 0x80000000 && lo === 0) lo = 1; }
  else if (k < 15) { return (sign ? 'ffff' : '7fff') + 'c000000000000000'; }
  else if (k < 20) { exp = 0; hi &= r.int(2) ? 0x7fffffff : 0xff; if ((hi | lo) === 0) lo = 1; }
  else if (k < 21) { exp = 0; hi = (hi | 0x80000000) >>> 0; }
  else if (k < 22) { exp = 1 + r.int(0x7ffe); hi &= 0x7fffffff; }
  else if (k < 23) { exp = 0x7fff; hi &= 0x7fffffff; }
  else if (k < 30) { exp = r.pick([1, 2, 3, 0x7ffe, 0x7ffd, 0x3fff, 0x3ffe]); hi = (hi | 0x80000000) >>> 0; }
  else if (k < 45) { exp = 0x3fff + r.int(70) - 5; hi = (hi | 0x80000000) >>> 0; }
  else if (k < 70) { exp = 0x3fff + r.int(200) - 100; hi = (hi | 0x80000000) >>> 0; }
  else { exp = 1 + r.int(0x7ffe); hi = (hi | 0x80000000) >>> 0; }
  return hex4(sign | exp) + hex8(hi) + hex8(lo);
}

function randCw(r: Rng): number {
  return 0x7f | (r.int(4) << 8) | (r.int(4) << 10);
}

function expOf(h: string): number { return parseInt(h.slice(0, 4), 16) & 0x7fff; }

/** A float32/float64 bit pattern with special cases. */
function randF32(r: Rng): number {
  const k = r.int(10);
  const s = r.int(2) << 31;
  if (k === 0) return (s | (r.u32() & 0x7fffff)) >>> 0; // denormal/zero
  if (k === 1) return (s | 0x7f800000 | (r.int(2) ? r.u32() & 0x7fffff : 0)) >>> 0;
  return (s | (r.u32() & 0x7fffffff)) >>> 0;
}
function randF64(r: Rng): [number, number] {
  const k = r.int(10);
  const s = r.int(2) << 31;
  const lo = r.u32();
  if (k === 0) return [lo, (s | (r.u32() & 0xfffff)) >>> 0];
  if (k === 1) return [r.int(2) ? lo : 0, (s | 0x7ff00000 | (r.int(2) ? r.u32() & 0xfffff : 0)) >>> 0];
  return [lo, (s | (r.u32() & 0x7fffffff)) >>> 0];
}

interface Case {
  cw: number; code: string; mem: string; tag: string; fuzzy?: boolean;
  /** Byte ranges [start, end) of the memory buffer not compared (pointer fields of saved environments). */
  memMask?: [number, number][];
  /** Vendor-specific point of this case (compared only on a host of QVM's vendor). */
  vendorPoint?: string;
}

/**
 * FOP (the last opcode field of FNSTENV/FNSAVE/FXSAVE) is vendor-specific: Intel stores the
 * opcode of the last instruction with an unmasked exception (0 here: every case runs masked),
 * AMD the last non-control opcode. QVM follows Intel, so FOP is compared only on Intel hosts.
 */
const SAME_VENDOR = hostFollowsQvmVendor();

// encodings (rdi-relative); A at [rdi], B at [rdi+16], memory operand at [rdi+32], results at [rdi+0x80..]
const FLD_A = 'db2f', FLD_B = 'db6f10';

function genCases(seed: number): Case[] {
  const r = new Rng(seed);
  const cases: Case[] = [];
  const add = (tag: string, cw: number, code: string, mem: string, fuzzy = false, memMask?: [number, number][], vendorPoint?: string): void => {
    cases.push({ cw, code, mem, tag, fuzzy, memMask, vendorPoint });
  };
  const scale = Number(process.env.X87_SCALE ?? 1);
  const pair = (): [string, string] => {
    const a = randF80(r);
    const b = r.int(3) === 0 ? randF80(r, expOf(a)) : randF80(r);
    return [a, b];
  };
  // binary register arithmetic: fld B; fld A; op
  const binOps: [string, string][] = [
    ['fadd', 'd8c1'], ['fmul', 'd8c9'], ['fsub', 'd8e1'], ['fsubr', 'd8e9'], ['fdiv', 'd8f1'], ['fdivr', 'd8f9'],
    ['fadd st1', 'dcc1'], ['fsubr st1', 'dce1'], ['fsub st1', 'dce9'], ['fdivr st1', 'dcf1'], ['fdiv st1', 'dcf9'],
    ['faddp', 'dec1'], ['fmulp', 'dec9'], ['fsubrp', 'dee1'], ['fsubp', 'dee9'], ['fdivrp', 'def1'], ['fdivp', 'def9'],
    ['fcom', 'd8d1'], ['fcomp', 'd8d9'], ['fucom', 'dde1'], ['fucomp', 'dde9'], ['fcompp', 'ded9'], ['fucompp', 'dae9'],
    ['fcomi', 'dbf1'], ['fucomi', 'dbe9'], ['fcomip', 'dff1'], ['fucomip', 'dfe9'],
  ];
  for (let n = 0; n < 6000; n++) {
    const [name, op] = binOps[n % binOps.length]!;
    const [a, b] = pair();
    add(name, randCw(r), FLD_B + FLD_A + op, le80(a) + '000000000000' + le80(b));
  }
  // fscale, fprem, fprem1 with suitable operands
  for (let n = 0; n < 1500; n++) {
    const a = randF80(r);
    let b: string;
    const which = n % 3;
    if (which === 0) {
      const k = r.int(10);
      b = k < 7 ? randF80(r, 0x3fff + r.int(18)) : randF80(r);
    } else {
      b = r.int(2) ? randF80(r, expOf(a) - r.int(140)) : randF80(r);
    }
    const op = ['d9fd', 'd9f8', 'd9f5'][which]!;
    add(['fscale', 'fprem', 'fprem1'][which]!, randCw(r), FLD_B + FLD_A + op, le80(a) + '000000000000' + le80(b));
  }
  // unary
  const unOps: [string, string][] = [['fsqrt', 'd9fa'], ['frndint', 'd9fc'], ['fchs', 'd9e0'], ['fabs', 'd9e1'], ['ftst', 'd9e4'], ['fxam', 'd9e5'], ['fxtract', 'd9f4']];
  for (let n = 0; n < 2100; n++) {
    const [name, op] = unOps[n % unOps.length]!;
    const a = name === 'frndint' && r.int(2) ? randF80(r, 0x3fff + r.int(66)) : randF80(r);
    add(name, randCw(r), FLD_A + op, le80(a));
  }
  // memory-operand arithmetic: fld A; op m32/m64/m32int/m16int [rdi+32]
  for (let n = 0; n < 2400; n++) {
    const a = randF80(r);
    const kind = n % 4;
    const reg = r.pick([0, 1, 2, 3, 4, 5, 6, 7]);
    const modrm = (0x47 | (reg << 3)).toString(16);
    const opc = ['d8', 'dc', 'da', 'de'][kind]!;
    let m: string;
    if (kind === 0) m = le32(randF32(r));
    else if (kind === 1) { const [lo, hi] = randF64(r); m = le32(lo) + le32(hi); }
    else if (kind === 2) m = le32(r.int(2) ? r.u32() : r.int(1000) - 500);
    else m = le16(r.u32());
    add(`${opc}/${reg} mem`, randCw(r), FLD_A + opc + modrm + '20', le80(a) + '000000000000' + '00'.repeat(16) + m);
  }
  // loads from memory: fld m32/m64, fild m16/m32/m64, fbld
  for (let n = 0; n < 1200; n++) {
    const kind = n % 6;
    let m: string, op: string;
    if (kind === 0) { m = le32(randF32(r)); op = 'd907'; }
    else if (kind === 1) { const [lo, hi] = randF64(r); m = le32(lo) + le32(hi); op = 'dd07'; }
    else if (kind === 2) { m = le16(r.u32()); op = 'df07'; }
    else if (kind === 3) { m = le32(r.u32()); op = 'db07'; }
    else if (kind === 4) { m = le32(r.u32()) + le32(r.int(2) ? r.u32() : r.int(3) - 1); op = 'df2f'; }
    else {
      const d: number[] = [];
      for (let i = 0; i < 9; i++) d.push(((r.int(10) << 4) | r.int(10)));
      d.push(r.int(2) ? 0x80 : 0);
      m = bytesToHex(d); op = 'df27';
    }
    add(['fld m32', 'fld m64', 'fild m16', 'fild m32', 'fild m64', 'fbld'][kind]!, randCw(r), op, m);
  }
  // stores: fld A; store to [rdi+0x80] (disp32)
  const stores: [string, string, number][] = [
    ['fst m32', 'd997', 0], ['fstp m32', 'd99f', 0], ['fst m64', 'dd97', 0], ['fstp m64', 'dd9f', 0],
    ['fist m16', 'df97', 1], ['fistp m16', 'df9f', 1], ['fist m32', 'db97', 1], ['fistp m32', 'db9f', 1], ['fistp m64', 'dfbf', 1],
    ['fisttp m16', 'df8f', 1], ['fisttp m32', 'db8f', 1], ['fisttp m64', 'dd8f', 1], ['fbstp', 'dfb7', 2], ['fstp m80', 'dbbf', 0],
  ];
  for (let n = 0; n < 4200; n++) {
    const [name, op, kind] = stores[n % stores.length]!;
    let a: string;
    if (kind === 1 && r.int(3)) a = randF80(r, 0x3fff + r.int(66));
    else if (kind === 2 && r.int(3)) a = randF80(r, 0x3fff + r.int(62));
    else if (name.includes('32') && kind === 0 && r.int(2)) a = randF80(r, r.pick([16383 - 126, 16383 + 127, 16383 - 149, 16383 - 140, 16383]));
    else if (name.includes('64') && kind === 0 && r.int(2)) a = randF80(r, r.pick([16383 - 1022, 16383 + 1023, 16383 - 1074, 16383 - 1060, 16383]));
    else a = randF80(r);
    add(name, randCw(r), FLD_A + op + '80000000', le80(a));
  }
  // constants under every PC/RC
  for (let c = 0; c < 7; c++) for (let pc = 0; pc < 4; pc++) for (let rc = 0; rc < 4; rc++) {
    add(`const ${c}`, 0x7f | (pc << 8) | (rc << 10), 'd9' + (0xe8 + c).toString(16), '');
  }
  // random stack programs
  for (let n = 0; n < 2500 * scale; n++) add('program', randCw(r), randomProgram(r), randomProgramMem(r));
  // environment save/restore: FIP/FCS/FDP/FDS are real addresses on the host (QVM stores 0): masked;
  // FOP (bytes 18-19) only where the host is QVM's vendor
  const envMask32 = (at: number): [number, number][] =>
    SAME_VENDOR ? [[at + 12, at + 18], [at + 20, at + 26]] : [[at + 12, at + 26]];
  const envMask16 = (at: number): [number, number][] => [[at + 6, at + 14]];
  for (let n = 0; n < 300; n++) {
    const prog = randomProgram(r);
    const which = n % 8;
    if (which === 0) add('fnstenv', randCw(r), prog + 'd9b7c0000000', randomProgramMem(r), false, envMask32(0xc0), 'fop-in-fnstenv');
    else if (which === 1) add('fnsave', randCw(r), prog + 'ddb780000000', randomProgramMem(r), false, envMask32(0x80), 'fop-in-fnsave');
    else if (which === 2) add('fnstenv16', randCw(r), prog + '66d9b7c0000000', randomProgramMem(r), false, envMask16(0xc0));
    else if (which === 3) add('fnsave16', randCw(r), prog + '66ddb780000000', randomProgramMem(r), false, envMask16(0x80));
    else {
      // FLDENV / FRSTOR from a random image at [rdi+0x80], then some more instructions
      const m = hexToBytes(randomProgramMem(r));
      const img: number[] = [];
      const cw = 0x7f | (r.int(4) << 8) | (r.int(4) << 10) | (r.int(2) << 12);
      const sw = r.u32() & 0x7f7f & ~0x80;
      const tw = r.u32() & 0xffff;
      const is16 = which >= 6;
      if (is16) {
        img.push(cw & 0xff, cw >> 8, sw & 0xff, sw >> 8, tw & 0xff, tw >> 8);
        for (let i = 0; i < 8; i++) img.push(0);
      } else {
        img.push(cw & 0xff, cw >> 8, 0xff, 0xff, sw & 0xff, sw >> 8, 0xff, 0xff, tw & 0xff, tw >> 8, 0xff, 0xff);
        for (let i = 0; i < 16; i++) img.push(0);
      }
      for (let i = 0; i < 8; i++) img.push(...hexToBytes(le80(randF80(r))));
      while (m.length < 0x80) m.push(0);
      m.splice(0x80, img.length, ...img);
      const frstor = which === 5 || which === 7;
      const op = (is16 ? '66' : '') + (frstor ? 'dda780000000' : 'd9a780000000');
      add((frstor ? 'frstor' : 'fldenv') + (is16 ? '16' : ''), randCw(r), op + randomProgram(r), bytesToHex(m));
    }
  }
  // random programs with transcendental instructions (stack effects; last-bit differences allowed)
  for (let n = 0; n < 400; n++) {
    let code = randomProgram(r);
    const at = code.length;
    // after the transcendental op only stack moves and stores (so a 1-ulp difference is not amplified)
    code = code.slice(0, at) + r.pick(['d9fe', 'd9ff', 'd9fb', 'd9f2', 'd9f3', 'd9f0', 'd9f1', 'd9f9']);
    for (let k = r.int(6); k > 0; k--) {
      code += r.pick(['d9c', 'd9c', 'ddd', 'ddc', 'dfc']) + r.int(16).toString(16);
      if (r.int(3) === 0) code += r.pick(['d9f6', 'd9f7', 'ddbfa0000000', 'dd9fc0000000', 'dbbfd0000000', 'd9e5']);
    }
    add('tprogram', randCw(r), code, randomProgramMem(r), true);
  }
  // transcendental functions (compared separately: last-bit differences allowed)
  const trOps: [string, string, boolean][] = [
    ['fsin', 'd9fe', false], ['fcos', 'd9ff', false], ['fsincos', 'd9fb', false], ['fptan', 'd9f2', false],
    ['f2xm1', 'd9f0', false], ['fpatan', 'd9f3', true], ['fyl2x', 'd9f1', true], ['fyl2xp1', 'd9f9', true],
  ];
  for (let n = 0; n < 2400; n++) {
    const [name, op, bin] = trOps[n % trOps.length]!;
    let a: string;
    if (name === 'f2xm1' || name === 'fyl2xp1') a = r.int(4) ? randF80(r, 0x3fff - 1 - r.int(70)) : randF80(r);
    else if (name === 'fyl2x') a = r.int(4) ? randF80(r, 0x3fff + r.int(40) - 20).replace(/^[89a-f]/, (c) => (parseInt(c, 16) - 8).toString(16)) : randF80(r);
    else a = r.int(4) ? randF80(r, 0x3fff + r.int(70) - 20) : randF80(r);
    const b = randF80(r);
    add(name, randCw(r), (bin ? FLD_B : '') + FLD_A + op, le80(a) + '000000000000' + le80(b), true);
  }
  return cases;
}

const CMP_REG_OPS: [string, number][] = [
  ['d8', 0xd0], ['d8', 0xd8], ['dd', 0xe0], ['dd', 0xe8], ['db', 0xe8], ['db', 0xf0], ['df', 0xe8], ['df', 0xf0],
];

/** Random mix of stack, compare, cmov and arithmetic instructions over 8 input values. */
function randomProgram(r: Rng): string {
  let code = '';
  const n = 3 + r.int(14);
  for (let i = 0; i < n; i++) {
    const k = r.int(30);
    const st = r.int(8);
    const regByte = (base: number): string => (base + st).toString(16);
    if (k < 7) code += 'db6f' + (16 * r.int(8)).toString(16).padStart(2, '0'); // fld m80
    else if (k < 8) code += 'd9' + regByte(0xc0); // fld st(i)
    else if (k < 9) code += 'd9' + regByte(0xc8); // fxch
    else if (k < 10) code += 'dd' + regByte(0xd8); // fstp st(i)
    else if (k < 11) code += 'dd' + regByte(0xd0); // fst st(i)
    else if (k < 15) code += r.pick(['d8', 'dc', 'de']) + (0xc0 + (r.pick([0, 1, 4, 5, 6, 7]) << 3) + st).toString(16);
    else if (k < 17) { const [o, base] = r.pick(CMP_REG_OPS); code += o + (base + st).toString(16); }
    else if (k < 19) code += r.pick(['da', 'db']) + (0xc0 + (r.int(4) << 3) + st).toString(16); // fcmov
    else if (k < 20) code += r.pick(['ddc', 'dfc']) + st.toString(16); // ffree / ffreep
    else if (k < 21) code += r.pick(['d9f6', 'd9f7', 'dbe2', 'd9d0']);
    else if (k < 23) code += r.pick(['d9e0', 'd9e1', 'd9e4', 'd9e5', 'd9fa', 'd9fc', 'd9fd', 'd9f8', 'd9f5', 'd9f4']);
    else if (k < 24) code += 'd9' + (0xe8 + r.int(7)).toString(16);
    else if (k < 25) code += 'd96f7a' + 'd9bf' + '90000000'; // fldcw [rdi+0x7a]; fnstcw [rdi+0x90]
    else if (k < 26) code += 'ddbf' + (0xa0 + 2 * r.int(8)).toString(16) + '000000'; // fnstsw [rdi+0xa0..]
    else if (k < 28) code += r.pick(['dd9f', 'd99f', 'dbbf', 'db9f', 'dfbf', 'dd8f']) + (0xc0 + 16 * r.int(4)).toString(16) + '000000';
    else code += r.pick(['ded9', 'dae9', 'd8d1', 'dde1']);
  }
  return code;
}

function randomProgramMem(r: Rng): string {
  let m = '';
  for (let i = 0; i < 8; i++) {
    const v = randF80(r);
    m += le80(v);
    if (i === 7) m += le16(0x7f | (r.int(4) << 8) | (r.int(4) << 10) | (r.int(2) << 7) | (r.int(2) << 12)) + '00000000';
    else m += '000000000000';
  }
  return m;
}

/**
 * Compare oracle and emulator outputs, ignoring FIP/FDP/MXCSR (FXSAVE bytes 8-31: host addresses
 * and SSE state) and, on a host of another vendor than QVM's, FOP (bytes 6-7).
 */
function normalize(line: string, memMask?: [number, number][]): string {
  const parts = line.split(' ');
  const fx = parts[0]!;
  let m = parts[2] ?? '';
  for (const [a, b] of memMask ?? []) m = m.slice(0, 2 * a) + '-'.repeat(2 * (b - a)) + m.slice(2 * b);
  const kept = SAME_VENDOR ? 16 : 12;
  return `${fx.slice(0, kept)}${'-'.repeat(64 - kept)}${fx.slice(64)} ${parts[1]} ${m}`;
}

function describeDiff(c: Case, want0: string, got0: string): string {
  const want = normalize(want0, c.memMask), got = normalize(got0, c.memMask);
  const w = want.split(' '), g = got.split(' ');
  const fields: string[] = [];
  const wf = w[0]!, gf = g[0]!;
  const word = (s: string, off: number): string => s.slice(off * 2 + 2, off * 2 + 4) + s.slice(off * 2, off * 2 + 2);
  if (word(wf, 0) !== word(gf, 0)) fields.push(`fcw ${word(wf, 0)}/${word(gf, 0)}`);
  if (word(wf, 2) !== word(gf, 2)) fields.push(`fsw ${word(wf, 2)}/${word(gf, 2)}`);
  if (wf.slice(8, 10) !== gf.slice(8, 10)) fields.push(`ftw ${wf.slice(8, 10)}/${gf.slice(8, 10)}`);
  for (let i = 0; i < 8; i++) {
    const a = wf.slice(64 + 32 * i, 64 + 32 * i + 20), b = gf.slice(64 + 32 * i, 64 + 32 * i + 20);
    if (a !== b) fields.push(`st${i} ${a}/${b}`);
  }
  if (w[1] !== g[1]) fields.push(`flags ${w[1]}/${g[1]}`);
  if (w[2] !== g[2]) {
    for (let off = 0; off < 512; off += 16) {
      const a = w[2]!.slice(off, off + 32), b = g[2]!.slice(off, off + 32);
      if (a !== b) fields.push(`mem+${(off / 2).toString(16)} ${a}/${b}`);
    }
  }
  return `[${c.tag}] cw=${c.cw.toString(16)} code=${c.code} mem=${c.mem}\n    ${fields.join('\n    ')}`;
}

function buildOracle(): string | null {
  if (process.arch !== 'x64' || process.platform !== 'linux') return null;
  const src = join(ROOT, 'test/native/x87ref.c');
  if (!existsSync(src)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'qvm-x87-'));
  const exe = join(dir, 'x87ref');
  const r = spawnSync('gcc', ['-O0', '-o', exe, src], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return exe;
}

test('x87 differential test against the host FPU', (t) => {
  const exe = buildOracle();
  if (!exe) { t.skip('gcc / x86-64 host not available'); return; }
  const filter = process.env.X87_FILTER ? new RegExp(process.env.X87_FILTER) : null;
  const cases = genCases(0x5eed87).filter((c) => !filter || filter.test(c.tag));
  const input = cases.map((c) => `seq ${c.cw.toString(16)} ${c.code} ${c.mem || '00'}`).join('\n') + '\n';
  const res = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(res.status, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.equal(lines.length, cases.length);
  const failures: string[] = [];
  const byTag = new Map<string, number>();
  const skips = new VendorSkips();
  let exact = 0, fuzzyTotal = 0, fuzzyExact = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    if (!SAME_VENDOR) {
      skips.add('fop-in-fxsave');
      if (c.vendorPoint !== undefined) skips.add(c.vendorPoint);
    }
    let got: string;
    try {
      got = emulateSeq(c.cw, c.code, c.mem);
    } catch (e) {
      got = `exception ${(e as Error).message}`;
    }
    const want = lines[i]!;
    const ok = !got.startsWith('exception') && normalize(got, c.memMask) === normalize(want, c.memMask);
    if (c.fuzzy) {
      fuzzyTotal++;
      if (ok) fuzzyExact++;
      else if (!fuzzyOk(want, got, c.memMask)) {
        byTag.set(c.tag, (byTag.get(c.tag) ?? 0) + 1);
        if (failures.length < 40) failures.push(got.startsWith('exception') ? `[${c.tag}] ${c.code}: ${got}` : describeDiff(c, want, got));
      }
      continue;
    }
    if (ok) { exact++; continue; }
    byTag.set(c.tag, (byTag.get(c.tag) ?? 0) + 1);
    if (failures.length < 60 && byTag.get(c.tag)! <= (process.env.X87_FILTER ? 60 : 2)) failures.push(got.startsWith('exception') ? `[${c.tag}] ${c.code}: ${got}` : describeDiff(c, want, got));
  }
  const exactCount = cases.length - fuzzyTotal;
  t.diagnostic(`host: ${hostCpu().vendor} ${hostCpu().model}`);
  t.diagnostic(`bit-exact: ${exact}/${exactCount}; transcendental bit-exact ${fuzzyExact}/${fuzzyTotal} (the rest within 1 ulp)`);
  t.diagnostic(skips.summary());
  if (failures.length) {
    t.diagnostic(`mismatches by op: ${[...byTag].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    assert.fail(`${[...byTag.values()].reduce((a, b) => a + b, 0)} mismatches:\n${failures.join('\n')}`);
  }
});

/**
 * Transcendental results: accept a difference of one unit in the last place of the result
 * registers (with C1 and PE allowed to differ accordingly); everything else must match.
 */
function fuzzyOk(want: string, got: string, memMask?: [number, number][]): boolean {
  if (got.startsWith('exception')) return false;
  const w = normalize(want, memMask), g = normalize(got, memMask);
  if (w.length !== g.length) return false;
  const wf = w.split(' ')[0]!, gf = g.split(' ')[0]!;
  // FSW: ignore C1 (bit 9) and PE
  const fswW = parseInt(wf.slice(6, 8) + wf.slice(4, 6), 16), fswG = parseInt(gf.slice(6, 8) + gf.slice(4, 6), 16);
  if ((fswW & ~0x220) !== (fswG & ~0x220)) return false;
  if (wf.slice(0, 4) !== gf.slice(0, 4) || wf.slice(8, 64) !== gf.slice(8, 64)) return false;
  for (let i = 0; i < 8; i++) {
    const a = wf.slice(64 + 32 * i, 64 + 32 * i + 32), b = gf.slice(64 + 32 * i, 64 + 32 * i + 32);
    if (a === b) continue;
    if (!withinOneUlp(a.slice(0, 20), b.slice(0, 20))) return false;
  }
  const [, wFlags, wMem] = w.split(' '), [, gFlags, gMem] = g.split(' ');
  if (wFlags !== gFlags) return false;
  for (let off = 0; off < 256; off += 16) {
    const a = wMem!.slice(2 * off, 2 * off + 32), b = gMem!.slice(2 * off, 2 * off + 32);
    if (a === b) continue;
    if (off >= 0xa0 && off < 0xb0) {
      // stored status words (FNSTSW): C1 and PE follow the last rounding
      for (let k = 0; k < 32; k += 4) {
        const x = parseInt(a.slice(k + 2, k + 4) + a.slice(k, k + 2), 16), y = parseInt(b.slice(k + 2, k + 4) + b.slice(k, k + 2), 16);
        if ((x & ~0x220) !== (y & ~0x220)) return false;
      }
      continue;
    }
    if (off < 0xc0) return false;
    // stored results (m80, or m64/m32 whose raw bits are ordered alike) may differ by one unit
    if (!withinOneUlp(a.slice(0, 20), b.slice(0, 20)) || a.slice(20) !== b.slice(20)) return false;
  }
  return true;
}

/**
 * Whether two 10-byte values (little-endian hex) are at most one unit in the last place apart.
 * As raw integers they are for values of one binade and for float32/float64 bits; across a
 * binade boundary of 80-bit values the explicit integer bit breaks that (1.0 is
 * 3fff 8000000000000000, the value below it 3ffe ffffffffffffffff), so also compare positions
 * on the ordered line of 80-bit values.
 */
function withinOneUlp(aLe: string, bLe: string): boolean {
  const va = BigInt('0x' + leToBe(aLe)), vb = BigInt('0x' + leToBe(bLe));
  if ((va > vb ? va - vb : vb - va) <= 1n) return true;
  const pa = orderedF80(va), pb = orderedF80(vb);
  return (pa > pb ? pa - pb : pb - pa) <= 1n;
}

/** Position of an 80-bit value on the number line, in units of its last place. */
function orderedF80(v: bigint): bigint {
  const mant = v & ((1n << 64n) - 1n);
  const exp = (v >> 64n) & 0x7fffn;
  const neg = (v >> 79n) & 1n;
  const mag = exp === 0n ? mant : exp * (1n << 63n) + (mant & ((1n << 63n) - 1n));
  return neg ? -mag : mag;
}

function leToBe(h: string): string {
  let s = '';
  for (let i = h.length - 2; i >= 0; i -= 2) s += h.slice(i, i + 2);
  return s;
}
