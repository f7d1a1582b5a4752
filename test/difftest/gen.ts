/**
 * Random test cases for the differential tester: encodings of every integer instruction form of
 * the opcode table (ALU, shifts, rotates, multiply/divide, bit operations, string operations,
 * cmov/setcc, bswap, xadd/cmpxchg, stack and branches), SSE/SSE2 forms and x87 forms, with
 * random prefixes (66, REX.W/R/X/B, 67, F2/F3 where meaningful, LOCK), random addressing modes
 * (every ModRM/SIB form, RIP-relative, 32-bit addresses, unaligned operands, operands running off
 * the data page) and operands biased towards edge values (0, ±1, INT_MIN/INT_MAX of every size,
 * shift counts 0/1/size-1/size/63/64+, NaNs, infinities, denormals, ±0).
 *
 * Every case records which RFLAGS bits (and results) the SDM leaves undefined for it, so the
 * comparison only looks at architecturally defined state.
 *
 * Forms deliberately not generated (the host CPU is not the CPU QVM models):
 *  - F3 0F BC/BD: TZCNT/LZCNT on hosts with BMI1/LZCNT, BSF/BSR on the baseline QVM reports;
 *  - 66-prefixed near branches (AMD truncates RIP to 16 bits, Intel ignores the prefix);
 *  - CPUID, RDTSC, SYSCALL, INT3/INT n/HLT/UD2 (host-dependent or not single-step testable);
 *  - FS/GS segment overrides (the host's FS base is its own TLS);
 *  - RCPPS/RCPSS/RSQRTPS/RSQRTSS (vendor-specific tables, see docs/sse.md), FXSAVE/FXRSTOR
 *    (the host stores FIP/FDP), x87 transcendental instructions (vendor-specific microcode) and
 *    FNSTENV/FNSAVE/FLDENV/FRSTOR (instruction pointers);
 *  - MMX and SSE3+ forms of SSE opcodes: QVM raises SIGILL (not reported by CPUID), the host runs them.
 */
import { CODE, DATA, INSN_ADDR, INSN_OFF, PAGE, type Case } from './harness.js';
import { sseOpcodes } from '../../src/cpu/x86_64/sse/index.js';

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;

// ------------------------------------------------------------------ random numbers

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** mulberry32 */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  bool(p = 0.5): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

const EDGE: bigint[] = [
  0n, 1n, 2n, 3n, 0x7fn, 0x80n, 0x81n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0x8001n, 0xffffn, 0x10000n,
  0x7fffffffn, 0x80000000n, 0x80000001n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0x8000000000000001n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff00000000n,
  0x00000000ffffff80n, 0xffffffffffff8000n, 0xffffffff80000000n, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan,
  0x0f0f0f0f0f0f0f0fn, 0x123456789abcdef0n, 0x1fn, 0x20n, 0x3fn, 0x40n, 0x41n,
];

/** A 64-bit operand biased towards edge values. */
function val(r: Rng): bigint {
  switch (r.int(8)) {
    case 0: case 1: case 2: return r.pick(EDGE);
    case 3: return BigInt(r.range(0, 70));
    case 4: return BigInt.asUintN(64, -BigInt(r.range(1, 70)));
    case 5: return 1n << BigInt(r.int(64));
    case 6: return BigInt.asUintN(64, r.pick(EDGE) + BigInt(r.range(-2, 2)));
    default: return r.u64();
  }
}

