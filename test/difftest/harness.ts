/**
 * The instruction-level differential tester: one case = one instruction and an initial
 * architectural state. The same case runs on the host CPU (test/native/difftest.c) and in QVM's
 * interpreter; both print what changed in the same text format, and `compareOutputs` decides
 * whether they agree, ignoring the flags and results the architecture leaves undefined for the
 * instruction (the generator, gen.ts, says which).
 *
 * State layout shared with difftest.c: the instruction at CODE + INSN_OFF in a code page filled
 * with int3, one data page at DATA (the page after it unmapped), registers and x87/SSE state given
 * per case on top of fixed defaults. Execution ends at the first int3 reached (normally the byte
 * after the instruction; a branch lands on another one) or at a fault.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Cpu, Stop } from '../../src/cpu/x86_64/cpu.js';
import { Interpreter } from '../../src/cpu/x86_64/interpreter.js';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/mem/memory.js';

export const CODE = 0x10000000;
export const DATA = 0x20000000;
export const INSN_OFF = 0x800;
export const INSN_ADDR = CODE + INSN_OFF;
export const PAGE = 4096;
export const RFLAGS_MASK = 0x200cd5;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const NATIVE_SRC = join(ROOT, 'test/native/difftest.c');

/** One test case. */
export interface Case {
  /** Instruction class, for counts (e.g. "int-alu", "sse", "x87"). */
  cls: string;
  /** Short mnemonic-ish label for reports. */
  name: string;
  code: Uint8Array;
  /** Data page pattern 0-15. */
  mseed: number;
  /** State assignments (see difftest.c): r0..r15, fl, fcw, fsw, ftw, st0..st7, mx, x0..x15, m<off>. */
  sets: Array<[string, string]>;
  /** RFLAGS bits the architecture leaves undefined after this instruction. */
  flagsUndef: number;
  /** Output keys whose value is undefined (e.g. the destination of BSWAP r16). */
  ignore?: string[];
  /** x87 status word bits that are undefined after this instruction (C0 C1 C2 C3). */
  fswUndef?: number;
  /**
   * Output keys whose value depends on the CPU vendor (Intel and AMD differ), and the name of
   * that point for the skip counts. QVM follows the vendor it reports; these keys are compared
   * only on a host of that vendor.
   */
  vendorSpecific?: { point: string; keys: string[] };
}

// ------------------------------------------------------------------ defaults (mirror difftest.c)

export function defaultGpr(k: number): bigint {
  return BigInt.asUintN(64, (0x0123456789abcdefn * BigInt(k + 1)) ^ 0x5a5a0000a5a5n);
}

function patternByte(seed: number, i: number): number {
  let x = (Math.imul(seed, 0x9e3779b1) ^ ((Math.imul(i, 0x85ebca6b) + 0x1234567) | 0)) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  x = (x ^ (x >>> 12)) >>> 0;
  return x & 0xff;
}

const PATTERNS: Uint8Array[] = [];
export function pattern(seed: number): Uint8Array {
  let p = PATTERNS[seed];
  if (p === undefined) {
    p = new Uint8Array(PAGE);
    for (let i = 0; i < PAGE; i++) p[i] = patternByte(seed, i);
    PATTERNS[seed] = p;
  }
  return p;
}

