/**
 * Plugs the SSE/SSE2 and x87 units into the opcode map. Kept apart from opcodes.ts so the
 * integer core's table stays readable and each unit owns its own list.
 */
import { registerOpcodes, makeOpInfo, Imm, TWO_BYTE, THREE_BYTE_38, THREE_BYTE_3A, type OpInfo } from './opcodes.js';
import { sseOpcodes } from './sse/index.js';
import { execX87, x87CheckPending } from './x87/exec.js';

function indexOf(op: number): number {
  if ((op & 0xffff00) === 0x0f3800) return THREE_BYTE_38 | (op & 0xff);
  if ((op & 0xffff00) === 0x0f3a00) return THREE_BYTE_3A | (op & 0xff);
  return TWO_BYTE | (op & 0xff);
}

const entries: Array<[number, OpInfo]> = [];
for (const [op, { handler, imm8 }] of sseOpcodes) {
  entries.push([indexOf(op), makeOpInfo('sse', handler, { modrm: true, imm: imm8 ? Imm.Ub : Imm.None })]);
}
// FWAIT raises a pending unmasked x87 exception (SIGFPE), as on hardware
entries.push([0x9b, makeOpInfo('fwait', (cpu) => x87CheckPending(cpu))]);
for (let b = 0xd8; b <= 0xdf; b++) entries.push([b, makeOpInfo('x87', execX87, { modrm: true })]);
registerOpcodes(entries);