function bytesLE(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

function hex(b: number[]): string {
  return b.map((x) => x.toString(16).padStart(2, '0')).join('');
}

// ------------------------------------------------------------------ instruction builder

const REG_NONE = -1;

class Builder {
  prefixes: number[] = [];
  rexW = false; rexR = false; rexX = false; rexB = false;
  /** A REX prefix is present (byte registers 4-7 mean SPL..DIL). */
  rex = false;
  opcode: number[] = [];
  modrm: number | null = null;
  sib: number | null = null;
  disp: number[] = [];
  ripTarget: number | null = null;
  imm: number[] = [];
  readonly regs = new Map<number, bigint>();
  readonly mem = new Map<number, number[]>();
  readonly other = new Map<string, string>();
  flagsUndef = 0;
  ignore: string[] = [];
  fswUndef = 0;
  mseed: number;
  /** Data-page offset of the memory operand (when there is one). */
  memOff = -1;
  /** The memory operand runs off the data page: a fault is expected. */
  memFault = false;
  addr32 = false;

  constructor(readonly r: Rng) {
    this.mseed = r.int(16);
  }

  setReg(k: number, v: bigint): void {
    this.regs.set(k, BigInt.asUintN(64, v));
  }

  setMem(off: number, bytes: number[]): void {
    if (off < 0 || off >= PAGE) return;
    this.mem.set(off, bytes.slice(0, PAGE - off));
  }

  /** Operand size from 66 / REX.W (sizes allowed: 2, 4, 8). */
  opSize(allowed: readonly number[] = [2, 4, 8]): number {
    const size = this.r.pick(allowed);
    if (size === 2) this.prefixes.push(0x66);
    if (size === 8) this.rexW = true;
    return size;
  }

  /**
   * Byte-register mode: with REX, registers 0-15 (4-7 = SPL..DIL); without, 0-7 (4-7 = AH..BH).
   * Call before choosing registers of a byte-sized instruction.
   */
  byteMode(): void {
    if (this.r.bool(0.5)) this.rex = true;
  }

  /** A register number for ModRM.reg / rm of the given instruction. */
  pickReg(byte: boolean): number {
    if (byte && !this.rex) return this.r.int(8);
    return this.r.int(16);
  }

  /** ModRM with reg field = `reg` (0-15 or a /digit) and a register r/m operand. */
  modReg(reg: number, rm: number): void {
    if (reg & 8) this.rexR = true;
    if (rm & 8) this.rexB = true;
    this.modrm = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  }

  /**
   * ModRM with reg field = `reg` and a memory operand of `size` bytes, addressing the data page
   * (mostly in its middle; sometimes running off its end). Registers used for the address are
   * given values last, so they win over operand values chosen before.
   */
  modMem(reg: number, size: number, opts: { align?: number; noRip?: boolean; offset?: number } = {}): number {
    const r = this.r;
    if (reg & 8) this.rexR = true;
    let off: number;
    if (opts.offset !== undefined) off = opts.offset;
    else if (r.bool(0.02) && size > 1) {
      off = PAGE - size + r.range(1, size - 1);
      this.memFault = true;
    } else {
      off = r.range(0x100, 0xe00);
      const align = opts.align ?? 0;
      if (align > 1 && r.bool(0.9)) off -= off % align;
      else if (r.bool(0.5)) off -= off % size;
    }
    this.memOff = off;
    const target = BigInt(DATA + off);
    if (r.bool(0.08)) {
      this.addr32 = true;
      this.prefixes.push(0x67);
    }
    const mode = r.int(10);
    if (mode === 0 && !opts.noRip && !this.addr32) {
      // RIP-relative
      this.modrm = ((reg & 7) << 3) | 5;
      this.ripTarget = DATA + off;
      this.disp = [0, 0, 0, 0];
      return off;
    }
    const dispKind = r.int(3); // mod 0, 1 (disp8), 2 (disp32)
    let disp = 0n;
    if (dispKind === 1) disp = BigInt(r.range(-128, 127));
    else if (dispKind === 2) disp = BigInt(r.range(-0x100000, 0x100000));
    let base: number, index = REG_NONE, scale = 1;
    const useSib = mode >= 6 || mode === 1;
    if (useSib) {
      scale = 1 << r.int(4);
      index = r.bool(0.15) ? REG_NONE : r.int(16);
      if (index === 4) index = REG_NONE;
      base = r.int(16);
      const noBase = mode === 1 && dispKind === 0;
      if (noBase) base = REG_NONE;
    } else {
      base = r.int(16);
      if (base === 4 || base === 12) base = base === 4 ? 3 : 13; // rm=4 means SIB
    }
    // mod 0 with base 5/13 means no base (SIB) or RIP (no SIB): force disp8 instead
    let mod = dispKind;
    if (base !== REG_NONE && (base & 7) === 5 && mod === 0) { mod = 1; disp = 0n; }
    if (base === REG_NONE) {
      mod = 0;
      disp = BigInt(r.range(-0x1000, 0x1000));
    }
    // values
    let idxVal = 0n;
    if (index !== REG_NONE) {
      idxVal = BigInt.asUintN(64, BigInt(r.range(-64, 64)));
      if (this.addr32) idxVal = (BigInt(r.u32()) << 32n) | (idxVal & 0xffffffffn);
    }
    const idxSigned = index === REG_NONE ? 0n : this.addr32 ? BigInt.asIntN(32, idxVal) : BigInt.asIntN(64, idxVal);
    if (base === REG_NONE) {
      disp = target - idxSigned * BigInt(scale);
    } else if (base === index) {
      // one register plays both roles: v·(1+scale) + disp = target
      const v = (target - disp) / BigInt(1 + scale);
      idxVal = v;
      const actual = v * BigInt(1 + scale) + disp;
      off = Number(actual - BigInt(DATA));
      this.memOff = off;
      this.memFault = off + size > PAGE;
      if (off < 0) { off = 0; }
    }
    if (index !== REG_NONE) this.setReg(index, idxVal);
    if (base !== REG_NONE && base !== index) {
      let bv = target - disp - idxSigned * BigInt(scale);
      if (this.addr32) bv = (BigInt(r.u32()) << 32n) | BigInt.asUintN(32, bv);
      this.setReg(base, bv);
    }
    if (base !== REG_NONE && (base & 8)) this.rexB = true;
    if (index !== REG_NONE && (index & 8)) this.rexX = true;
    if (useSib) {
      const baseField = base === REG_NONE ? 5 : base & 7;
      const indexField = index === REG_NONE ? 4 : index & 7;
      this.modrm = (mod << 6) | ((reg & 7) << 3) | 4;
      this.sib = ((Math.log2(scale) & 3) << 6) | (indexField << 3) | baseField;
    } else {
      this.modrm = (mod << 6) | ((reg & 7) << 3) | (base & 7);
    }
    if (mod === 1) this.disp = bytesLE(BigInt.asUintN(8, disp), 1);
    else if (mod === 2 || base === REG_NONE) this.disp = bytesLE(BigInt.asUintN(32, disp), 4);
    return off;
  }

  /** Put a value of `size` bytes at the memory operand. */
  memValue(size: number, v: bigint): void {
    if (this.memOff >= 0) this.setMem(this.memOff, bytesLE(v, size));
  }

  immBytes(v: bigint, n: number): void {
    this.imm = bytesLE(BigInt.asUintN(n * 8, v), n);
  }

  build(cls: string, name: string): Case {
    const bytes: number[] = [...this.prefixes];
    const rexByte = 0x40 | (this.rexW ? 8 : 0) | (this.rexR ? 4 : 0) | (this.rexX ? 2 : 0) | (this.rexB ? 1 : 0);
    if (rexByte !== 0x40 || this.rex) bytes.push(rexByte);
    bytes.push(...this.opcode);
    if (this.modrm !== null) bytes.push(this.modrm);
    if (this.sib !== null) bytes.push(this.sib);
    const dispAt = bytes.length;
    bytes.push(...this.disp);
    bytes.push(...this.imm);
    if (this.ripTarget !== null) {
      const d = this.ripTarget - (INSN_ADDR + bytes.length);
      const db = bytesLE(BigInt.asUintN(32, BigInt(d)), 4);
      for (let i = 0; i < 4; i++) bytes[dispAt + i] = db[i]!;
    }
    const sets: Array<[string, string]> = [];
    for (const [k, v] of [...this.regs].sort((a, b) => a[0] - b[0])) sets.push([`r${k}`, v.toString(16)]);
    for (const [k, v] of this.other) sets.push([k, v]);
    for (const [off, b] of [...this.mem].sort((a, b) => a[0] - b[0])) sets.push([`m${off.toString(16)}`, hex(b)]);
    return {
      cls, name, code: Uint8Array.from(bytes), mseed: this.mseed, sets,
      flagsUndef: this.flagsUndef, ignore: this.ignore.length ? this.ignore : undefined,
      fswUndef: this.fswUndef || undefined,
    };
  }

  /** Random arithmetic flags (and sometimes DF) as the input RFLAGS. */
  randomFlags(df = false): void {
    let f = this.r.u32() & ARITH;
    if (df && this.r.bool(0.5)) f |= 0x400;
    this.other.set('fl', f.toString(16));
  }
}

// ------------------------------------------------------------------ operand helpers

/** r/m operand: register (mod 3) or memory, value set either way. Returns true for memory. */
function rmOperand(b: Builder, reg: number, size: number, byte: boolean, opts: { memOnly?: boolean; regOnly?: boolean; memP?: number } = {}): boolean {
  const mem = opts.memOnly || (!opts.regOnly && b.r.bool(opts.memP ?? 0.4));
  if (mem) {
    b.modMem(reg, size);
    b.memValue(size, val(b.r));
    return true;
  }
  const rm = b.pickReg(byte);
  b.setReg(physReg(b, rm, byte), val(b.r));
  b.modReg(reg, rm);
  return false;
}

/** The full register behind a ModRM register number (AH..BH are in RAX..RBX without REX). */
function physReg(b: Builder, k: number, byte: boolean): number {
  return byte && !b.rex && k >= 4 && k < 8 ? k - 4 : k;
}

function sizeName(size: number): string {
  return size === 1 ? 'b' : size === 2 ? 'w' : size === 4 ? 'd' : 'q';
}

/** Sets a register to a random value (or leaves a value an address already needs). */
function regVal(b: Builder, k: number, v: bigint = val(b.r)): void {
  b.setReg(k, v);
}

const LOCKABLE_ALU = new Set([0, 1, 2, 3, 4, 5, 6]);

// ------------------------------------------------------------------ integer classes

type Gen = (r: Rng) => Case;

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];

