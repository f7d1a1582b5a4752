/**
 * Unit tests of the SSE/SSE2 handlers: opcode table, #UD/#GP/#XM behaviour, MXCSR and FXSAVE,
 * rounding-mode and underflow/overflow corner cases with known results, rcp/rsqrt model.
 * (The bulk comparison against the real CPU is in sse-native.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CF, Cpu, CpuException, PF, ZF } from '../../../src/cpu/x86_64/cpu.js';
import { Insn, NO_REG } from '../../../src/cpu/x86_64/insn.js';
import { Memory, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { sseOpcodes } from '../../../src/cpu/x86_64/sse/index.js';

const MEM = 0x20000;

function makeCpu(): Cpu {
  const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 });
  mem.map(MEM, 0x2000, PROT_READ | PROT_WRITE, 'test');
  return new Cpu(mem);
}

interface Opts {
  prefix?: number;
  reg?: number;
  rm?: number;
  mod?: number;
  regOp?: number;
  imm?: number;
  rexW?: boolean;
  /** memory operand: base register number (disp 0) */
  base?: number;
}

function insn(op: number, o: Opts = {}): Insn {
  const e = sseOpcodes.get(op);
  if (!e) throw new Error(`no handler for ${op.toString(16)}`);
  const i = new Insn(e.handler);
  i.op = op;
  i.prefix = o.prefix ?? 0;
  i.rexW = o.rexW ?? false;
  i.hasRex = i.rexW;
  i.hasModRM = true;
  i.mod = o.mod ?? (o.base !== undefined ? 0 : 3);
  i.reg = o.reg ?? 0;
  i.regOp = o.regOp ?? (i.reg & 7);
  i.rm = o.rm ?? 1;
  if (i.mod !== 3) {
    i.base = o.base ?? 6;
    i.index = NO_REG;
    i.disp = 0;
  }
  i.imm = o.imm ?? 0;
  return i;
}

function run(cpu: Cpu, i: Insn): void {
  i.exec(cpu, i);
}

function setX(cpu: Cpu, r: number, l: number[]): void {
  for (let k = 0; k < 4; k++) cpu.xmm[r * 4 + k] = l[k] ?? 0;
}
function getX(cpu: Cpu, r: number): number[] {
  return Array.from(cpu.xmm.subarray(r * 4, r * 4 + 4));
}

function throwsSignal(f: () => void, signal: number, code?: number): CpuException {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CpuException, `expected CpuException, got ${String(e)}`);
    assert.equal(e.signal, signal, e.reason);
    if (code !== undefined) assert.equal(e.code, code, e.reason);
    return e;
  }
  assert.fail('expected a CpuException');
}

const f32 = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;
function f64(x: number): [number, number] {
  const w = new Uint32Array(new Float64Array([x]).buffer);
  return [w[0]!, w[1]!];
}

// ------------------------------------------------------------------ table

test('opcode table: coverage and imm8 flags', () => {
  const imm8 = [0x0fc2, 0x0fc4, 0x0fc5, 0x0fc6, 0x0f70, 0x0f71, 0x0f72, 0x0f73];
  for (const [op, e] of sseOpcodes) {
    assert.equal(e.imm8, imm8.includes(op), `imm8 of ${op.toString(16)}`);
    assert.equal(typeof e.handler, 'function');
  }
  for (const op of [0x10, 0x11, 0x28, 0x2a, 0x2c, 0x2d, 0x2e, 0x2f, 0x51, 0x58, 0x5a, 0x5b, 0x6e, 0x6f, 0x7e, 0x7f, 0xae,
    0xc3, 0xd6, 0xd7, 0xe6, 0xe7, 0xf7, 0xfe, 0x18]) {
    assert.ok(sseOpcodes.has(0x0f00 | op), `0f${op.toString(16)} present`);
  }
  // SSE3+ only opcodes must not be claimed
  for (const op of [0x0f7c, 0x0f7d, 0x0fd0, 0x0ff0, 0x0f3800, 0x0f3a0f]) assert.ok(!sseOpcodes.has(op));
});

// ------------------------------------------------------------------ #UD

