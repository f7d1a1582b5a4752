#!/usr/bin/env node
/**
 * Developer tool: find the first instruction at which QVM's x87 and the host FPU disagree.
 *
 *   npx tsc -p tsconfig.json
 *   node test/native/x87bisect.mjs CW CODEHEX MEMHEX
 *
 * CW/CODE/MEM are the fields of a failing case printed by the differential test in
 * test/unit/x87.test.ts (code runs with RDI pointing at a 512-byte buffer initialised from MEM).
 * Runs every instruction prefix on both sides and prints FSW/FTW/flags after each instruction,
 * then the differing registers and memory rows at the first divergence.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(join(ROOT, 'dist', p)).href;
const { Memory } = await import(dist('src/mem/memory.js'));
const { Cpu } = await import(dist('src/cpu/x86_64/cpu.js'));
const { Insn, NO_REG } = await import(dist('src/cpu/x86_64/insn.js'));
const { execX87 } = await import(dist('src/cpu/x86_64/x87/exec.js'));

const [cwS, code, mem = ''] = process.argv.slice(2);
if (!cwS || !code) {
  console.error('usage: x87bisect.mjs CW CODEHEX [MEMHEX]');
  process.exit(2);
}
const exe = join(mkdtempSync(join(tmpdir(), 'qvm-x87-')), 'x87ref');
const cc = spawnSync('gcc', ['-O0', '-o', exe, join(ROOT, 'test/native/x87ref.c')], { encoding: 'utf8' });
if (cc.status !== 0 || !existsSync(exe)) { console.error(cc.stderr); process.exit(1); }

const hb = (h) => { const o = []; for (let i = 0; i + 1 < h.length; i += 2) o.push(parseInt(h.slice(i, i + 2), 16)); return o; };
const bh = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function decode(c, pos) {
  const start = pos;
  const insn = new Insn(execX87);
  if (c[pos] === 0x66) { insn.opSize = 2; pos++; }
  const modrm = c[pos + 1];
  insn.op = c[pos];
  pos += 2;
  insn.hasModRM = true; insn.mod = modrm >> 6; insn.regOp = insn.reg = (modrm >> 3) & 7; insn.rm = modrm & 7;
  if (insn.mod !== 3) {
    insn.base = 7; insn.index = NO_REG;
    if (insn.mod === 1) { insn.disp = (c[pos] << 24) >> 24; pos++; }
    else if (insn.mod === 2) { insn.disp = c[pos] | (c[pos + 1] << 8) | (c[pos + 2] << 16) | (c[pos + 3] << 24); pos += 4; }
  }
  insn.len = pos - start;
  insn.bytes = Uint8Array.from(c.slice(start, pos));
  return insn;
}

function emulate(codeHex) {
  const m = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 });
  m.map(0x10000, 4096, 3, 'buf');
  const cpu = new Cpu(m);
  cpu.lo[7] = 0x10000;
  const init = new Uint8Array(512);
  init.set(hb(mem).slice(0, 512));
  m.write(0x10000, init);
  cpu.x87.reset();
  cpu.x87.cw = parseInt(cwS, 16);
  cpu.setFlagsEager(0);
  const c = hb(codeHex);
  for (let pos = 0; pos < c.length;) { const i = decode(c, pos); i.exec(cpu, i); pos += i.len; }
  const fx = new Uint8Array(512);
  cpu.x87.fxsave(fx);
  return `${bh(fx.subarray(0, 160))} ${(cpu.arithFlags() & 0x8d5).toString(16).padStart(4, '0')} ${bh(m.read(0x10000, 256))}`;
}

const norm = (l) => { const p = l.split(' '); return `${p[0].slice(0, 12)}${'-'.repeat(52)}${p[0].slice(64)} ${p[1]} ${p[2]}`; };
const c = hb(code);
const cuts = [];
for (let pos = 0; pos < c.length;) { pos += decode(c, pos).len; cuts.push(pos); }
const prefixes = cuts.map((p) => bh(c.slice(0, p)));
const input = prefixes.map((p) => `seq ${cwS} ${p} ${mem || '00'}`).join('\n') + '\n';
const hw = spawnSync(exe, [], { input, encoding: 'utf8' }).stdout.trim().split('\n');
const fsw = (l) => l.slice(6, 8) + l.slice(4, 6);
for (let k = 0; k < prefixes.length; k++) {
  const w = norm(hw[k]), g = norm(emulate(prefixes[k]));
  const insn = prefixes[k].slice(k ? prefixes[k - 1].length : 0);
  console.log(`${insn.padEnd(16)} hw fsw=${fsw(w)} ftw=${w.slice(8, 10)} fl=${w.split(' ')[1]}  qvm fsw=${fsw(g)} ftw=${g.slice(8, 10)} fl=${g.split(' ')[1]}${w === g ? '' : '  <-- differs'}`);
  if (w !== g) {
    for (let i = 0; i < 8; i++) {
      const a = w.slice(64 + 32 * i, 84 + 32 * i), b = g.slice(64 + 32 * i, 84 + 32 * i);
      if (a !== b) console.log(`   st${i} hw ${a} qvm ${b}`);
    }
    const wm = w.split(' ')[2], gm = g.split(' ')[2];
    for (let o = 0; o < 512; o += 32) if (wm.slice(o, o + 32) !== gm.slice(o, o + 32)) console.log(`   mem+${(o / 2).toString(16)} hw ${wm.slice(o, o + 32)} qvm ${gm.slice(o, o + 32)}`);
    break;
  }
}