function genAlu(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const k = r.int(8);
  const form = r.int(9);
  const logic = k === 1 || k === 4 || k === 6;
  if (logic) b.flagsUndef = AF;
  let name = ALU[k]!;
  if (form <= 3) {
    // 00-03 +8k: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev
    const byte = (form & 1) === 0;
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const reg = b.pickReg(byte);
    regVal(b, reg);
    const mem = rmOperand(b, reg, size, byte);
    if (mem && form < 2 && LOCKABLE_ALU.has(k) && r.bool(0.2)) { b.prefixes.unshift(0xf0); name = 'lock ' + name; }
    b.opcode = [k * 8 + form];
    name += ` ${form < 2 ? 'E,G' : 'G,E'}${sizeName(size)}${mem ? ' mem' : ''}`;
  } else if (form === 4) {
    b.opcode = [k * 8 + 4];
    regVal(b, 0);
    b.immBytes(val(r), 1);
    name += ' al,ib';
  } else if (form === 5) {
    const size = b.opSize();
    b.opcode = [k * 8 + 5];
    regVal(b, 0);
    b.immBytes(val(r), size === 2 ? 2 : 4);
    name += ` eax,iz${sizeName(size)}`;
  } else {
    // group 1: 80 81 83
    const op = r.pick([0x80, 0x81, 0x83]);
    const byte = op === 0x80;
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const mem = rmOperand(b, k, size, byte);
    if (mem && LOCKABLE_ALU.has(k) && r.bool(0.2)) { b.prefixes.unshift(0xf0); name = 'lock ' + name; }
    b.opcode = [op];
    b.immBytes(val(r), op === 0x81 ? (size === 2 ? 2 : 4) : 1);
    name += ` grp1 ${op.toString(16)} ${sizeName(size)}${mem ? ' mem' : ''}`;
  }
  // LOCK where it is not allowed (register destination, CMP, G,E forms, accumulator forms): #UD
  if (r.bool(0.03) && b.prefixes[0] !== 0xf0) { b.prefixes.unshift(0xf0); name = 'lock? ' + name; }
  return b.build('int-alu', name);
}

function genTest(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  b.flagsUndef = AF;
  const form = r.int(4);
  if (form < 2) {
    const byte = form === 0;
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const reg = b.pickReg(byte);
    regVal(b, reg);
    rmOperand(b, reg, size, byte);
    b.opcode = [0x84 + form];
    return b.build('int-test', `test E,G${sizeName(size)}`);
  }
  if (form === 2) {
    const byte = r.bool();
    const size = byte ? 1 : b.opSize();
    regVal(b, 0);
    b.opcode = [byte ? 0xa8 : 0xa9];
    b.immBytes(val(r), byte ? 1 : size === 2 ? 2 : 4);
    return b.build('int-test', `test acc,imm ${sizeName(size)}`);
  }
  const byte = r.bool();
  if (byte) b.byteMode();
  const size = byte ? 1 : b.opSize();
  rmOperand(b, r.int(2), size, byte); // /0 and its alias /1
  b.opcode = [byte ? 0xf6 : 0xf7];
  b.immBytes(val(r), byte ? 1 : size === 2 ? 2 : 4);
  return b.build('int-test', `test E,imm ${sizeName(size)}`);
}

function genUnary(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const byte = r.bool(0.3);
  if (byte) b.byteMode();
  const size = byte ? 1 : b.opSize();
  const kind = r.pick(['not', 'neg', 'inc', 'dec']);
  const digit = kind === 'not' ? 2 : kind === 'neg' ? 3 : kind === 'inc' ? 0 : 1;
  const mem = rmOperand(b, digit, size, byte);
  if (mem && r.bool(0.2)) b.prefixes.unshift(0xf0);
  b.opcode = [kind === 'not' || kind === 'neg' ? (byte ? 0xf6 : 0xf7) : byte ? 0xfe : 0xff];
  return b.build('int-unary', `${kind} ${sizeName(size)}${mem ? ' mem' : ''}`);
}

function genMov(r: Rng): Case {
  const b = new Builder(r);
  const form = r.int(8);
  if (form <= 3) {
    const byte = (form & 1) === 0;
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const reg = b.pickReg(byte);
    regVal(b, reg);
    rmOperand(b, reg, size, byte);
    b.opcode = [0x88 + form];
    return b.build('int-mov', `mov ${form < 2 ? 'E,G' : 'G,E'}${sizeName(size)}`);
  }
  if (form === 4) {
    const byte = r.bool();
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const reg = b.pickReg(byte);
    if (reg & 8) b.rexB = true;
    b.opcode = [(byte ? 0xb0 : 0xb8) + (reg & 7)];
    b.immBytes(val(r), byte ? 1 : size);
    return b.build('int-mov', `mov r,imm ${sizeName(size)}`);
  }
  if (form === 5) {
    const byte = r.bool();
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    rmOperand(b, 0, size, byte);
    b.opcode = [byte ? 0xc6 : 0xc7];
    b.immBytes(val(r), byte ? 1 : size === 2 ? 2 : 4);
    return b.build('int-mov', `mov E,imm ${sizeName(size)}`);
  }
  if (form === 6) {
    // moffs: A0-A3 with a 64-bit (or, with 67, 32-bit) absolute address
    const op = 0xa0 + r.int(4);
    const byte = (op & 1) === 0;
    const size = byte ? 1 : b.opSize();
    regVal(b, 0);
    const off = r.range(0x100, 0xe00);
    b.opcode = [op];
    if (r.bool(0.2)) { b.prefixes.push(0x67); b.immBytes(BigInt(DATA + off), 4); }
    else b.immBytes(BigInt(DATA + off), 8);
    b.setMem(off, bytesLE(val(r), 8));
    return b.build('int-mov', `mov moffs ${op.toString(16)} ${sizeName(size)}`);
  }
  // lea
  const size = b.opSize();
  const reg = r.int(16);
  regVal(b, reg);
  b.modMem(reg, 1);
  // lea computes without touching memory: random the registers beyond the page too
  b.opcode = [0x8d];
  return b.build('int-mov', `lea ${sizeName(size)}`);
}

function genMovx(r: Rng): Case {
  const b = new Builder(r);
  const kind = r.int(5);
  if (kind === 4) {
    const size = b.opSize([2, 4, 8]);
    const reg = r.int(16);
    regVal(b, reg);
    rmOperand(b, reg, 4, false);
    b.opcode = [0x63];
    return b.build('int-movx', `movsxd ${sizeName(size)}`);
  }
  const src = kind & 1 ? 2 : 1;
  const sx = kind >= 2;
  const size = b.opSize([2, 4, 8]);
  if (src === 1) b.byteMode();
  const reg = r.int(16);
  if (src === 1 && !b.rex && reg >= 8) b.rex = true;
  regVal(b, reg);
  rmOperand(b, reg, src, src === 1);
  b.opcode = [0x0f, (sx ? 0xbe : 0xb6) + (src - 1)];
  return b.build('int-movx', `${sx ? 'movsx' : 'movzx'} ${sizeName(src)}->${sizeName(size)}`);
}

function genXchg(r: Rng): Case {
  const b = new Builder(r);
  if (r.bool(0.6)) {
    const byte = r.bool(0.3);
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const reg = b.pickReg(byte);
    regVal(b, reg);
    const mem = rmOperand(b, reg, size, byte);
    if (mem && r.bool(0.2)) b.prefixes.unshift(0xf0);
    b.opcode = [byte ? 0x86 : 0x87];
    return b.build('int-xchg', `xchg E,G ${sizeName(size)}${mem ? ' mem' : ''}`);
  }
  const size = b.opSize();
  const reg = r.int(16);
  regVal(b, 0);
  regVal(b, reg);
  if (reg & 8) b.rexB = true;
  b.opcode = [0x90 + (reg & 7)];
  return b.build('int-xchg', `xchg acc,r${reg} ${sizeName(size)}`);
}