function hexBytes(s: string): Uint8Array {
  const n = s.length >> 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function hex64(v: bigint): string {
  return v.toString(16).padStart(16, '0');
}

export function caseLine(c: Case): string {
  return `${toHex(c.code)} ${c.mseed} ${c.sets.map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

/** The full initial state of a case. */
interface State {
  gpr: bigint[];
  rflags: number;
  fx: Uint8Array;
  mem: Uint8Array;
}

function initialState(c: Case): State {
  const gpr: bigint[] = [];
  for (let k = 0; k < 16; k++) gpr.push(defaultGpr(k));
  gpr[4] = BigInt(DATA + 0xf80);
  let rflags = 0x202;
  const fx = new Uint8Array(512);
  fx[0] = 0x7f; fx[1] = 0x03;
  fx[24] = 0x80; fx[25] = 0x1f;
  for (let k = 0; k < 16; k++) for (let j = 0; j < 16; j++) fx[160 + 16 * k + j] = 16 * k + j;
  const mem = pattern(c.mseed & 15).slice();
  for (const [key, v] of c.sets) {
    if (key[0] === 'r') gpr[parseInt(key.slice(1), 10) & 15] = BigInt.asUintN(64, BigInt('0x' + v));
    else if (key === 'fl') rflags = (parseInt(v, 16) & RFLAGS_MASK) | 0x202;
    else if (key === 'fcw') { const w = parseInt(v, 16); fx[0] = w & 0xff; fx[1] = (w >>> 8) & 0xff; }
    else if (key === 'fsw') { const w = parseInt(v, 16); fx[2] = w & 0xff; fx[3] = (w >>> 8) & 0xff; }
    else if (key === 'ftw') fx[4] = parseInt(v, 16) & 0xff;
    else if (key === 'mx') { const w = parseInt(v, 16) >>> 0; fx[24] = w & 0xff; fx[25] = (w >>> 8) & 0xff; fx[26] = (w >>> 16) & 0xff; fx[27] = w >>> 24; }
    else if (key.startsWith('st')) {
      const b = hexBytes(v.padStart(20, '0'));
      const off = 32 + 16 * (parseInt(key.slice(2), 10) & 7);
      for (let j = 0; j < 10; j++) fx[off + j] = b[9 - j]!;
    } else if (key[0] === 'x') fx.set(hexBytes(v).subarray(0, 16), 160 + 16 * (parseInt(key.slice(1), 10) & 15));
    else if (/^m[0-9a-f]+$/.test(key)) {
      const off = parseInt(key.slice(1), 16);
      const b = hexBytes(v);
      if (off < PAGE) mem.set(b.subarray(0, PAGE - off), off);
    }
  }
  return { gpr, rflags, fx, mem };
}

/** The "what changed" part of an output line (shared by both sides). */
function describe(status: string, rip: number, st0: State, gpr: bigint[], rflags: number, fx: Uint8Array, mem: Uint8Array): string {
  let s = `${status} rip=${rip.toString(16)} fl=${(rflags & RFLAGS_MASK).toString(16)}`;
  for (let k = 0; k < 16; k++) if (gpr[k] !== st0.gpr[k]) s += ` r${k}=${hex64(gpr[k]!)}`;
  const w16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
  if (w16(fx, 0) !== w16(st0.fx, 0)) s += ` fcw=${w16(fx, 0).toString(16)}`;
  if (w16(fx, 2) !== w16(st0.fx, 2)) s += ` fsw=${w16(fx, 2).toString(16)}`;
  if (fx[4] !== st0.fx[4]) s += ` ftw=${fx[4]!.toString(16)}`;
  const mx = (fx[24]! | (fx[25]! << 8) | (fx[26]! << 16) | (fx[27]! << 24)) >>> 0;
  const mx0 = (st0.fx[24]! | (st0.fx[25]! << 8) | (st0.fx[26]! << 16) | (st0.fx[27]! << 24)) >>> 0;
  if (mx !== mx0) s += ` mx=${mx.toString(16)}`;
  for (let k = 0; k < 8; k++) {
    const o = 32 + 16 * k;
    let same = true;
    for (let j = 0; j < 10; j++) if (fx[o + j] !== st0.fx[o + j]) same = false;
    if (!same) {
      s += ` st${k}=`;
      for (let j = 9; j >= 0; j--) s += fx[o + j]!.toString(16).padStart(2, '0');
    }
  }
  for (let k = 0; k < 16; k++) {
    const o = 160 + 16 * k;
    let same = true;
    for (let j = 0; j < 16; j++) if (fx[o + j] !== st0.fx[o + j]) same = false;
    if (!same) s += ` x${k}=${toHex(fx.subarray(o, o + 16))}`;
  }
  if (!Buffer.from(mem.buffer, mem.byteOffset, PAGE).equals(Buffer.from(st0.mem.buffer, st0.mem.byteOffset, PAGE))) {
    for (let i = 0; i < PAGE;) {
      if (mem[i] === st0.mem[i]) { i++; continue; }
      let j = i;
      while (j < PAGE && mem[j] !== st0.mem[j]) j++;
      s += ` m${i.toString(16)}=${toHex(mem.subarray(i, j))}`;
      i = j;
    }
  }
  return s;
}

const CODE_FILL = new Uint8Array(PAGE).fill(0xcc);

/** Runs a case in QVM's interpreter; returns the output line in difftest.c's format. */
export function runQvm(c: Case): string {
  const st = initialState(c);
  const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 24 });
  mem.map(CODE, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, 'code');
  mem.map(DATA, PAGE, PROT_READ | PROT_WRITE, 'data');
  const code = CODE_FILL.slice();
  code.set(c.code, INSN_OFF);
  mem.poke(CODE, code);
  mem.poke(DATA, st.mem);
  const cpu = new Cpu(mem);
  for (let k = 0; k < 16; k++) cpu.setReg64(k, st.gpr[k]!);
  cpu.setRflags(st.rflags);
  cpu.x87.fxrstor(st.fx);
  cpu.mxcsr = (st.fx[24]! | (st.fx[25]! << 8) | (st.fx[26]! << 16) | (st.fx[27]! << 24)) >>> 0;
  const xb = new Uint8Array(cpu.xmm.buffer, cpu.xmm.byteOffset, 256);
  xb.set(st.fx.subarray(160, 416));
  cpu.rip = INSN_ADDR;
  const interp = new Interpreter(cpu);
  let status: string;
  const stop = interp.run(100_000);
  if (stop === Stop.Fault && interp.fault !== null) {
    const f = interp.fault;
    status = f.signal === 5 && f.code === 0x80 ? 'T' : `S${f.signal}:${f.code}`;
  } else if (stop === Stop.Fault) {
    status = `LIMIT`;
  } else {
    status = `STOP${stop}`;
  }
  const gpr: bigint[] = [];
  for (let k = 0; k < 16; k++) gpr.push(cpu.getReg64(k));
  const fx = new Uint8Array(512);
  cpu.x87.fxsave(fx);
  const mx = cpu.mxcsr >>> 0;
  fx[24] = mx & 0xff; fx[25] = (mx >>> 8) & 0xff; fx[26] = (mx >>> 16) & 0xff; fx[27] = mx >>> 24;
  fx.set(xb, 160);
  const outMem = mem.read(DATA, PAGE);
  // frames live in the wasm arena, which garbage collection does not shrink: give them back
  interp.retire();
  mem.release();
  return describe(status, cpu.rip, st, gpr, cpu.getRflags(), fx, outMem);
}

// ------------------------------------------------------------------ native side

/** Whether this host can run the native side (x86-64 Linux with gcc). */
export function nativeAvailable(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'not an x86-64 Linux host';
  const r = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return 'gcc not found';
  return null;
}

/** Compiles test/native/difftest.c into a temporary directory; returns the executable and a cleanup. */
export function buildNative(): { exe: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qvm-difftest-'));
  const exe = join(dir, 'difftest');
  const cc = spawnSync('gcc', ['-O2', '-o', exe, NATIVE_SRC], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cannot compile ${NATIVE_SRC}:\n${cc.stderr}`);
  statSync(exe);
  return { exe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs cases on the host CPU; one output line per case. */
export function runNativeBatch(exe: string, cases: readonly Case[]): string[] {
  const input = cases.map(caseLine).join('\n') + '\n';
  const r = spawnSync(exe, [], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`difftest native harness failed (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  const lines = r.stdout.split('\n');
  lines.pop();
  if (lines.length !== cases.length) throw new Error(`native harness printed ${lines.length} lines for ${cases.length} cases`);
  return lines;
}

// ------------------------------------------------------------------ comparison

function parseOutput(line: string): { status: string; kv: Map<string, string> } {
  const parts = line.split(' ');
  const kv = new Map<string, string>();
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const eq = p.indexOf('=');
    if (eq > 0) kv.set(p.slice(0, eq), p.slice(eq + 1));
  }
  return { status: parts[0]!, kv };
}

function isMemKey(k: string): boolean {
  return /^m[0-9a-f]+$/.test(k);
}

/** Expands memory runs into per-byte entries so that differently split runs compare equal. */
function memBytes(kv: Map<string, string>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, v] of kv) {
    if (!isMemKey(k)) continue;
    const off = parseInt(k.slice(1), 16);
    for (let i = 0; i < v.length / 2; i++) out.set(off + i, v.slice(2 * i, 2 * i + 2));
  }
  return out;
}

/**
 * Null when QVM's output agrees with the native one for this case, else a description of the
 * differences (undefined flags and ignored keys excluded; with `skipVendorKeys`, also the case's
 * vendor-specific keys).
 */
export function compareOutputs(c: Case, native: string, qvm: string, skipVendorKeys = false): string | null {
  if (native === qvm) return null;
  const a = parseOutput(native), b = parseOutput(qvm);
  const problems: string[] = [];
  if (a.status !== b.status) problems.push(`status native ${a.status} qvm ${b.status}`);
  const ignore = new Set(c.ignore ?? []);
  if (skipVendorKeys) for (const k of c.vendorSpecific?.keys ?? []) ignore.add(k);
  const keys = new Set<string>();
  for (const k of a.kv.keys()) if (!isMemKey(k)) keys.add(k);
  for (const k of b.kv.keys()) if (!isMemKey(k)) keys.add(k);
  for (const k of keys) {
    if (ignore.has(k)) continue;
    const va = a.kv.get(k), vb = b.kv.get(k);
    if (k === 'fl') {
      const mask = RFLAGS_MASK & ~c.flagsUndef;
      if ((parseInt(va ?? '0', 16) & mask) !== (parseInt(vb ?? '0', 16) & mask)) {
        problems.push(`fl native ${va} qvm ${vb} (compared bits ${mask.toString(16)})`);
      }
      continue;
    }
    if (k === 'fsw' && c.fswUndef) {
      const mask = 0xffff & ~c.fswUndef;
      const init = c.sets.find(([n]) => n === 'fsw')?.[1] ?? '0';
      const fa = parseInt(va ?? init, 16), fb = parseInt(vb ?? init, 16);
      if ((fa & mask) !== (fb & mask)) problems.push(`fsw native ${va ?? '(unchanged)'} qvm ${vb ?? '(unchanged)'}`);
      continue;
    }
    if (va !== vb) problems.push(`${k} native ${va ?? '(unchanged)'} qvm ${vb ?? '(unchanged)'}`);
  }
  if (!ignore.has('mem')) {
    const ma = memBytes(a.kv), mb = memBytes(b.kv);
    const offs = new Set([...ma.keys(), ...mb.keys()]);
    const bad: number[] = [];
    for (const o of offs) if (ma.get(o) !== mb.get(o)) bad.push(o);
    if (bad.length > 0) {
      bad.sort((x, y) => x - y);
      problems.push(`memory differs at data+0x${bad[0]!.toString(16)} (${bad.length} bytes)`);
    }
  }
  return problems.length === 0 ? null : problems.join('; ');
}

/** A failure report: encoding, input state and both outputs. */
export function describeFailure(c: Case, native: string, qvm: string, why: string): string {
  return `${c.cls} ${c.name}: ${toHex(c.code)}\n  case:   ${caseLine(c)}\n  native: ${native}\n  qvm:    ${qvm}\n  diff:   ${why}`;
}
