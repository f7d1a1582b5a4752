/**
 * Runs generated cases through the harness (test/build/rv64/difftest-harness) under qemu-riscv64
 * and under QVM, and compares the output record of every case: registers, FP registers, fcsr,
 * data memory, and the signal (number, si_addr, pc offset) when the case faulted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../../src/machine/run.js';
import { BUILD } from '../helpers.js';
import { CLASSES, generate, Rng, type Case } from './gen.js';

export const HARNESS = join(BUILD, 'rv64', 'difftest-harness');
const RECORD = 65 * 8 + 256 + 24;
/** The reference CPU: RV64GC only (qemu 7.2's rv64 also enables bit manipulation, vectors, ...). */
export const QEMU_CPU = 'rv64,zba=false,zbb=false,zbc=false,zbs=false,v=false,Zfh=false,Zfhmin=false,Zve32f=false,Zve64f=false,zk=false,zks=false,svinval=false';
const SI_ADDR = 65 * 8 + 256 + 8;
const USER_LIMIT = 2n ** 47n;

/**
 * qemu-user reports si_addr 0 for a fault beyond its guest address space, where Linux (and QVM)
 * report the address: such records are compared with the address cleared.
 */
function normalise(q: Buffer, v: Buffer): void {
  const qa = q.readBigUInt64LE(SI_ADDR), va = v.readBigUInt64LE(SI_ADDR);
  if (q.readBigUInt64LE(SI_ADDR - 8) === 11n && qa === 0n && va >= USER_LIMIT) v.writeBigUInt64LE(0n, SI_ADDR);
  // QVM's fault addresses are JS numbers: beyond 2^53 (never a user address) only as exact as a double
  else if (qa >= TWO53 && va >= TWO53 && Number(qa) === Number(va)) v.writeBigUInt64LE(qa, SI_ADDR);
}
const TWO53 = 2n ** 53n;
const BATCH = 4000;

/** Why the campaign cannot run here, or null. */
export function harnessMissing(): string | null {
  if (!existsSync(HARNESS)) return `${HARNESS} missing (bash test/setup-riscv64.sh)`;
  if (spawnSync('qemu-riscv64', ['-version'], { stdio: 'ignore' }).status !== 0) return 'qemu-riscv64 missing';
  return null;
}

function encode(cases: Case[]): Uint8Array {
  let size = 4;
  for (const c of cases) size += 4 + ((c.code.length + 3) & ~3) + 65 * 8 + 256;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, cases.length, true);
  let p = 4;
  for (const c of cases) {
    dv.setUint32(p, c.code.length, true);
    out.set(c.code, p + 4);
    p += 4 + ((c.code.length + 3) & ~3);
    for (let i = 0; i < 65; i++) dv.setBigUint64(p + 8 * i, c.state[i]!, true);
    p += 65 * 8;
    out.set(c.data, p);
    p += 256;
  }
  return out;
}

const REG_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];

function fieldName(i: number): string {
  if (i < 32) return REG_NAMES[i]!;
  if (i < 64) return `f${i - 32}`;
  if (i === 64) return 'fcsr';
  return ['signal', 'si_addr', 'pc offset'][i - 65 - 32]!;
}

function describe(c: Case, ref: DataView, got: DataView, base: number): string {
  const hex = [...c.code].map((b) => b.toString(16).padStart(2, '0')).join('');
  const lines = [`class ${c.cls}, code ${hex}`];
  for (let i = 0; i < 65; i++) {
    const a = ref.getBigUint64(base + 8 * i, true), b = got.getBigUint64(base + 8 * i, true);
    if (a !== b) lines.push(`  ${fieldName(i)}: qemu 0x${a.toString(16)}, qvm 0x${b.toString(16)} (input 0x${c.state[i]!.toString(16)})`);
  }
  for (let i = 0; i < 256; i++) {
    if (ref.getUint8(base + 520 + i) !== got.getUint8(base + 520 + i)) {
      lines.push(`  data memory differs from byte ${i}`);
      break;
    }
  }
  for (let i = 0; i < 3; i++) {
    const a = ref.getBigUint64(base + 776 + 8 * i, true), b = got.getBigUint64(base + 776 + 8 * i, true);
    if (a !== b) lines.push(`  ${['signal', 'si_addr', 'pc offset'][i]}: qemu ${a}, qvm ${b}`);
  }
  return lines.join('\n');
}

export interface ClassStats {
  cases: number;
  failures: number;
}

export interface CampaignResult {
  stats: Map<string, ClassStats>;
  failures: string[];
}

/** Run `count` cases from `seed` in batches; keeps the first `maxReports` failure reports. */
export function runCampaign(seed: number, count: number, opts: { maxReports?: number } = {}): CampaignResult {
  const harness = readFileSync(HARNESS);
  const rng = new Rng(seed);
  const stats = new Map<string, ClassStats>(CLASSES.map(([n]) => [n, { cases: 0, failures: 0 }]));
  const failures: string[] = [];
  for (let done = 0; done < count; done += BATCH) {
    const cases: Case[] = [];
    for (let i = 0; i < Math.min(BATCH, count - done); i++) cases.push(generate(rng));
    const input = encode(cases);
    const q = spawnSync('qemu-riscv64', ['-cpu', QEMU_CPU, HARNESS], { input, maxBuffer: 1 << 30 });
    if (q.status !== 0) throw new Error(`qemu-riscv64 harness failed (status ${q.status}): ${q.stderr}`);
    const r = runElf(harness, {
      argv: ['harness'], env: [], stdin: input, gasLimit: 1e12,
      limits: { stdoutBytes: cases.length * RECORD + 4096 },
    });
    if (r.exitCode !== 0) throw new Error(`QVM harness run failed: ${r.reason ?? `exit ${r.exitCode}`}`);
    const ref = new DataView(q.stdout.buffer, q.stdout.byteOffset, q.stdout.byteLength);
    const got = new DataView(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
    if (q.stdout.byteLength !== cases.length * RECORD || r.stdout.byteLength !== cases.length * RECORD) {
      throw new Error(`harness output sizes: qemu ${q.stdout.byteLength}, qvm ${r.stdout.byteLength}, expected ${cases.length * RECORD}`);
    }
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const s = stats.get(c.cls)!;
      s.cases++;
      const a = Buffer.from(q.stdout.buffer, q.stdout.byteOffset + i * RECORD, RECORD);
      const b = Buffer.from(r.stdout.buffer, r.stdout.byteOffset + i * RECORD, RECORD);
      normalise(a, b);
      if (a.equals(b)) continue;
      s.failures++;
      if (failures.length < (opts.maxReports ?? 20)) failures.push(describe(c, ref, got, i * RECORD));
    }
  }
  return { stats, failures };
}

export function formatStats(res: CampaignResult): string {
  const rows = [...res.stats].map(([n, s]) => `${n.padEnd(12)} ${String(s.cases).padStart(9)} cases ${String(s.failures).padStart(7)} failures`);
  return rows.join('\n');
}