function genShift(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const byte = r.bool(0.3);
  if (byte) b.byteMode();
  const size = byte ? 1 : b.opSize();
  const bits = size * 8;
  const digit = r.int(8);
  const form = r.int(3); // 0 imm8 (C0/C1), 1 by one (D0/D1), 2 by CL (D2/D3)
  const countChoices = [0, 1, 2, bits - 1, bits, bits + 1, 31, 32, 33, 63, 64, 65, 127, 128, 255, r.int(256), r.int(64), r.int(bits + 2)];
  const count = form === 1 ? 1 : r.pick(countChoices) & 0xff;
  rmOperand(b, digit, size, byte);
  if (form === 2) {
    // CL; set it before a memory operand might reuse RCX as an address register
    if (!b.regs.has(1)) regVal(b, 1, (val(r) & ~0xffn) | BigInt(count));
  }
  b.opcode = [byte ? [0xc0, 0xd0, 0xd2][form]! : [0xc1, 0xd1, 0xd3][form]!];
  if (form === 0) b.immBytes(BigInt(count), 1);
  // flags the SDM leaves undefined
  const cnt = form === 2 ? Number((b.regs.get(1) ?? 0n) & 0xffn) : count;
  const masked = cnt & (size === 8 ? 63 : 31);
  const rotate = digit < 4;
  if (masked !== 0) {
    if (!rotate) {
      b.flagsUndef |= AF;
      if (masked !== 1) b.flagsUndef |= OF;
      if ((digit === 4 || digit === 5 || digit === 6) && masked >= bits) b.flagsUndef |= CF;
    } else if (masked !== 1) {
      b.flagsUndef |= OF;
    }
  }
  const names = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
  return b.build('int-shift', `${names[digit]} ${sizeName(size)} ${['imm', '1', 'cl'][form]} count ${cnt}`);
}

function genShiftD(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const size = b.opSize();
  const right = r.bool();
  const byCl = r.bool();
  const bits = size * 8;
  const maxCount = size === 2 ? 16 : 255; // 16-bit counts above 16 give undefined results
  let count = r.pick([0, 1, 2, bits - 1, bits, 31, 32, 63, 64, r.int(maxCount + 1)]);
  if (count > maxCount) count = r.int(maxCount + 1);
  const reg = r.int(16);
  regVal(b, reg);
  rmOperand(b, reg, size, false);
  if (byCl) {
    if (!b.regs.has(1)) regVal(b, 1, (val(r) & ~0xffn) | BigInt(count));
  }
  const cnt = byCl ? Number((b.regs.get(1) ?? 0n) & 0xffn) : count;
  const masked = cnt & (size === 8 ? 63 : 31);
  if (size === 2 && masked > 16) {
    b.ignore.push(`r${-1}`); // unreachable: counts are chosen below 17
  }
  b.opcode = [0x0f, (right ? 0xac : 0xa4) + (byCl ? 1 : 0)];
  if (!byCl) b.immBytes(BigInt(count), 1);
  if (masked !== 0) {
    b.flagsUndef |= AF;
    if (masked !== 1) b.flagsUndef |= OF;
    if (masked > bits) b.flagsUndef |= CF;
  }
  if (size === 2 && masked > 16) {
    // result and flags undefined: compare nothing but the fault status
    b.flagsUndef = ARITH;
    b.ignore.push('mem');
    for (let k = 0; k < 16; k++) b.ignore.push(`r${k}`);
  }
  return b.build('int-shiftd', `${right ? 'shrd' : 'shld'} ${sizeName(size)} ${byCl ? 'cl' : 'imm'} count ${cnt}`);
}

function genMulDiv(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const form = r.int(6);
  if (form <= 3) {
    // F6/F7 /4 mul /5 imul /6 div /7 idiv
    const digit = 4 + form;
    const byte = r.bool(0.25);
    if (byte) b.byteMode();
    const size = byte ? 1 : b.opSize();
    const div = digit >= 6;
    // dividend/multiplicand: rax (and rdx); for division mostly keep the quotient in range
    regVal(b, 0);
    regVal(b, 2, div && r.bool(0.7) ? (r.bool() ? 0n : BigInt.asUintN(64, -1n)) : val(r));
    if (div && r.bool(0.3)) regVal(b, 2, BigInt(r.int(4)));
    rmOperand(b, digit, size, byte);
    b.opcode = [byte ? 0xf6 : 0xf7];
    b.flagsUndef = div ? ARITH : SF | ZF | AF | PF;
    return b.build('int-muldiv', `${['mul', 'imul', 'div', 'idiv'][form]} ${sizeName(size)}`);
  }
  const size = b.opSize();
  const reg = r.int(16);
  regVal(b, reg);
  rmOperand(b, reg, size, false);
  b.flagsUndef = SF | ZF | AF | PF;
  if (form === 4) {
    b.opcode = [0x0f, 0xaf];
    return b.build('int-muldiv', `imul G,E ${sizeName(size)}`);
  }
  const ib = r.bool();
  b.opcode = [ib ? 0x6b : 0x69];
  b.immBytes(val(r), ib ? 1 : size === 2 ? 2 : 4);
  return b.build('int-muldiv', `imul G,E,imm ${sizeName(size)}`);
}

function genBit(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const form = r.int(4);
  if (form === 3) {
    // bsf / bsr
    const size = b.opSize();
    const reg = r.int(16);
    regVal(b, reg);
    const mem = rmOperand(b, reg, size, false);
    const src = mem ? undefined : undefined;
    void src;
    if (r.bool(0.25)) {
      // zero source
      if (b.memOff >= 0 && b.modrm !== null && (b.modrm >> 6) !== 3) b.memValue(size, 0n);
      else b.setReg((b.modrm! & 7) | (b.rexB ? 8 : 0), 0n);
    }
    const bsr = r.bool();
    b.opcode = [0x0f, bsr ? 0xbd : 0xbc];
    b.flagsUndef = CF | OF | SF | AF | PF;
    return b.build('int-bit', `${bsr ? 'bsr' : 'bsf'} ${sizeName(size)}${mem ? ' mem' : ''}`);
  }
  if (form === 2) {
    const size = b.opSize();
    const reg = r.int(16);
    if (reg & 8) b.rexB = true;
    regVal(b, reg);
    b.opcode = [0x0f, 0xc8 + (reg & 7)];
    if (size === 2) b.ignore.push(`r${reg}`); // BSWAP r16 is undefined
    return b.build('int-bswap', `bswap ${sizeName(size)}`);
  }
  // bt/bts/btr/btc: register offset (0F A3 AB B3 BB) or immediate (0F BA /4-/7)
  const op = r.int(4);
  const size = b.opSize();
  b.flagsUndef = OF | SF | AF | PF;
  const names = ['bt', 'bts', 'btr', 'btc'];
  if (form === 0) {
    const reg = r.int(16);
    const mem = r.bool(0.5);
    if (mem) {
      // bit offset addresses memory around the operand: keep it within ±256 bytes
      const off = BigInt(r.range(-2048, 2047));
      regVal(b, reg, r.bool(0.8) ? off : BigInt(r.int(size * 8)));
      b.modMem(reg, size, { offset: r.range(0x300, 0xc00) });
      b.memValue(size, val(r));
    } else {
      regVal(b, reg);
      const rm = r.int(16);
      regVal(b, rm);
      b.modReg(reg, rm);
    }
    if (mem && op !== 0 && r.bool(0.2)) b.prefixes.unshift(0xf0);
    b.opcode = [0x0f, [0xa3, 0xab, 0xb3, 0xbb][op]!];
    return b.build('int-bit', `${names[op]} E,G ${sizeName(size)}${mem ? ' mem' : ''}`);
  }
  const mem = rmOperand(b, 4 + op, size, false);
  if (mem && op !== 0 && r.bool(0.2)) b.prefixes.unshift(0xf0);
  b.opcode = [0x0f, 0xba];
  b.immBytes(BigInt(r.int(256)), 1);
  return b.build('int-bit', `${names[op]} E,imm ${sizeName(size)}${mem ? ' mem' : ''}`);
}