test('MMX forms, SSE3 prefixes and unreported features raise SIGILL', () => {
  const cpu = makeCpu();
  const cases: [number, Opts][] = [
    [0x0ffc, { prefix: 0 }], // paddb mm
    [0x0f6f, { prefix: 0 }], // movq mm
    [0x0f70, { prefix: 0 }], // pshufw
    [0x0f12, { prefix: 0xf2 }], // movddup (SSE3)
    [0x0f12, { prefix: 0xf3 }], // movsldup (SSE3)
    [0x0f16, { prefix: 0xf3 }], // movshdup (SSE3)
    [0x0f2a, { prefix: 0 }], // cvtpi2ps
    [0x0f2d, { prefix: 0x66 }], // cvtpd2pi
    [0x0f52, { prefix: 0x66 }],
    [0x0f53, { prefix: 0xf2 }],
    [0x0f5b, { prefix: 0xf2 }],
    [0x0fe6, { prefix: 0 }],
    [0x0f71, { prefix: 0x66, regOp: 1, rm: 0 }],
    [0x0f73, { prefix: 0x66, regOp: 4, rm: 0 }],
    [0x0f73, { prefix: 0, regOp: 2, rm: 0 }],
    [0x0fae, { mod: 0, regOp: 4, base: 6 }], // xsave
    [0x0fae, { prefix: 0xf3, mod: 3, regOp: 0, rm: 0 }], // rdfsbase
    [0x0fae, { mod: 3, regOp: 2, rm: 0 }],
    [0x0fc3, { mod: 3 }], // movnti needs memory
    [0x0f13, { mod: 3 }],
    [0x0f12, { prefix: 0x66, mod: 3 }], // movlpd needs memory
    [0x0fc5, { prefix: 0x66, base: 6 }], // pextrw needs register (the m16 form is SSE4.1)
    [0x0fd7, { prefix: 0 }], // pmovmskb mm
  ];
  cpu.lo[6] = MEM;
  for (const [op, o] of cases) {
    const e = throwsSignal(() => run(cpu, insn(op, o)), 4, 2);
    assert.match(e.reason, /unimplemented SSE instruction/);
  }
});

// ------------------------------------------------------------------ #GP

test('misaligned 16-byte operands fault (SIGSEGV, SI_KERNEL); unaligned forms do not', () => {
  const cpu = makeCpu();
  cpu.lo[6] = MEM + 8;
  for (const [op, prefix] of [[0x0f28, 0], [0x0f58, 0], [0x0f58, 0x66], [0x0f6f, 0x66], [0x0ffe, 0x66], [0x0f14, 0],
    [0x0f70, 0x66], [0x0fef, 0x66], [0x0f5a, 0x66]] as [number, number][]) {
    throwsSignal(() => run(cpu, insn(op, { prefix, base: 6 })), 11, 0x80);
  }
  throwsSignal(() => run(cpu, insn(0x0f29, { base: 6 })), 11);
  throwsSignal(() => run(cpu, insn(0x0fe7, { prefix: 0x66, base: 6 })), 11);
  // unaligned forms and scalar / 64-bit operands are fine
  run(cpu, insn(0x0f10, { base: 6 }));
  run(cpu, insn(0x0f6f, { prefix: 0xf3, base: 6 }));
  run(cpu, insn(0x0f11, { base: 6 }));
  run(cpu, insn(0x0f58, { prefix: 0xf3, base: 6 }));
  run(cpu, insn(0x0f58, { prefix: 0xf2, base: 6 }));
  run(cpu, insn(0x0f5a, { prefix: 0, base: 6 }));
  run(cpu, insn(0x0f12, { base: 6 }));
});

test('a faulting 16-byte store writes nothing', () => {
  const cpu = makeCpu();
  // last 8 bytes of the mapping + 8 unmapped
  const addr = MEM + 0x2000 - 8;
  cpu.mem.write32(addr, 0x11111111);
  cpu.lo[6] = addr;
  setX(cpu, 0, [1, 2, 3, 4]);
  assert.throws(() => run(cpu, insn(0x0f11, { base: 6, reg: 0 })));
  assert.equal(cpu.mem.read32(addr), 0x11111111);
});

// ------------------------------------------------------------------ MXCSR

