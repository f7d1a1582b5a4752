/**
 * The WebAssembly translator (src/cpu/x86_64/wasm) against the interpreter on hand-encoded loops:
 * whatever the slice, fault or invalidation, a run forced through regions ends in the same
 * state (registers, RFLAGS, xmm, RIP, retired count, fault) as the interpreter alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { Cpu, Stop } from '../../../src/cpu/x86_64/cpu.js';
import { Interpreter } from '../../../src/cpu/x86_64/interpreter.js';
import { jitConfig } from '../../../src/cpu/x86_64/jit.js';
import { wasmStats } from '../../../src/cpu/x86_64/wasm/region.js';

const CODE = 0x10000000;
const DATA = 0x20000000;

/**
 * loop: mov eax,[rsi]; add eax,ecx; mov [rsi+4],eax; imul ecx,ecx,3; ror eax,5; xor ebx,eax;
 *       pxor xmm0,xmm1; paddd xmm1,xmm2; movq rdi,xmm1; add rbx,rdi; cvtsi2sd xmm3,eax (handler);
 *       sub edx,1; jne loop; int3
 */
const LOOP = [
  0x8b, 0x06, 0x01, 0xc8, 0x89, 0x46, 0x04, 0x6b, 0xc9, 0x03, 0xc1, 0xc8, 0x05, 0x31, 0xc3,
  0x66, 0x0f, 0xef, 0xc1, 0x66, 0x0f, 0xfe, 0xca, 0x66, 0x48, 0x0f, 0x7e, 0xcf, 0x48, 0x01, 0xfb,
  0xf2, 0x0f, 0x2a, 0xd8, 0x83, 0xea, 0x01, 0x75, 0xd8, 0xcc,
];

interface State {
  regs: bigint[];
  rip: number;
  icount: number;
  rflags: number;
  xmm: number[];
  stop: Stop;
  fault: string | null;
}

function setup(code: number[], dataPages = 1): Memory {
  const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 24 });
  mem.map(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 'code');
  mem.map(DATA, 4096 * dataPages, PROT_READ | PROT_WRITE, 'data');
  mem.poke(CODE, Uint8Array.from(code));
  return mem;
}

function initCpu(cpu: Cpu, k: number): void {
  cpu.rip = CODE;
  cpu.lo[1] = 7 + k; cpu.lo[2] = 300; cpu.lo[3] = 0x12345678;
  cpu.setReg64Number(6, DATA + 64 * k);
  for (let j = 0; j < 16; j++) cpu.xmm[4 + j] = (j * 0x9e3779b9 + k) >>> 0;
}

function snapshot(cpu: Cpu, stop: Stop, interp: Interpreter): State {
  const regs: bigint[] = [];
  for (let r = 0; r < 16; r++) regs.push(cpu.getReg64(r));
  return {
    regs, rip: cpu.rip, icount: cpu.icount, rflags: cpu.getRflags(), xmm: [...cpu.xmm], stop,
    fault: interp.fault === null ? null : `${interp.fault.signal}:${interp.fault.code}:${interp.fault.faultAddr}`,
  };
}

/** Run with the translator forced on (wasm) or off, in slices of `slice` instructions. */
function runIt(mem: () => Memory, wasm: boolean, slice: number, threads = 1): State[] {
  const saved = { ...jitConfig };
  Object.assign(jitConfig, { hot: 1, warmup: wasm ? 0 : Number.MAX_SAFE_INTEGER, wasm: true, callRatio: 0 });
  try {
    const m = mem();
    const cpus: Cpu[] = [];
    for (let k = 0; k < threads; k++) { const c = new Cpu(m); initCpu(c, k); cpus.push(c); }
    const interp = new Interpreter(cpus[0]!);
    const done: Array<State | null> = cpus.map(() => null);
    // round robin between the threads, as the scheduler's quantum does
    for (let round = 0; round < 100000 && done.some((d) => d === null); round++) {
      const k = round % threads;
      if (done[k] !== null) continue;
      interp.cpu = cpus[k]!;
      const before = cpus[k]!.icount;
      const stop = interp.run(slice);
      if (stop === Stop.Budget) assert.equal(cpus[k]!.icount - before, slice, 'a slice ends exactly at its budget');
      else done[k] = snapshot(cpus[k]!, stop, interp);
      interp.fault = null;
    }
    return done.map((d) => d!);
  } finally {
    Object.assign(jitConfig, saved);
  }
}