function genCond(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const cc = r.int(16);
  if (r.bool()) {
    const size = b.opSize();
    const reg = r.int(16);
    regVal(b, reg);
    rmOperand(b, reg, size, false);
    b.opcode = [0x0f, 0x40 + cc];
    return b.build('int-cond', `cmov${cc.toString(16)} ${sizeName(size)}`);
  }
  b.byteMode();
  rmOperand(b, r.int(8), 1, true);
  b.opcode = [0x0f, 0x90 + cc];
  return b.build('int-cond', `set${cc.toString(16)}`);
}

function genAtomic(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const form = r.int(3);
  if (form === 2) {
    // cmpxchg8b m64 (REX.W would be cmpxchg16b: not reported by QVM's CPUID, so not generated)
    regVal(b, 0); regVal(b, 2); regVal(b, 1); regVal(b, 3);
    b.modMem(1, 8);
    const cur = r.bool(0.5) ? ((b.regs.get(2)! & 0xffffffffn) << 32n) | (b.regs.get(0)! & 0xffffffffn) : val(r);
    b.memValue(8, cur);
    if (r.bool(0.3)) b.prefixes.unshift(0xf0);
    b.opcode = [0x0f, 0xc7];
    return b.build('int-atomic', 'cmpxchg8b');
  }
  const byte = r.bool(0.3);
  if (byte) b.byteMode();
  const size = byte ? 1 : b.opSize();
  const reg = b.pickReg(byte);
  regVal(b, reg);
  regVal(b, 0);
  const mem = rmOperand(b, reg, size, byte);
  if (form === 1 && r.bool(0.5)) {
    // make the comparison succeed sometimes
    const a = b.regs.get(0)!;
    if (mem) b.memValue(size, a);
  }
  if (mem && r.bool(0.3)) b.prefixes.unshift(0xf0);
  b.opcode = [0x0f, (form === 0 ? 0xc0 : 0xb0) + (byte ? 0 : 1)];
  return b.build('int-atomic', `${form === 0 ? 'xadd' : 'cmpxchg'} ${sizeName(size)}${mem ? ' mem' : ''}`);
}

function genFlags(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags(true);
  const op = r.pick([0x98, 0x99, 0x9e, 0x9f, 0xf5, 0xf8, 0xf9, 0xfc, 0xfd]);
  if (op === 0x98 || op === 0x99) b.opSize();
  regVal(b, 0);
  regVal(b, 2);
  b.opcode = [op];
  return b.build('int-flags', `op ${op.toString(16)}`);
}

function stackTop(b: Builder): number {
  const off = b.r.range(0x400, 0xf00) - (b.r.bool(0.8) ? 0 : b.r.int(8));
  b.setReg(4, BigInt(DATA + off));
  return off;
}

function genStack(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags(true);
  const form = r.int(10);
  const sp = stackTop(b);
  b.setMem(sp - 16, bytesLE(val(r), 8).concat(bytesLE(val(r), 8), bytesLE(val(r), 8)));
  switch (form) {
    case 0: case 1: {
      const reg = r.int(16);
      const size = r.bool(0.2) ? 2 : 8;
      if (size === 2) b.prefixes.push(0x66);
      if (reg & 8) b.rexB = true;
      if (reg !== 4) regVal(b, reg);
      b.opcode = [(form === 0 ? 0x50 : 0x58) + (reg & 7)];
      return b.build('int-stack', `${form === 0 ? 'push' : 'pop'} r${reg} ${sizeName(size)}`);
    }
    case 2: {
      const size = r.bool(0.2) ? 2 : 8;
      if (size === 2) b.prefixes.push(0x66);
      const ib = r.bool();
      b.opcode = [ib ? 0x6a : 0x68];
      b.immBytes(val(r), ib ? 1 : size === 2 ? 2 : 4);
      return b.build('int-stack', `push imm ${sizeName(size)}`);
    }
    case 3: case 4: {
      const size = r.bool(0.2) ? 2 : 8;
      if (size === 2) b.prefixes.push(0x66);
      const push = form === 3;
      rmOperand(b, push ? 6 : 0, size, false);
      b.opcode = [push ? 0xff : 0x8f];
      // an address register may have replaced RSP: keep the stack in the page
      const rsp = b.regs.get(4)!;
      if (rsp < BigInt(DATA + 0x40) || rsp > BigInt(DATA + 0xff8)) b.setReg(4, BigInt(DATA + sp));
      return b.build('int-stack', `${push ? 'push' : 'pop'} E ${sizeName(size)}`);
    }
    case 5: case 6: {
      const size = r.bool(0.2) ? 2 : 8;
      if (size === 2) b.prefixes.push(0x66);
      b.opcode = [form === 5 ? 0x9c : 0x9d];
      if (form === 6) {
        // popf: only flags user mode may change (no TF, no AC: alignment checks would reach the host)
        b.setMem(sp, bytesLE(r.u64() & 0x200cd5n, size));
      }
      return b.build('int-stack', `${form === 5 ? 'pushf' : 'popf'} ${sizeName(size)}`);
    }
    case 7: {
      // leave: RBP points into the page
      const bp = r.range(0x200, 0xf00) - (r.bool(0.8) ? 0 : r.int(8));
      b.setReg(5, BigInt(DATA + bp));
      b.setMem(bp, bytesLE(val(r), 8));
      if (r.bool(0.2)) b.prefixes.push(0x66);
      b.opcode = [0xc9];
      return b.build('int-stack', 'leave');
    }
    default: {
      // enter imm16, level
      const bp = r.range(0x800, 0xf00) & ~7;
      b.setReg(5, BigInt(DATA + bp));
      b.setReg(4, BigInt(DATA + bp - r.range(0x10, 0x200)));
      const level = r.pick([0, 0, 1, 2, 3, 5]);
      b.opcode = [0xc8];
      b.imm = [...bytesLE(BigInt(r.pick([0, 8, 16, 0x30, r.int(0x100)])), 2), level];
      return b.build('int-stack', `enter level ${level}`);
    }
  }
}

/** A branch target in the code page (never inside the instruction itself). */
function landing(r: Rng, len: number): number {
  for (;;) {
    const t = INSN_ADDR + r.range(-0x600, 0x600);
    if (t < INSN_ADDR || t >= INSN_ADDR + len) return t;
  }
}

