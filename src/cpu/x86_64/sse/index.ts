/**
 * SSE/SSE2 instruction table for the decoder.
 *
 * Every opcode here takes a ModRM byte; `imm8` says whether an 8-bit immediate follows. Handlers
 * dispatch on `insn.prefix` (none = ps, 66 = pd / integer xmm, F3 = ss, F2 = sd) and raise SIGILL
 * for forms outside the SSE/SSE2 baseline (MMX register forms, SSE3+ prefixes).
 */
import type { Handler } from '../insn.js';
import * as af from './arith-float.js';
import * as ai from './arith-int.js';
import * as cmp from './compare.js';
import * as cvt from './convert.js';
import * as lg from './logic.js';
import * as mv from './moves.js';
import * as sh from './shift.js';
import * as shf from './shuffle.js';
import * as st from './state.js';

export interface SseOpcode {
  handler: Handler;
  imm8: boolean;
}

const table: [number, Handler, boolean][] = [
  // moves
  [0x0f10, mv.op0F10, false], [0x0f11, mv.op0F11, false], [0x0f12, mv.op0F12, false],
  [0x0f13, mv.op0F13, false], [0x0f16, mv.op0F16, false], [0x0f17, mv.op0F17, false],
  [0x0f28, mv.op0F28, false], [0x0f29, mv.op0F29, false], [0x0f2b, mv.op0F2B, false],
  [0x0f50, mv.op0F50, false], [0x0f6e, mv.op0F6E, false], [0x0f6f, mv.op0F6F, false],
  [0x0f7e, mv.op0F7E, false], [0x0f7f, mv.op0F7F, false], [0x0fc3, mv.op0FC3, false],
  [0x0fd6, mv.op0FD6, false], [0x0fd7, mv.op0FD7, false], [0x0fe7, mv.op0FE7, false],
  [0x0ff7, mv.op0FF7, false],
  // floating-point arithmetic
  [0x0f51, af.op0F51, false], [0x0f52, af.op0F52, false], [0x0f53, af.op0F53, false],
  [0x0f58, af.op0F58, false], [0x0f59, af.op0F59, false], [0x0f5c, af.op0F5C, false],
  [0x0f5d, af.op0F5D, false], [0x0f5e, af.op0F5E, false], [0x0f5f, af.op0F5F, false],
  // logic
  [0x0f54, lg.op0F54, false], [0x0f55, lg.op0F55, false], [0x0f56, lg.op0F56, false],
  [0x0f57, lg.op0F57, false], [0x0fdb, lg.op0FDB, false], [0x0fdf, lg.op0FDF, false],
  [0x0feb, lg.op0FEB, false], [0x0fef, lg.op0FEF, false],
  // compare
  [0x0fc2, cmp.op0FC2, true], [0x0f2e, cmp.op0F2E, false], [0x0f2f, cmp.op0F2F, false],
  [0x0f74, cmp.op0F74, false], [0x0f75, cmp.op0F75, false], [0x0f76, cmp.op0F76, false],
  [0x0f64, cmp.op0F64, false], [0x0f65, cmp.op0F65, false], [0x0f66, cmp.op0F66, false],
  // conversions
  [0x0f2a, cvt.op0F2A, false], [0x0f2c, cvt.op0F2C, false], [0x0f2d, cvt.op0F2D, false],
  [0x0f5a, cvt.op0F5A, false], [0x0f5b, cvt.op0F5B, false], [0x0fe6, cvt.op0FE6, false],
  // integer arithmetic
  [0x0ffc, ai.op0FFC, false], [0x0ffd, ai.op0FFD, false], [0x0ffe, ai.op0FFE, false],
  [0x0fd4, ai.op0FD4, false], [0x0ff8, ai.op0FF8, false], [0x0ff9, ai.op0FF9, false],
  [0x0ffa, ai.op0FFA, false], [0x0ffb, ai.op0FFB, false], [0x0fec, ai.op0FEC, false],
  [0x0fed, ai.op0FED, false], [0x0fe8, ai.op0FE8, false], [0x0fe9, ai.op0FE9, false],
  [0x0fdc, ai.op0FDC, false], [0x0fdd, ai.op0FDD, false], [0x0fd8, ai.op0FD8, false],
  [0x0fd9, ai.op0FD9, false], [0x0fd5, ai.op0FD5, false], [0x0fe5, ai.op0FE5, false],
  [0x0fe4, ai.op0FE4, false], [0x0ff4, ai.op0FF4, false], [0x0ff5, ai.op0FF5, false],
  [0x0fe0, ai.op0FE0, false], [0x0fe3, ai.op0FE3, false], [0x0fda, ai.op0FDA, false],
  [0x0fde, ai.op0FDE, false], [0x0fea, ai.op0FEA, false], [0x0fee, ai.op0FEE, false],
  [0x0ff6, ai.op0FF6, false],
  // shuffles, unpacks, packs, word insert/extract
  [0x0f14, shf.op0F14, false], [0x0f15, shf.op0F15, false], [0x0fc6, shf.op0FC6, true],
  [0x0f70, shf.op0F70, true], [0x0f60, shf.op0F60, false], [0x0f61, shf.op0F61, false],
  [0x0f62, shf.op0F62, false], [0x0f68, shf.op0F68, false], [0x0f69, shf.op0F69, false],
  [0x0f6a, shf.op0F6A, false], [0x0f6c, shf.op0F6C, false], [0x0f6d, shf.op0F6D, false],
  [0x0f63, shf.op0F63, false], [0x0f67, shf.op0F67, false], [0x0f6b, shf.op0F6B, false],
  [0x0fc4, shf.op0FC4, true], [0x0fc5, shf.op0FC5, true],
  // shifts
  [0x0fd1, sh.op0FD1, false], [0x0fd2, sh.op0FD2, false], [0x0fd3, sh.op0FD3, false],
  [0x0fe1, sh.op0FE1, false], [0x0fe2, sh.op0FE2, false], [0x0ff1, sh.op0FF1, false],
  [0x0ff2, sh.op0FF2, false], [0x0ff3, sh.op0FF3, false], [0x0f71, sh.op0F71, true],
  [0x0f72, sh.op0F72, true], [0x0f73, sh.op0F73, true],
  // state, fences, hints
  [0x0fae, st.op0FAE, false], [0x0f18, st.op0F18, false],
];

export const sseOpcodes: Map<number, SseOpcode> = new Map(
  table.map(([op, handler, imm8]) => [op, { handler, imm8 }] as [number, SseOpcode]),
);