test('wasm region: a loop with memory, ALU, SSE and handler calls ends like the interpreter, in any slice', () => {
  const mem = (): Memory => setup(LOOP);
  const ref = runIt(mem, false, 1 << 20);
  assert.equal(ref[0]!.icount, 300 * 13); // int3 traps: not retired
  const before = wasmStats.retired;
  for (const slice of [1, 2, 7, 13, 1000, 1 << 20]) {
    assert.deepEqual(runIt(mem, true, slice), ref, `slice ${slice}`);
  }
  assert.ok(wasmStats.retired - before > 300 * 13, 'the loop ran translated');
});

test('wasm region: threads switched inside a long loop (quantum in retired instructions)', () => {
  const mem = (): Memory => setup(LOOP);
  for (const quantum of [5, 64, 333]) {
    assert.deepEqual(runIt(mem, true, quantum, 3), runIt(mem, false, quantum, 3), `quantum ${quantum}`);
  }
});

test('wasm region: a load that faults mid-region leaves registers, flags and count at that instruction', () => {
  // loop: add ecx,1; sub ebx,ecx; mov eax,[rsi]; add rsi,0x800; jmp loop (runs off the data mapping)
  const code = [0x83, 0xc1, 0x01, 0x29, 0xcb, 0x8b, 0x06, 0x48, 0x81, 0xc6, 0x00, 0x08, 0x00, 0x00, 0xeb, 0xf0];
  const mem = (): Memory => setup(code, 3);
  const ref = runIt(mem, false, 1 << 20);
  assert.equal(ref[0]!.stop, Stop.Fault);
  assert.equal(ref[0]!.rip, CODE + 5);
  for (const slice of [1, 3, 1 << 20]) assert.deepEqual(runIt(mem, true, slice), ref, `slice ${slice}`);
});

test('wasm region: a write into the running region\'s page stops it and the new code runs', () => {
  // loop: mov [rip+1],edx (patches the next imm32); mov eax,imm32; add ecx,eax; sub edx,1; jne loop; int3
  const code = [0x89, 0x15, 0x01, 0x00, 0x00, 0x00, 0xb8, 0, 0, 0, 0, 0x01, 0xc1, 0x83, 0xea, 0x01, 0x75, 0xee, 0xcc];
  const mem = (): Memory => setup(code);
  const ref = runIt(mem, false, 1 << 20);
  assert.equal(Number(ref[0]!.regs[1]! & 0xffffffffn), (300 * 301) / 2 + 7);
  assert.deepEqual(runIt(mem, true, 1 << 20), ref);
  assert.deepEqual(runIt(mem, true, 4), ref);
});

test('wasm region: mprotect of a compiled page invalidates it (the next fetch faults)', () => {
  const saved = { ...jitConfig };
  Object.assign(jitConfig, { hot: 1, warmup: 0, wasm: true, callRatio: 0 });
  try {
    const mem = setup(LOOP);
    const cpu = new Cpu(mem);
    initCpu(cpu, 0);
    const interp = new Interpreter(cpu);
    assert.equal(interp.run(500), Stop.Budget);
    assert.ok(interp.regionsCompiled > 0);
    mem.protect(CODE, 4096, PROT_READ);
    assert.equal(interp.run(500), Stop.Fault);
    assert.equal(interp.fault?.signal, 11);
    assert.equal(cpu.icount, 500);
  } finally {
    Object.assign(jitConfig, saved);
  }
});

test('wasm region: blocks on another page are not part of the region (it exits there)', () => {
  // page 0: loop: add ecx,1; jmp page1 ; page 1: sub edx,1; jne page0 (loop); int3
  const mem = (): Memory => {
    const m = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 24 });
    m.map(CODE, 8192, PROT_READ | PROT_EXEC, 'code');
    m.map(DATA, 4096, PROT_READ | PROT_WRITE, 'data');
    m.poke(CODE, Uint8Array.from([0x83, 0xc1, 0x01, 0xe9, 0xf8, 0x0f, 0x00, 0x00]));
    m.poke(CODE + 4096, Uint8Array.from([0x83, 0xea, 0x01, 0x0f, 0x85, 0xf7, 0xef, 0xff, 0xff, 0xcc]));
    return m;
  };
  const ref = runIt(mem, false, 1 << 20);
  const entries = wasmStats.entries;
  assert.deepEqual(runIt(mem, true, 1 << 20), ref);
  assert.equal(ref[0]!.icount, 300 * 4);
  // every iteration leaves one region for the other page's
  assert.ok(wasmStats.entries - entries >= 2 * 300);
});