function genBranch(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const form = r.int(9);
  const rel = (len: number, width: number): void => {
    let t: number;
    for (;;) {
      t = width === 1 ? INSN_ADDR + len + r.range(-128, 127) : landing(r, len);
      if (t < INSN_ADDR || t >= INSN_ADDR + len) break;
    }
    b.immBytes(BigInt(t - (INSN_ADDR + len)), width);
  };
  switch (form) {
    case 0: { const cc = r.int(16); b.opcode = [0x70 + cc]; rel(2, 1); return b.build('int-branch', `j${cc.toString(16)} rel8`); }
    case 1: { const cc = r.int(16); b.opcode = [0x0f, 0x80 + cc]; rel(6, 4); return b.build('int-branch', `j${cc.toString(16)} rel32`); }
    case 2: { const short = r.bool(); b.opcode = [short ? 0xeb : 0xe9]; rel(short ? 2 : 5, short ? 1 : 4); return b.build('int-branch', 'jmp rel'); }
    case 3: { stackTop(b); b.opcode = [0xe8]; rel(5, 4); return b.build('int-branch', 'call rel32'); }
    case 4: {
      const sp = stackTop(b);
      const t = landing(r, 3);
      b.setMem(sp, bytesLE(BigInt(t), 8));
      if (r.bool()) { b.opcode = [0xc2]; b.immBytes(BigInt(r.pick([0, 8, 16, r.int(0x100)])), 2); }
      else b.opcode = [0xc3];
      return b.build('int-branch', 'ret');
    }
    case 5: case 6: {
      // jmp / call r/m64
      const call = form === 6;
      const sp = stackTop(b);
      const t = landing(r, 16);
      if (r.bool()) {
        const rm = r.int(16);
        b.setReg(rm, BigInt(t));
        b.modReg(call ? 2 : 4, rm);
        if (rm === 4) { b.setReg(4, BigInt(t)); }
      } else {
        b.modMem(call ? 2 : 4, 8);
        b.memValue(8, BigInt(t));
      }
      const rsp = b.regs.get(4)!;
      if (call && (rsp < BigInt(DATA + 0x40) || rsp > BigInt(DATA + 0xff8))) b.setReg(4, BigInt(DATA + sp));
      b.opcode = [0xff];
      return b.build('int-branch', `${call ? 'call' : 'jmp'} E`);
    }
    case 7: {
      // loop / loope / loopne / jrcxz, with 64- or 32-bit counter
      const op = 0xe0 + r.int(4);
      const a32 = r.bool(0.25);
      if (a32) b.prefixes.push(0x67);
      regVal(b, 1, r.bool(0.5) ? BigInt(r.int(3)) : val(r));
      b.opcode = [op];
      rel(a32 ? 3 : 2, 1);
      return b.build('int-branch', `${['loopne', 'loope', 'loop', 'jrcxz'][op - 0xe0]}${a32 ? ' a32' : ''}`);
    }
    default: {
      // nops: 90, 0F 1F /0 (multi-byte nop with a memory operand that is not accessed), 0F 18-1F hints
      if (r.bool(0.3)) { b.opcode = [0x90]; if (r.bool(0.3)) b.prefixes.push(0x66); return b.build('int-nop', 'nop'); }
      const op = r.pick([0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1f, 0x1f, 0x0d]);
      if (op === 0x1e || op === 0x1a || op === 0x1b) { /* bnd/cet hints share these: register forms only below */ }
      const digit = op === 0x18 ? r.int(4) : op === 0x0d ? r.int(2) : op === 0x1f ? 0 : r.int(8);
      if (op === 0x1a || op === 0x1b) rmOperand(b, digit, 8, false, { regOnly: true });
      else rmOperand(b, digit, 4, false, op === 0x18 || op === 0x0d ? { memOnly: true } : {});
      if (r.bool(0.3)) b.prefixes.push(0x66);
      b.opcode = [0x0f, op];
      return b.build('int-nop', `hint 0f${op.toString(16)}`);
    }
  }
}

function genString(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags(true);
  const kind = r.pick(['movs', 'cmps', 'stos', 'lods', 'scas']);
  const base = { movs: 0xa4, cmps: 0xa6, stos: 0xaa, lods: 0xac, scas: 0xae }[kind]!;
  const byte = r.bool(0.4);
  const size = byte ? 1 : b.opSize();
  const rep = r.bool(0.7) ? (kind === 'cmps' || kind === 'scas' ? r.pick([0xf3, 0xf2]) : 0xf3) : 0;
  if (rep) b.prefixes.push(rep);
  const a32 = r.bool(0.15);
  if (a32) b.prefixes.push(0x67);
  const count = rep ? r.pick([0, 1, 2, 3, r.int(17), r.int(40)]) : 0;
  const df = (parseInt(b.other.get('fl')!, 16) & 0x400) !== 0;
  const span = size * (count + 1);
  const place = (): number => (df ? r.range(0x200 + span, 0xf00) : r.range(0x100, 0xe00 - span)) - (r.bool(0.7) ? 0 : r.int(size));
  const si = place();
  const di = r.bool(0.2) ? si + r.range(-8, 8) : place();
  const hiBits = (): bigint => (a32 ? BigInt(r.u32()) << 32n : 0n);
  b.setReg(6, hiBits() | BigInt(DATA + si));
  b.setReg(7, hiBits() | BigInt(DATA + di));
  b.setReg(1, (a32 ? hiBits() : 0n) | BigInt(count));
  regVal(b, 0);
  if ((kind === 'cmps' || kind === 'scas') && r.bool(0.6)) {
    // equal runs so that REPE/REPNE stop at interesting places
    const n = r.int(count + 2);
    const src = kind === 'scas' ? bytesLE(b.regs.get(0)!, 8) : null;
    const dstart = df ? di - n * size : di;
    const bytes: number[] = [];
    for (let k = 0; k <= n; k++) for (let j = 0; j < size; j++) bytes.push(src ? src[j]! : 0x41 + ((k * size + j) % 7));
    b.setMem(dstart, bytes);
    if (kind === 'cmps') b.setMem(df ? si - n * size : si, bytes);
  }
  b.opcode = [base + (byte ? 0 : 1)];
  const c = b.build('int-string', `${rep === 0xf3 ? 'rep ' : rep === 0xf2 ? 'repne ' : ''}${kind}${sizeName(size)}${a32 ? ' a32' : ''}${df ? ' std' : ''}`);
  // no iteration: Intel still writes ECX (clearing RCX's upper half), AMD leaves RCX alone
  if (rep && a32 && count === 0) c.vendorSpecific = { point: 'a32-rep-zero-count-rcx', keys: ['r1'] };
  return c;
}

// ------------------------------------------------------------------ SSE

const F32_SPECIAL = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345, 0x7f800001, 0xff812345,
  0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x4f000000, 0xcf000000, 0x5f000000,
  0x3f000000, 0x4b000000,
];
const F64_SPECIAL = [
  0x0000000000000000n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
  0xfff8000000000000n, 0x7ff8000000012345n, 0x7ff0000000000001n, 0x0000000000000001n, 0x800fffffffffffffn,
  0x0010000000000000n, 0x7fefffffffffffffn, 0x3ff0000000000000n, 0xbff0000000000000n, 0x43e0000000000000n,
  0xc3e0000000000000n, 0x41e0000000000000n, 0xc1e0000000200000n, 0x3fe0000000000000n, 0x4330000000000000n,
];

function f32(r: Rng): number {
  if (r.bool(0.3)) return r.pick(F32_SPECIAL);
  if (r.bool(0.5)) {
    // moderate exponent
    return ((r.int(2) << 31) | ((r.range(100, 154)) << 23) | (r.u32() & 0x7fffff)) >>> 0;
  }
  return r.u32();
}