test('ldmxcsr / stmxcsr, reserved bits fault', () => {
  const cpu = makeCpu();
  cpu.lo[6] = MEM;
  cpu.mem.write32(MEM, 0x7f80 | 0x40 | 0x21);
  run(cpu, insn(0x0fae, { base: 6, regOp: 2 }));
  assert.equal(cpu.mxcsr, 0x7fe1);
  cpu.mem.write32(MEM + 4, 0);
  cpu.lo[6] = MEM + 4;
  run(cpu, insn(0x0fae, { base: 6, regOp: 3 }));
  assert.equal(cpu.mem.read32(MEM + 4), 0x7fe1);
  cpu.lo[6] = MEM;
  cpu.mem.write32(MEM, 0x11f80);
  throwsSignal(() => run(cpu, insn(0x0fae, { base: 6, regOp: 2 })), 11, 0x80);
  assert.equal(cpu.mxcsr, 0x7fe1);
  // fences and prefetch are no-ops
  for (const k of [5, 6, 7]) run(cpu, insn(0x0fae, { mod: 3, regOp: k, rm: 0 }));
  run(cpu, insn(0x0f18, { base: 6, regOp: 1 }));
  cpu.lo[6] = 0x7000_0000; // unmapped: prefetch must not fault
  run(cpu, insn(0x0f18, { base: 6, regOp: 0 }));
});

test('fxsave / fxrstor layout and round trip', () => {
  const cpu = makeCpu();
  for (let i = 0; i < 64; i++) cpu.xmm[i] = (i * 0x01010101 + 0x10203) >>> 0;
  cpu.mxcsr = 0x9fa5;
  cpu.lo[6] = MEM + 0x200;
  cpu.mem.write32(MEM + 0x200 + 500, 0xdeadbeef);
  run(cpu, insn(0x0fae, { base: 6, regOp: 0 }));
  const a = MEM + 0x200;
  assert.equal(cpu.mem.read32(a + 24), 0x9fa5);
  assert.equal(cpu.mem.read32(a + 28), 0xffff);
  for (let i = 0; i < 64; i++) assert.equal(cpu.mem.read32(a + 160 + 4 * i), cpu.xmm[i]);
  assert.equal(cpu.mem.read32(a + 500), 0xdeadbeef, 'bytes 464-511 are left alone');
  const saved = Array.from(cpu.xmm);
  cpu.xmm.fill(0);
  cpu.mxcsr = 0x1f80;
  run(cpu, insn(0x0fae, { base: 6, regOp: 1 }));
  assert.deepEqual(Array.from(cpu.xmm), saved);
  assert.equal(cpu.mxcsr, 0x9fa5);
  // reserved MXCSR bits in the image → #GP, nothing restored
  cpu.mem.write32(a + 24, 0x10000);
  cpu.xmm.fill(7);
  throwsSignal(() => run(cpu, insn(0x0fae, { base: 6, regOp: 1 })), 11);
  assert.equal(cpu.xmm[0], 7);
  assert.equal(cpu.mxcsr, 0x9fa5);
  // misaligned area
  cpu.lo[6] = MEM + 0x208;
  throwsSignal(() => run(cpu, insn(0x0fae, { base: 6, regOp: 0 })), 11);
});

// ------------------------------------------------------------------ unmasked exceptions (#XM)

