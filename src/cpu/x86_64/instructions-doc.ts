/** The implemented-instruction list as Markdown, generated from the opcode map. */
import './extensions.js';
import { implementedOpcodes } from './opcodes.js';

export function instructionsDoc(): string {
  const lines = implementedOpcodes();
  return [
    '# Implemented x86-64 instructions',
    '',
    'Generated from the opcode map (`src/cpu/x86_64/opcodes.ts` plus the SSE and x87 units) by',
    '`node dist/scripts/gen-instructions-doc.js`; `test/unit/instructions.test.ts` keeps this list and the',
    'map equal. An opcode not listed here raises SIGILL (illegal instruction) with its address and bytes.',
    'Handlers may still refuse some prefix forms of a listed opcode (for example MMX forms of SSE',
    'opcodes, CMPXCHG16B without CX16, F3 0F B8 POPCNT which the baseline CPU does not advertise).',
    '',
    '`/n` lists the ModRM.reg extensions implemented for group opcodes. `sse` rows dispatch on the',
    'mandatory prefix (none = ps, 66 = pd/integer, F3 = ss, F2 = sd); see docs/sse.md and docs/x87.md.',
    '',
    '```',
    ...lines,
    '```',
    '',
  ].join('\n');
}
