/**
 * Writes docs/instructions.md from the opcode map (src/cpu/x86_64/opcodes.ts), the single source
 * of truth for what the interpreter implements. test/unit/instructions.test.ts fails when the
 * document and the map disagree, so run this after changing the map:
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/gen-instructions-doc.js
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { instructionsDoc } from '../src/cpu/x86_64/instructions-doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
writeFileSync(join(root, 'docs', 'instructions.md'), instructionsDoc());
console.log('wrote docs/instructions.md');