test('unmasked SIMD exceptions raise SIGFPE without writing the destination', () => {
  const cpu = makeCpu();
  // divss by zero with ZM clear
  cpu.mxcsr = 0x1f80 & ~0x200;
  setX(cpu, 0, [f32(1), 5, 6, 7]);
  setX(cpu, 1, [0, 0, 0, 0]);
  throwsSignal(() => run(cpu, insn(0x0f5e, { prefix: 0xf3 })), 8, 3);
  assert.deepEqual(getX(cpu, 0), [f32(1), 5, 6, 7]);
  assert.equal(cpu.mxcsr & 0x3f, 0x4);

  // inexact addpd with PM clear: FPE_FLTRES, dest unchanged, PE set
  cpu.mxcsr = 0x1f80 & ~0x1000;
  const a = f64(1), b = f64(2 ** -60);
  setX(cpu, 0, [a[0], a[1], a[0], a[1]]);
  setX(cpu, 1, [b[0], b[1], 0, 0]);
  throwsSignal(() => run(cpu, insn(0x0f58, { prefix: 0x66 })), 8, 6);
  assert.deepEqual(getX(cpu, 0), [a[0], a[1], a[0], a[1]]);
  assert.equal(cpu.mxcsr & 0x3f, 0x20);

  // invalid (0/0) unmasked wins over other lanes' inexact: only IE reported (pre-computation first)
  cpu.mxcsr = 0x1f80 & ~0x80 & ~0x1000;
  setX(cpu, 0, [0, f32(1), 0, 0]);
  setX(cpu, 1, [0, f32(3), f32(1), f32(1)]);
  throwsSignal(() => run(cpu, insn(0x0f5e, { prefix: 0 })), 8, 7);
  assert.equal(cpu.mxcsr & 0x3f, 0x1);

  // unmasked underflow reports a tiny exact result too (masked: no flag)
  cpu.mxcsr = 0x1f80;
  setX(cpu, 0, [0x00000020, 0, 0, 0]);
  setX(cpu, 1, [0x80000010, 0, 0, 0]);
  run(cpu, insn(0x0f58, { prefix: 0xf3 }));
  assert.equal(cpu.xmm[0], 0x10);
  assert.equal(cpu.mxcsr & 0x3f, 0x2, 'only DE');
  cpu.mxcsr = 0x1f80 & ~0x800;
  setX(cpu, 0, [0x00000020, 0, 0, 0]);
  throwsSignal(() => run(cpu, insn(0x0f58, { prefix: 0xf3 })), 8, 5);
  assert.equal(cpu.xmm[0], 0x20);
  assert.equal(cpu.mxcsr & 0x3f, 0x12);

  // comiss with an unmasked invalid leaves EFLAGS alone
  cpu.mxcsr = 0x1f00;
  cpu.setFlagsEager(0);
  setX(cpu, 0, [0x7fc00000, 0, 0, 0]);
  setX(cpu, 1, [f32(1), 0, 0, 0]);
  throwsSignal(() => run(cpu, insn(0x0f2f)), 8, 7);
  assert.equal(cpu.arithFlags(), 0);
  // ucomiss on a QNaN does not signal
  run(cpu, insn(0x0f2e));
  assert.equal(cpu.arithFlags(), ZF | PF | CF);

  // sticky flags already set do not fault when masked later
  cpu.mxcsr = 0x1f80 | 0x3f;
  run(cpu, insn(0x0f58, { prefix: 0xf3 }));
  assert.equal(cpu.mxcsr, 0x1fbf);
});

// ------------------------------------------------------------------ known arithmetic results

test('rounding modes, overflow and underflow on binary64', () => {
  const cpu = makeCpu();
  const one = f64(1), tiny = f64(2 ** -80), max = f64(Number.MAX_VALUE), minN = f64(2 ** -1022);
  const addsd = insn(0x0f58, { prefix: 0xf2 });
  const subsd = insn(0x0f5c, { prefix: 0xf2 });
  const mulsd = insn(0x0f59, { prefix: 0xf2 });
  const divsd = insn(0x0f5e, { prefix: 0xf2 });
  const lo = (): string => cpu.xmm[1]!.toString(16).padStart(8, '0') + cpu.xmm[0]!.toString(16).padStart(8, '0');
  const go = (i: Insn, mx: number, a: [number, number], b: [number, number]): [string, number] => {
    cpu.mxcsr = mx;
    setX(cpu, 0, [a[0], a[1], 0, 0]);
    setX(cpu, 1, [b[0], b[1], 0, 0]);
    run(cpu, i);
    return [lo(), cpu.mxcsr & 0x3f];
  };
  // 1 + 2^-80
  assert.deepEqual(go(addsd, 0x1f80, one, tiny), ['3ff0000000000000', 0x20]);
  assert.deepEqual(go(addsd, 0x5f80, one, tiny), ['3ff0000000000001', 0x20]); // up
  assert.deepEqual(go(subsd, 0x3f80, one, tiny), ['3fefffffffffffff', 0x20]); // down: below a power of two
  assert.deepEqual(go(subsd, 0x7f80, one, tiny), ['3fefffffffffffff', 0x20]); // toward zero
  assert.deepEqual(go(subsd, 0x5f80, one, tiny), ['3ff0000000000000', 0x20]); // up
  // x - x = -0 only when rounding down
  assert.deepEqual(go(subsd, 0x3f80, one, one), ['8000000000000000', 0]);
  assert.deepEqual(go(subsd, 0x1f80, one, one), ['0000000000000000', 0]);
  // overflow per rounding mode
  assert.deepEqual(go(mulsd, 0x1f80, max, f64(2)), ['7ff0000000000000', 0x28]);
  assert.deepEqual(go(mulsd, 0x7f80, max, f64(2)), ['7fefffffffffffff', 0x28]);
  assert.deepEqual(go(mulsd, 0x3f80, max, f64(-2)), ['fff0000000000000', 0x28]);
  assert.deepEqual(go(mulsd, 0x5f80, max, f64(-2)), ['ffefffffffffffff', 0x28]);
  assert.deepEqual(go(addsd, 0x5f80, max, f64(1)), ['7ff0000000000000', 0x28]); // RU past MAX
  // underflow: denormal result, FTZ, rounding of a tiny value to the smallest denormal
  assert.deepEqual(go(divsd, 0x1f80, minN, f64(3)), ['0005555555555555', 0x30]);
  assert.deepEqual(go(divsd, 0x9f80, minN, f64(3)), ['0000000000000000', 0x30]);
  assert.deepEqual(go(mulsd, 0x5f80, minN, f64(2 ** -200)), ['0000000000000001', 0x30]);
  assert.deepEqual(go(mulsd, 0x1f80, minN, f64(2 ** -200)), ['0000000000000000', 0x30]);
  assert.deepEqual(go(mulsd, 0x1f80, minN, f64(0.5)), ['0008000000000000', 0]); // exact denormal
  // invalid and division by zero, NaN propagation (first operand's NaN, quieted)
  assert.deepEqual(go(mulsd, 0x1f80, f64(0), f64(Infinity)), ['fff8000000000000', 0x1]);
  assert.deepEqual(go(divsd, 0x1f80, f64(-1), f64(0)), ['fff0000000000000', 0x4]);
  assert.deepEqual(go(addsd, 0x1f80, [1, 0x7ff00000], [2, 0xfff80000]), ['7ff8000000000001', 0x1]);
  assert.deepEqual(go(addsd, 0x1f80, f64(1), [2, 0xfff00000]), ['fff8000000000002', 0x1]);
});