function f64(r: Rng): bigint {
  if (r.bool(0.3)) return r.pick(F64_SPECIAL);
  if (r.bool(0.5)) return (BigInt(r.int(2)) << 63n) | (BigInt(r.range(980, 1070)) << 52n) | (r.u64() & 0xfffffffffffffn);
  return r.u64();
}

/** 16 random bytes shaped as floats, doubles or integers. */
function xmmBytes(r: Rng): number[] {
  switch (r.int(3)) {
    case 0: { const out: number[] = []; for (let i = 0; i < 4; i++) out.push(...bytesLE(BigInt(f32(r)), 4)); return out; }
    case 1: return [...bytesLE(f64(r), 8), ...bytesLE(f64(r), 8)];
    default: return [...bytesLE(val(r), 8), ...bytesLE(val(r), 8)];
  }
}

interface SseForm { op: number; prefix: number; imm8: boolean; regOk: boolean; memOk: boolean; digit: number }
let sseForms: SseForm[] | null = null;

/**
 * The (opcode, mandatory prefix, /digit) combinations QVM implements, found by asking the SSE
 * handlers (a SIGILL means the form is MMX, SSE3+ or otherwise outside the baseline).
 */
function sseFormList(probe: (code: Uint8Array) => boolean): SseForm[] {
  if (sseForms !== null) return sseForms;
  const out: SseForm[] = [];
  const skip = new Set([0x0f52, 0x0f53, 0x0fae, 0x0f18]);
  for (const [op, info] of sseOpcodes) {
    if (skip.has(op)) continue;
    const grouped = op === 0x0f71 || op === 0x0f72 || op === 0x0f73;
    for (const prefix of [0, 0x66, 0xf3, 0xf2]) {
      for (let digit = 0; digit < (grouped ? 8 : 1); digit++) {
        const imm = info.imm8 ? [0] : [];
        const pre = prefix ? [prefix] : [];
        const reg = Uint8Array.from([...pre, 0x0f, op & 0xff, 0xc0 | (digit << 3) | 1, ...imm]);
        const mem = Uint8Array.from([...pre, 0x0f, op & 0xff, 0x00 | (digit << 3) | 6, ...imm]);
        const regOk = probe(reg), memOk = probe(mem);
        if (regOk || memOk) out.push({ op, prefix, imm8: info.imm8, regOk, memOk, digit: grouped ? digit : -1 });
      }
    }
  }
  sseForms = out;
  return out;
}

let probeFn: ((code: Uint8Array) => boolean) | null = null;
/** Installs the function that tells whether QVM accepts an encoding (set by the runner). */
export function setProbe(f: (code: Uint8Array) => boolean): void {
  probeFn = f;
}

function genSse(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  const forms = sseFormList(probeFn ?? (() => true));
  const f = r.pick(forms);
  if (f.prefix) b.prefixes.push(f.prefix);
  // MXCSR: random rounding, DAZ/FTZ, sticky flags, exceptions mostly masked
  let mx = 0x1f80;
  if (r.bool(0.5)) mx = (mx & ~0x6000) | (r.int(4) << 13);
  if (r.bool(0.2)) mx |= 0x40;
  if (r.bool(0.2)) mx |= 0x8000;
  if (r.bool(0.2)) mx |= r.int(64);
  // unmask a pre-computation exception sometimes (IE DE ZE: #XM → SIGFPE). Unmasked OE/UE/PE are
  // not generated: whether PE accompanies an unmasked overflow differs between vendors.
  if (r.bool(0.05)) mx &= ~(1 << (7 + r.int(3)));
  b.other.set('mx', mx.toString(16));
  const useRexW = r.bool(0.15);
  if (useRexW) b.rexW = true;
  const reg = f.digit >= 0 ? f.digit : r.int(16);
  const xr = f.digit >= 0 ? r.int(16) : reg;
  // every xmm register gets float-shaped content
  for (let k = 0; k < 16; k++) if (r.bool(0.5) || k === xr) b.other.set(`x${k}`, hex(xmmBytes(r)));
  for (let k = 0; k < 16; k++) if (r.bool(0.3)) regVal(b, k);
  let mem = !f.regOk || (f.memOk && r.bool(0.35));
  if (mem) {
    const align = r.bool(0.9) ? 16 : 1;
    b.modMem(reg, 16, { align });
    b.setMem(b.memOff, xmmBytes(r));
  } else {
    const rm = r.int(16);
    b.modReg(reg, rm);
    b.other.set(`x${rm}`, hex(xmmBytes(r)));
    mem = false;
  }
  // maskmovdqu stores to [rdi]: point it into the page
  if (f.op === 0x0ff7) b.setReg(7, BigInt(DATA + r.range(0x100, 0xe00)));
  b.opcode = [0x0f, f.op & 0xff];
  if (f.imm8) b.imm = [r.bool(0.3) ? r.int(8) : r.int(256)];
  return b.build('sse', `${f.prefix ? f.prefix.toString(16) + ' ' : ''}0f${(f.op & 0xff).toString(16)}${f.digit >= 0 ? '/' + f.digit : ''}${mem ? ' mem' : ''}`);
}

// ------------------------------------------------------------------ x87

const F80_SPECIAL = [
  '00000000000000000000', '80000000000000000000', '7fff8000000000000000', 'ffff8000000000000000',
  '7fffc000000000000000', 'ffffc000000000000000', '7fffc000000000012345', '7fff8000000000000001',
  '00000000000000000001', '00008000000000000000', '3fff8000000000000000', 'bfff8000000000000000',
  '3ffe8000000000000000', '403e8000000000000000', '401d8000000000000000', '7ffeffffffffffffffff',
  '00007fffffffffffffff', '3fffc90fdaa22168c235', '40008000000000000000', '3fff0000000000000000',
];

function f80(r: Rng): string {
  if (r.bool(0.3)) return r.pick(F80_SPECIAL);
  const se = (r.int(2) << 15) | r.range(0x3fb0, 0x4050);
  const sig = r.u64() | 0x8000000000000000n;
  return se.toString(16).padStart(4, '0') + sig.toString(16).padStart(16, '0');
}

