/**
 * Rewrites the generated sections of docs/cpu.md (CPUID table, implemented mnemonics) from the
 * code. test/unit/cpu/cpu-doc.test.ts fails when they disagree; run after changing cpuid.ts or the
 * opcode map:
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/gen-cpu-doc.js
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { renderCpuDoc } from '../src/cpu/x86_64/cpu-doc.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'cpu.md');
writeFileSync(file, renderCpuDoc(readFileSync(file, 'utf8')));
console.log('wrote docs/cpu.md');