test('min/max pick the second operand on NaN or equal; sqrt; comisd flags', () => {
  const cpu = makeCpu();
  const minps = insn(0x0f5d);
  cpu.mxcsr = 0x1f80;
  setX(cpu, 0, [0x80000000, 0x7fc00001, f32(1), f32(2)]);
  setX(cpu, 1, [0x00000000, f32(3), 0x7f800001, f32(1)]);
  run(cpu, minps);
  assert.deepEqual(getX(cpu, 0), [0, f32(3), 0x7f800001, f32(1)]);
  assert.equal(cpu.mxcsr & 0x3f, 0x1);

  cpu.mxcsr = 0x1f80;
  setX(cpu, 1, [f32(2), f32(-4), 0x80000000, 0x00000001]);
  run(cpu, insn(0x0f51));
  assert.deepEqual(getX(cpu, 0), [0x3fb504f3, 0xffc00000, 0x80000000, 0x1a3504f3]);
  assert.equal(cpu.mxcsr & 0x3f, 0x23);

  const c = (a: number, b: number): number => {
    const x = f64(a), y = f64(b);
    setX(cpu, 0, [x[0], x[1], 0, 0]);
    setX(cpu, 1, [y[0], y[1], 0, 0]);
    run(cpu, insn(0x0f2f, { prefix: 0x66 }));
    return cpu.arithFlags();
  };
  cpu.mxcsr = 0x1f80;
  assert.equal(c(1, 2), CF);
  assert.equal(c(2, 1), 0);
  assert.equal(c(-0, 0), ZF);
  assert.equal(c(NaN, 0), ZF | PF | CF);
});