/** x87 register forms that are exact (no transcendental microcode), by first byte and ModRM. */
function x87RegForms(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let m = 0xc0; m <= 0xff; m++) out.push([0xd8, m]); // fadd..fdivr st, st(i)
  for (let m = 0xc0; m <= 0xcf; m++) out.push([0xd9, m]); // fld st(i), fxch
  out.push([0xd9, 0xd0]); // fnop
  for (const m of [0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xfa, 0xfc, 0xfd]) out.push([0xd9, m]);
  for (let m = 0xc0; m <= 0xdf; m++) out.push([0xda, m]); // fcmov
  out.push([0xda, 0xe9]); // fucompp
  for (let m = 0xc0; m <= 0xdf; m++) out.push([0xdb, m]); // fcmovn
  for (let m = 0xe8; m <= 0xf7; m++) out.push([0xdb, m]); // fucomi, fcomi
  out.push([0xdb, 0xe2], [0xdb, 0xe3]); // fnclex, fninit
  for (let m = 0xc0; m <= 0xcf; m++) out.push([0xdc, m]);
  for (let m = 0xe0; m <= 0xff; m++) out.push([0xdc, m]);
  for (let m = 0xc0; m <= 0xc7; m++) out.push([0xdd, m]); // ffree
  for (let m = 0xd0; m <= 0xef; m++) out.push([0xdd, m]); // fst, fstp, fucom, fucomp
  for (let m = 0xc0; m <= 0xcf; m++) out.push([0xde, m]);
  out.push([0xde, 0xd9]);
  for (let m = 0xe0; m <= 0xff; m++) out.push([0xde, m]);
  out.push([0xdf, 0xe0]); // fnstsw ax
  for (let m = 0xe8; m <= 0xf7; m++) out.push([0xdf, m]); // fucomip, fcomip
  return out;
}
const X87_REG = x87RegForms();
/** Memory forms: [opcode, /digit, operand size]. */
const X87_MEM: Array<[number, number, number]> = [
  [0xd8, 0, 4], [0xd8, 1, 4], [0xd8, 2, 4], [0xd8, 3, 4], [0xd8, 4, 4], [0xd8, 5, 4], [0xd8, 6, 4], [0xd8, 7, 4],
  [0xd9, 0, 4], [0xd9, 2, 4], [0xd9, 3, 4], [0xd9, 5, 2], [0xd9, 7, 2],
  [0xda, 0, 4], [0xda, 1, 4], [0xda, 2, 4], [0xda, 3, 4], [0xda, 4, 4], [0xda, 5, 4], [0xda, 6, 4], [0xda, 7, 4],
  [0xdb, 0, 4], [0xdb, 1, 4], [0xdb, 2, 4], [0xdb, 3, 4], [0xdb, 5, 10], [0xdb, 7, 10],
  [0xdc, 0, 8], [0xdc, 1, 8], [0xdc, 2, 8], [0xdc, 3, 8], [0xdc, 4, 8], [0xdc, 5, 8], [0xdc, 6, 8], [0xdc, 7, 8],
  [0xdd, 0, 8], [0xdd, 1, 8], [0xdd, 2, 8], [0xdd, 3, 8], [0xdd, 7, 2],
  [0xde, 0, 2], [0xde, 1, 2], [0xde, 2, 2], [0xde, 3, 2], [0xde, 4, 2], [0xde, 5, 2], [0xde, 6, 2], [0xde, 7, 2],
  [0xdf, 0, 2], [0xdf, 1, 2], [0xdf, 2, 2], [0xdf, 3, 2], [0xdf, 4, 10], [0xdf, 5, 8], [0xdf, 6, 10], [0xdf, 7, 8],
];

function genX87(r: Rng): Case {
  const b = new Builder(r);
  b.randomFlags();
  // stack: depth 0-8 values, TOP random
  const top = r.int(8);
  const depth = r.pick([0, 1, 2, 2, 3, 4, 6, 8]);
  let ftw = 0;
  for (let i = 0; i < depth; i++) ftw |= 1 << ((top + i) & 7);
  for (let i = 0; i < 8; i++) b.other.set(`st${i}`, f80(r));
  const rc = r.int(4), pc = r.pick([3, 3, 3, 2, 0]);
  let cw = 0x037f & ~0x0f00;
  cw |= (rc << 10) | (pc << 8);
  b.other.set('fcw', cw.toString(16));
  b.other.set('fsw', ((top << 11) | (r.bool(0.2) ? r.int(0x40) & 0x3d : 0) | (r.bool(0.3) ? r.int(16) << 8 & 0x4700 : 0)).toString(16));
  b.other.set('ftw', ftw.toString(16));
  // compares/xam/tst define C0-C3; other instructions leave C0 C2 C3 undefined
  if (r.bool(0.75)) {
    const [op, m] = r.pick(X87_REG);
    b.opcode = [op, m];
    const cmpLike = (op === 0xd8 && m >= 0xd0 && m <= 0xdf) || (op === 0xd9 && (m === 0xe4 || m === 0xe5 || m === 0xf5 || m === 0xf8)) ||
      (op === 0xda && m === 0xe9) || (op === 0xdc && m >= 0xd0 && m <= 0xdf) || (op === 0xdd && m >= 0xe0 && m <= 0xef) || (op === 0xde && m === 0xd9);
    const ccControl = (op === 0xdb && (m === 0xe2 || m === 0xe3)) || (op === 0xdf && m === 0xe0) || (op === 0xd9 && m === 0xd0);
    if (!cmpLike && !ccControl) b.fswUndef = 0x4500;
    if (op === 0xd9 && (m === 0xf4 || m === 0xfd)) b.fswUndef = 0x4500;
    if ((op === 0xdb || op === 0xdf) && m >= 0xe8 && m <= 0xf7) b.fswUndef = 0x4500; // fcomi: C0 C2 C3 undefined
    if (op === 0xdf && m === 0xe0) regVal(b, 0);
    return b.build('x87', `${op.toString(16)} ${m.toString(16)}`);
  }
  const [op, digit, size] = r.pick(X87_MEM);
  b.modMem(digit, size);
  // memory operand: float, integer or BCD shaped
  let v: number[];
  if (size === 10 && op === 0xdb) v = bytesLE(BigInt('0x' + f80(r).slice(4)), 8).concat(bytesLE(BigInt('0x' + f80(r).slice(0, 4)), 2));
  else if (size === 10) v = Array.from({ length: 10 }, () => (r.int(10) << 4) | r.int(10)).map((x, i) => (i === 9 ? (x & 0x80) : x));
  else if (size === 4 && (op === 0xd8 || op === 0xd9)) v = bytesLE(BigInt(f32(r)), 4);
  else if (size === 8 && (op === 0xdc || op === 0xdd)) v = bytesLE(f64(r), 8);
  else if (op === 0xd9 && digit === 5) v = bytesLE(BigInt((r.u32() & 0x0f3f) | 0x40 | (r.bool(0.8) ? 0x3f : 0)), 2);
  else v = bytesLE(val(r), size);
  b.setMem(b.memOff, v);
  b.opcode = [op];
  const cmpLike = (op === 0xd8 || op === 0xdc || op === 0xda || op === 0xde) && (digit === 2 || digit === 3);
  const control = op === 0xd9 && (digit === 5 || digit === 7) || (op === 0xdd && digit === 7);
  if (!cmpLike && !control) b.fswUndef = 0x4500;
  return b.build('x87', `${op.toString(16)} /${digit} m${size * 8}`);
}

// ------------------------------------------------------------------ the mix

/** Instruction classes and their weights in a campaign. */
export const CLASSES: Array<[string, number, Gen]> = [
  ['int-alu', 14, genAlu],
  ['int-test', 3, genTest],
  ['int-unary', 4, genUnary],
  ['int-mov', 6, genMov],
  ['int-movx', 3, genMovx],
  ['int-xchg', 2, genXchg],
  ['int-shift', 12, genShift],
  ['int-shiftd', 5, genShiftD],
  ['int-muldiv', 8, genMulDiv],
  ['int-bit', 7, genBit],
  ['int-cond', 4, genCond],
  ['int-atomic', 4, genAtomic],
  ['int-flags', 2, genFlags],
  ['int-stack', 5, genStack],
  ['int-branch', 6, genBranch],
  ['int-string', 6, genString],
  ['sse', 10, genSse],
  ['x87', 6, genX87],
];

const TOTAL = CLASSES.reduce((s, c) => s + c[1], 0);

export function genCase(r: Rng): Case {
  let x = r.int(TOTAL);
  for (const [, w, g] of CLASSES) {
    if (x < w) return g(r);
    x -= w;
  }
  return genAlu(r);
}

export { CODE, INSN_OFF };
