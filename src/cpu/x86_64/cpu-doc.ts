/**
 * The generated parts of docs/cpu.md: the CPUID answers (from cpuid.ts) and the implemented
 * opcodes grouped by mnemonic (from the opcode map). `renderCpuDoc` replaces the text between
 * the `<!-- generated:NAME -->` and `<!-- end:NAME -->` markers; test/unit/cpu/cpu-doc.test.ts
 * checks that the committed document equals its rendering, scripts/gen-cpu-doc.ts rewrites it.
 */
import './extensions.js';
import { cpuid } from './cpuid.js';
import { implementedOpcodes } from './opcodes.js';

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

const LEAVES: Array<[number, number, string]> = [
  [0, 0, 'highest basic leaf, vendor "GenuineIntel"'],
  [1, 0, 'family 6 model 0x2a stepping 7; EDX: FPU TSC CX8 CMOV MMX FXSR SSE SSE2; ECX: none'],
  [2, 0, 'descriptor 0xFF: cache parameters are in leaf 4'],
  [4, 0, 'L1 data cache, 32 KiB, 8-way, 64-byte lines'],
  [4, 1, 'L1 instruction cache, 32 KiB, 8-way, 64-byte lines'],
  [4, 2, 'L2 unified cache, 256 KiB, 4-way, 64-byte lines'],
  [4, 3, 'L3 unified cache, 8 MiB, 16-way, 64-byte lines'],
  [4, 4, 'no more caches'],
  [7, 0, 'no extended features (no BMI, AVX2, ERMS, FSRM, …)'],
  [0xd, 0, 'no XSAVE state components'],
  [0x80000000, 0, 'highest extended leaf'],
  [0x80000001, 0, 'ECX: LAHF/SAHF in 64-bit mode; EDX: SYSCALL NX LM'],
  [0x80000002, 0, 'brand string (1/3)'],
  [0x80000003, 0, 'brand string (2/3)'],
  [0x80000004, 0, 'brand string (3/3): "QVM Virtual CPU (x86-64-v1 baseline)"'],
  [0x80000006, 0, 'L2 cache: 256 KiB, 4-way, 64-byte lines'],
  [0x80000008, 0, '48 virtual, 39 physical address bits'],
];

/** Markdown table of every CPUID leaf QVM answers with something other than zeros. */
export function cpuidDoc(): string {
  const rows = ['| EAX (leaf) | ECX (subleaf) | EAX | EBX | ECX | EDX | meaning |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const [leaf, sub, what] of LEAVES) {
    const [a, b, c, d] = cpuid(leaf, sub);
    rows.push(`| ${hex8(leaf)} | ${sub} | ${hex8(a)} | ${hex8(b)} | ${hex8(c)} | ${hex8(d)} | ${what} |`);
  }
  return rows.join('\n');
}

/** The implemented opcodes grouped by mnemonic, one line per mnemonic, in first-opcode order. */
export function mnemonicsDoc(): string {
  const groups = new Map<string, string[]>();
  for (const line of implementedOpcodes()) {
    const i = line.lastIndexOf(': ');
    const enc = line.slice(0, i), name = line.slice(i + 2);
    let g = groups.get(name);
    if (g === undefined) { g = []; groups.set(name, g); }
    g.push(enc);
  }
  const out = ['```'];
  for (const [name, encs] of groups) out.push(`${name}: ${encs.join(', ')}`);
  out.push('```');
  return out.join('\n');
}

const SECTIONS: Record<string, () => string> = { cpuid: cpuidDoc, mnemonics: mnemonicsDoc };

/** The document with every generated section replaced by its current rendering. */
export function renderCpuDoc(doc: string): string {
  let out = doc;
  for (const [name, gen] of Object.entries(SECTIONS)) {
    const begin = `<!-- generated:${name} -->`, end = `<!-- end:${name} -->`;
    const a = out.indexOf(begin), b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/cpu.md: markers for section ${name} missing`);
    out = out.slice(0, a + begin.length) + '\n' + gen() + '\n' + out.slice(b);
  }
  return out;
}