test('conversions: integer indefinite, rounding, 64-bit sources', () => {
  const cpu = makeCpu();
  const cvtsd2si64 = insn(0x0f2d, { prefix: 0xf2, rexW: true, reg: 0, rm: 1 });
  const cvttss2si = insn(0x0f2c, { prefix: 0xf3, reg: 0, rm: 1 });
  const conv = (i: Insn, mx: number, src: number[]): [string, number] => {
    cpu.mxcsr = mx;
    cpu.lo[0] = 0x12345678; cpu.hi[0] = 0x9abcdef0;
    setX(cpu, 1, src);
    run(cpu, i);
    return [cpu.hi[0]!.toString(16) + ':' + cpu.lo[0]!.toString(16), cpu.mxcsr & 0x3f];
  };
  assert.deepEqual(conv(cvtsd2si64, 0x1f80, f64(2.5)), ['0:2', 0x20]);
  assert.deepEqual(conv(cvtsd2si64, 0x1f80, f64(-3.5)), ['ffffffff:fffffffc', 0x20]);
  assert.deepEqual(conv(cvtsd2si64, 0x5f80, f64(2.25)), ['0:3', 0x20]);
  assert.deepEqual(conv(cvtsd2si64, 0x1f80, f64(2 ** 63)), ['80000000:0', 0x1]);
  assert.deepEqual(conv(cvtsd2si64, 0x1f80, f64(-(2 ** 63))), ['80000000:0', 0]);
  assert.deepEqual(conv(cvtsd2si64, 0x1f80, [0, 0x7ff80000]), ['80000000:0', 0x1]);
  assert.deepEqual(conv(cvttss2si, 0x1f80, [f32(-2.9), 0, 0, 0]), ['0:fffffffe', 0x20]);
  assert.deepEqual(conv(cvttss2si, 0x1f80, [f32(2 ** 31), 0, 0, 0]), ['0:80000000', 0x1]);
  // cvtsi2ss rax = 2^63 - 1 → 2^63 (inexact); round toward zero → largest float below 2^63
  const cvtsi2ss = insn(0x0f2a, { prefix: 0xf3, rexW: true, reg: 0, rm: 0 });
  cpu.lo[0] = 0xffffffff; cpu.hi[0] = 0x7fffffff;
  cpu.mxcsr = 0x1f80;
  setX(cpu, 0, [0, 9, 9, 9]);
  run(cpu, cvtsi2ss);
  assert.deepEqual(getX(cpu, 0), [0x5f000000, 9, 9, 9]);
  cpu.mxcsr = 0x7f80;
  run(cpu, cvtsi2ss);
  assert.deepEqual(getX(cpu, 0), [0x5effffff, 9, 9, 9]);
  assert.equal(cpu.mxcsr & 0x3f, 0x20);
  // cvtsd2ss of a NaN keeps the top payload bits; of a huge value overflows
  const cvtsd2ss = insn(0x0f5a, { prefix: 0xf2 });
  cpu.mxcsr = 0x1f80;
  setX(cpu, 1, [0xffffffff, 0x7ff7ffff, 0, 0]);
  run(cpu, cvtsd2ss);
  assert.equal(cpu.xmm[0], 0x7fffffff);
  assert.equal(cpu.mxcsr & 0x3f, 0x1);
  cpu.mxcsr = 0x1f80;
  const h = f64(1e300);
  setX(cpu, 1, [h[0], h[1], 0, 0]);
  run(cpu, cvtsd2ss);
  assert.equal(cpu.xmm[0], 0x7f800000);
  assert.equal(cpu.mxcsr & 0x3f, 0x28);
});

test('movd/movq, pextrw/pinsrw, movmskps, pmovmskb, maskmovdqu', () => {
  const cpu = makeCpu();
  cpu.lo[3] = 0xdeadbeef; cpu.hi[3] = 0x01234567;
  run(cpu, insn(0x0f6e, { prefix: 0x66, rexW: true, reg: 2, rm: 3 }));
  assert.deepEqual(getX(cpu, 2), [0xdeadbeef, 0x01234567, 0, 0]);
  run(cpu, insn(0x0f6e, { prefix: 0x66, reg: 2, rm: 3 }));
  assert.deepEqual(getX(cpu, 2), [0xdeadbeef, 0, 0, 0]);
  setX(cpu, 4, [0x11112222, 0x33334444, 0x55556666, 0x87778888]);
  cpu.hi[5] = 0xffffffff;
  run(cpu, insn(0x0f7e, { prefix: 0x66, reg: 4, rm: 5 }));
  assert.equal(cpu.lo[5], 0x11112222);
  assert.equal(cpu.hi[5], 0, '32-bit GPR write zero-extends');
  run(cpu, insn(0x0fc5, { prefix: 0x66, reg: 5, rm: 4, imm: 7 }));
  assert.equal(cpu.lo[5], 0x8777);
  cpu.lo[5] = 0xabcd1234;
  run(cpu, insn(0x0fc4, { prefix: 0x66, reg: 4, rm: 5, imm: 2 }));
  assert.deepEqual(getX(cpu, 4), [0x11112222, 0x33331234, 0x55556666, 0x87778888]);
  run(cpu, insn(0x0f50, { reg: 6, rm: 4 }));
  assert.equal(cpu.lo[6], 0b1000);
  run(cpu, insn(0x0fd7, { prefix: 0x66, reg: 6, rm: 4 }));
  assert.equal(cpu.lo[6], 0xb000);
  // maskmovdqu writes only the selected bytes at [rdi]
  cpu.lo[7] = MEM; cpu.hi[7] = 0;
  for (let i = 0; i < 4; i++) cpu.mem.write32(MEM + 4 * i, 0xaaaaaaaa);
  setX(cpu, 0, [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c]);
  setX(cpu, 1, [0x00800080, 0, 0, 0x80000000]);
  run(cpu, insn(0x0ff7, { prefix: 0x66, reg: 0, rm: 1 }));
  assert.equal(cpu.mem.read32(MEM), 0xaa02aa00);
  assert.equal(cpu.mem.read32(MEM + 4), 0xaaaaaaaa);
  assert.equal(cpu.mem.read32(MEM + 12), 0x0faaaaaa);
});

