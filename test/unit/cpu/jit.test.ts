/**
 * Block translator (src/cpu/x86_64/jit.ts): conditions evaluated from the locals of an inline
 * flag producer agree with Cpu.cond, and code written by a compiled block is never run stale.
 * (Every inline instruction form is also checked against the host CPU by difftest.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cpu, Stop, FlagOp } from '../../../src/cpu/x86_64/cpu.js';
import { Interpreter } from '../../../src/cpu/x86_64/interpreter.js';
import { condExpr, jitConfig } from '../../../src/cpu/x86_64/jit.js';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';

test('jit: conditions from inline flag producers agree with Cpu.cond', () => {
  const cpu = new Cpu(new Memory({ maxResidentBytes: 1 << 20, maxMappedBytes: 1 << 20 }));
  const edge = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed & 1) !== 0 ? edge[(seed >>> 8) % edge.length]! : Math.imul(seed, 2654435761) >>> 0;
  };
  let checked = 0;
  for (const op of [FlagOp.Add, FlagOp.Sub, FlagOp.Logic]) {
    for (const size of [1, 4, 8]) {
      for (let cc = 0; cc < 16; cc++) {
        const ex = condExpr(op, size, cc);
        if (ex === null) continue;
        const f = new Function('aLo', 'aHi', 'bLo', 'bHi', 'rLo', 'rHi', `return ${ex};`) as
          (aLo: number, aHi: number, bLo: number, bHi: number, rLo: number, rHi: number) => boolean;
        for (let n = 0; n < 3000; n++) {
          let aLo = rnd(), bLo = rnd();
          const aHi = size === 8 ? rnd() : 0, bHi = size === 8 ? rnd() : 0;
          if (size === 1) { aLo &= 0xff; bLo &= 0xff; }
          let rLo: number, rHi = 0;
          if (op === FlagOp.Add) {
            const t = aLo + bLo;
            rLo = size === 1 ? t & 0xff : t >>> 0;
            if (size === 8) rHi = (aHi + bHi + (t >= 4294967296 ? 1 : 0)) >>> 0;
          } else if (op === FlagOp.Sub) {
            const t = aLo - bLo;
            rLo = size === 1 ? t & 0xff : t >>> 0;
            if (size === 8) rHi = (aHi - bHi - (t < 0 ? 1 : 0)) >>> 0;
          } else {
            rLo = (aLo & bLo) >>> 0;
            rHi = (aHi & bHi) >>> 0;
          }
          if (op === FlagOp.Logic) cpu.setFlagsLogic(size, rLo, rHi);
          else cpu.setFlagsLazy(op, size, aLo, aHi, bLo, bHi, rLo, rHi);
          assert.equal(f(aLo, aHi, bLo, bHi, rLo, rHi), cpu.cond(cc), `op ${op} size ${size} cc ${cc} a ${aHi}:${aLo} b ${bHi}:${bLo}`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 50000);
});

test('jit: a compiled block that writes its own code page leaves, and the new code runs', () => {
  const CODE = 0x10000000;
  const mem = new Memory({ maxResidentBytes: 1 << 20, maxMappedBytes: 1 << 20 });
  mem.map(CODE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 'code');
  // loop: mov [rip+1], edx      ; patch the immediate of the next instruction
  //       mov eax, imm32        ; runs with the value just written
  //       add ecx, eax
  //       sub edx, 1
  //       jne loop
  //       int3
  mem.poke(CODE, new Uint8Array([
    0x89, 0x15, 0x01, 0x00, 0x00, 0x00,
    0xb8, 0x00, 0x00, 0x00, 0x00,
    0x01, 0xc1,
    0x83, 0xea, 0x01,
    0x75, 0xee,
    0xcc,
  ]));
  const saved = jitConfig.hot;
  const savedWarmup = jitConfig.warmup;
  jitConfig.warmup = 0;
  jitConfig.hot = 1;
  try {
    const cpu = new Cpu(mem);
    const N = 500;
    cpu.lo[2] = N;
    cpu.rip = CODE;
    const interp = new Interpreter(cpu);
    const stop = interp.run(1_000_000);
    assert.equal(stop, Stop.Fault);
    assert.equal(interp.fault?.signal, 5);
    assert.equal(cpu.rip, CODE + 18);
    assert.equal(cpu.lo[1], (N * (N + 1)) / 2);
    assert.equal(cpu.icount, 5 * N);
    assert.ok(interp.blocksCompiled + interp.regionsCompiled > 0);
  } finally {
    jitConfig.hot = saved;
    jitConfig.warmup = savedWarmup;
  }
});

test('jit: budgets end exactly, whether or not blocks run', () => {
  const CODE = 0x10000000;
  const mem = new Memory({ maxResidentBytes: 1 << 20, maxMappedBytes: 1 << 20 });
  mem.map(CODE, 4096, PROT_READ | PROT_EXEC, 'code');
  // loop: add ecx, 3; add ebx, ecx; sub edx, 1; jne loop; int3
  mem.poke(CODE, new Uint8Array([0x83, 0xc1, 0x03, 0x01, 0xcb, 0x83, 0xea, 0x01, 0x75, 0xf6, 0xcc]));
  const runIt = (hot: number, slice: number): [number, number, number, number] => {
    const saved = jitConfig.hot;
    const savedWarmup = jitConfig.warmup;
    jitConfig.warmup = 0;
    jitConfig.hot = hot;
    try {
      const cpu = new Cpu(mem);
      cpu.lo[2] = 1000;
      cpu.rip = CODE;
      const interp = new Interpreter(cpu);
      let stop: Stop;
      let slices = 0;
      do {
        stop = interp.run(slice);
        slices++;
        if (stop === Stop.Budget) assert.equal(cpu.icount, slices * slice);
      } while (stop === Stop.Budget);
      return [cpu.lo[1]!, cpu.lo[3]!, cpu.icount, slices];
    } finally {
      jitConfig.hot = saved;
      jitConfig.warmup = savedWarmup;
    }
  };
  const ref = runIt(1e9, 7);
  assert.deepEqual(runIt(1, 7), ref);
  assert.deepEqual(runIt(3, 7), ref);
  assert.equal(ref[2], 4000);
});
