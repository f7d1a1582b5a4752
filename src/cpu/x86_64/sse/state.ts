/**
 * SSE state management and hints: 0F AE group (fxsave, fxrstor, ldmxcsr, stmxcsr, lfence,
 * mfence, sfence, clflush) and 0F 18 (prefetch hints).
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { ea16, gpFault, sigill } from './common.js';
import { MXCSR_MASK } from './fp.js';

/** FXSAVE image scratch (bytes 0-415 are the architectural part we read and write). */
const FX = new Uint8Array(512);
const FX32 = new Uint32Array(FX.buffer);
/** Bytes of the image FXSAVE writes and FXRSTOR reads: legacy header, x87, XMM0-15. */
const FX_LEN = 416;

function fxsave(cpu: Cpu, insn: Insn): void {
  const a = ea16(cpu, insn, true);
  FX.fill(0, 0, 160);
  cpu.x87.fxsave(FX);
  FX32[6] = cpu.mxcsr;
  FX32[7] = MXCSR_MASK;
  const x = cpu.xmm;
  for (let i = 0; i < 64; i++) FX32[40 + i] = x[i]!;
  const m = cpu.mem;
  m.checkWritable(a, FX_LEN);
  for (let i = 0; i < FX_LEN / 4; i++) m.write32(a + 4 * i, FX32[i]!);
}

function fxrstor(cpu: Cpu, insn: Insn): void {
  const a = ea16(cpu, insn, true);
  const m = cpu.mem;
  m.checkReadable(a, FX_LEN);
  for (let i = 0; i < FX_LEN / 4; i++) FX32[i] = m.read32(a + 4 * i);
  const mx = FX32[6]!;
  if ((mx & ~MXCSR_MASK) !== 0) gpFault('fxrstor: reserved MXCSR bits set');
  cpu.x87.fxrstor(FX);
  cpu.mxcsr = mx;
  const x = cpu.xmm;
  for (let i = 0; i < 64; i++) x[i] = FX32[40 + i]!;
}

/** 0F AE: group 15. */
export function op0FAE(cpu: Cpu, insn: Insn): void {
  if (insn.prefix !== 0) sigill(insn); // F3: rd/wrfsbase (FSGSBASE), 66: clflushopt/clwb: not reported
  const k = insn.regOp;
  if (insn.mod === 3) {
    // lfence / mfence / sfence: the emulator executes in order; nothing to do
    if (k < 5) sigill(insn);
    return;
  }
  switch (k) {
    case 0: fxsave(cpu, insn); return;
    case 1: fxrstor(cpu, insn); return;
    case 2: {
      const v = cpu.mem.read32(cpu.ea(insn));
      if ((v & ~MXCSR_MASK) !== 0) gpFault('ldmxcsr: reserved MXCSR bits set');
      cpu.mxcsr = v;
      return;
    }
    case 3:
      cpu.mem.write32(cpu.ea(insn), cpu.mxcsr);
      return;
    case 7:
      // clflush: no cache to flush, but the line must be accessible (checked like a byte load)
      cpu.mem.checkReadable(cpu.ea(insn), 1);
      return;
    default:
      sigill(insn); // xsave / xrstor / xsaveopt: XSAVE is not reported
  }
}

/** 0F 18: prefetchnta/t0/t1/t2 and the reserved hint NOPs: no memory access, no fault. */
export function op0F18(_cpu: Cpu, _insn: Insn): void {}