// ------------------------------------------------------------------ rcp / rsqrt model

test('rcpps/rsqrtps follow the documented table model and error bound', () => {
  const cpu = makeCpu();
  const rcp = (v: number): number => { setX(cpu, 1, [v, 0, 0, 0]); run(cpu, insn(0x0f53, { prefix: 0xf3 })); return cpu.xmm[0]!; };
  const rsq = (v: number): number => { setX(cpu, 1, [v, 0, 0, 0]); run(cpu, insn(0x0f52, { prefix: 0xf3 })); return cpu.xmm[0]!; };
  cpu.mxcsr = 0x1f80;
  assert.equal(rcp(f32(1)), 0x3f7ff000);
  assert.equal(rcp(f32(-1)), 0xbf7ff000);
  assert.equal(rcp(0), 0x7f800000);
  assert.equal(rcp(0x80000001), 0xff800000); // denormal acts as zero
  assert.equal(rcp(0x7f800000), 0);
  assert.equal(rcp(0x7f000000), 0); // 1/2^127: tiny, flushed
  assert.equal(rcp(0x7e000000), 0x00fff000); // 1/2^125 → 2^-126·(2 - 2^-11)
  assert.equal(rcp(0x7e800000), 0); // 1/2^126 → 2^-127·(2 - 2^-11) is tiny: flushed
  assert.equal(rcp(0x7f800001), 0x7fc00001);
  assert.equal(rsq(f32(1)), 0x3f7ff000);
  assert.equal(rsq(f32(4)), 0x3efff000);
  assert.equal(rsq(0x80000000), 0xff800000);
  assert.equal(rsq(f32(-1)), 0xffc00000);
  assert.equal(rsq(0x7f800000), 0);
  assert.equal(rsq(0xff800000), 0xffc00000);
  assert.equal(cpu.mxcsr, 0x1f80, 'no flags');
  // relative error bound 1.5·2^-12 over many inputs
  let s = 12345;
  for (let i = 0; i < 20000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const bits = ((s & 0x807fffff) | ((1 + (s % 250)) << 23)) >>> 0;
    const x = new Float32Array(new Uint32Array([bits]).buffer)[0]!;
    const r = new Float32Array(new Uint32Array([rcp(bits)]).buffer)[0]!;
    if (r !== 0) assert.ok(Math.abs(r * x - 1) <= 1.5 * 2 ** -12, `rcp ${bits.toString(16)}`);
    if (x > 0) {
      const q = new Float32Array(new Uint32Array([rsq(bits)]).buffer)[0]!;
      assert.ok(Math.abs(q * Math.sqrt(x) - 1) <= 1.5 * 2 ** -12, `rsqrt ${bits.toString(16)}`);
    }
  }
});

test('integer shifts by large counts and byte shifts', () => {
  const cpu = makeCpu();
  setX(cpu, 0, [0x80000001, 0x80000000, 0x7fffffff, 0xffffffff]);
  setX(cpu, 1, [0, 1, 0, 0]); // count 2^32
  run(cpu, insn(0x0fe2, { prefix: 0x66 }));
  assert.deepEqual(getX(cpu, 0), [0xffffffff, 0xffffffff, 0, 0xffffffff]);
  setX(cpu, 0, [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c]);
  run(cpu, insn(0x0f73, { prefix: 0x66, regOp: 3, rm: 0, imm: 5 }));
  assert.deepEqual(getX(cpu, 0), [0x08070605, 0x0c0b0a09, 0x000f0e0d, 0]);
  run(cpu, insn(0x0f73, { prefix: 0x66, regOp: 7, rm: 0, imm: 16 }));
  assert.deepEqual(getX(cpu, 0), [0, 0, 0, 0]);
});
