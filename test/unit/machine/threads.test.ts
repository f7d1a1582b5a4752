/**
 * The machine's thread loop (src/machine/threads.ts) on a few hand-assembled x86-64 instructions,
 * without an ELF: where threads switch (after QUANTUM retired instructions while another thread is
 * runnable, at once when one blocks or yields), that the switch points are the same on every run,
 * and that a program whose threads all wait forever ends as a deadlock.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Cpu, RSP } from '../../../src/cpu/x86_64/cpu.js';
import { jitConfig } from '../../../src/cpu/x86_64/jit.js';
import { Kernel } from '../../../src/kernel/kernel.js';
import { QUANTUM, runThreads, X86Thread, type ThreadsEnd } from '../../../src/machine/threads.js';
import { DEFAULT_LIMITS } from '../../../src/machine/types.js';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';

const CODE = 0x400000;
const DATA = 0x500000; // the futex word and the child's stack
const STACK_TOP = 0x7ff0_0000;

// CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, as glibc passes them
const THREAD_FLAGS = 0x50f00;

const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** clone(THREAD_FLAGS, stack) then, in the child (rax 0), `child`; the parent jumps to `parent`. */
function program(child: number[], parent: number[]): Uint8Array {
  const start = [
    0xb8, ...le32(56), // mov eax, SYS_clone
    0xbf, ...le32(THREAD_FLAGS), // mov edi, flags
    0xbe, ...le32(DATA + 0x8000), // mov esi, child stack
    0x31, 0xd2, // xor edx, edx
    0x45, 0x31, 0xd2, // xor r10d, r10d
    0x45, 0x31, 0xc0, // xor r8d, r8d
    0x0f, 0x05, // syscall
    0x85, 0xc0, // test eax, eax
    0x0f, 0x85, ...le32(child.length), // jnz parent (over the child's code)
  ];
  return new Uint8Array([...start, ...child, ...parent]);
}

const SPIN = [0xeb, 0xfe]; // jmp $ (one instruction per iteration)
/** futex(DATA, FUTEX_WAIT, 0, NULL) forever (the word stays 0). */
const WAIT_FOREVER = [
  0xb8, ...le32(202), // mov eax, SYS_futex
  0xbf, ...le32(DATA), // mov edi, DATA
  0x31, 0xf6, // xor esi, esi (FUTEX_WAIT)
  0x31, 0xd2, // xor edx, edx (expected value 0)
  0x45, 0x31, 0xd2, // xor r10d, r10d (no timeout)
  0x0f, 0x05, // syscall
  0xeb, 0xe9, // jmp back to mov eax (23 bytes back)
];
const YIELD_LOOP = [
  0xb8, ...le32(24), // mov eax, SYS_sched_yield
  0x0f, 0x05, // syscall
  0xeb, 0xf7, // jmp back (9 bytes back)
];

interface Run {
  end: ThreadsEnd;
  /** [tid that runs from now on, instructions retired by all threads at the switch]. */
  switches: Array<[number, number]>;
}

function run(code: Uint8Array, gasLimit: number): Run {
  const mem = new Memory({ maxResidentBytes: 1 << 24, maxMappedBytes: 1 << 30 });
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC, 'code');
  mem.poke(CODE, code);
  mem.map(DATA, 0x10000, PROT_READ | PROT_WRITE, 'data');
  mem.map(STACK_TOP - 0x10000, 0x10000, PROT_READ | PROT_WRITE, 'stack');
  const kernel = new Kernel({
    mem,
    arch: 'x86_64',
    block: { number: 1n, timestamp: 1_700_000_000n, prevBlockHash: new Uint8Array(32), txHash: new Uint8Array(32), chainId: 1n },
    stdin: new Uint8Array(0),
    limits: DEFAULT_LIMITS,
    brkStart: 0x600000,
    mmapBase: 0x7ffff7fff000,
  });
  const cpu = new Cpu(mem);
  cpu.rip = CODE;
  cpu.setReg64Number(RSP, STACK_TOP - 64);
  const switches: Array<[number, number]> = [];
  const tidOf = (c: Cpu): number => {
    const th = kernel.sched.threads.find((t) => t.ctx instanceof X86Thread && t.ctx.cpu === c);
    assert.ok(th, 'switched to a Cpu the kernel does not know');
    return th.tid;
  };
  const end = runThreads(kernel, cpu, gasLimit, null, { decoded() {}, switched: (c) => switches.push([tidOf(c), c.icount]) });
  mem.release();
  return { end, switches };
}

describe('thread switches', () => {
  it('two spinning threads take turns every QUANTUM retired instructions, the same on every run', () => {
    const code = program(SPIN, SPIN);
    const first = run(code, 3 * QUANTUM + QUANTUM / 2);
    assert.deepEqual(first.switches, [
      [1001, QUANTUM],
      [1000, 2 * QUANTUM],
      [1001, 3 * QUANTUM],
    ]);
    assert.match(first.end.reason ?? '', /^out of gas/);
    const again = run(code, 3 * QUANTUM + QUANTUM / 2);
    assert.deepEqual(again, first);
  });

  it('the switch points do not depend on the block translator: forced on from the first instruction, or off', () => {
    const code = program(SPIN, SPIN);
    const reference = run(code, 2 * QUANTUM + 1000);
    const saved = { ...jitConfig };
    try {
      for (const [hot, warmup] of [[1, 0], [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]] as const) {
        jitConfig.hot = hot;
        jitConfig.warmup = warmup;
        assert.deepEqual(run(code, 2 * QUANTUM + 1000), reference, `hot ${hot}, warmup ${warmup}`);
      }
    } finally {
      Object.assign(jitConfig, saved);
    }
  });

  it('a thread that blocks hands over at once and never runs again; the other spins alone, without switches', () => {
    const r = run(program(WAIT_FOREVER, SPIN), 2 * QUANTUM);
    // at QUANTUM the child runs: test, jnz, then the 6 instructions of the futex call, and
    // blocks; main has the CPU from then on
    assert.deepEqual(r.switches, [
      [1001, QUANTUM],
      [1000, QUANTUM + 8],
    ]);
    assert.match(r.end.reason ?? '', /^out of gas/);
  });

  it('sched_yield gives up the rest of the quantum: the yielding thread runs 3 instructions per turn', () => {
    const r = run(program(YIELD_LOOP, SPIN), 4 * QUANTUM);
    const q = QUANTUM;
    // child's first turn: test, jnz, mov, syscall (4); later turns: jmp, mov, syscall (3)
    assert.deepEqual(r.switches, [
      [1001, q],
      [1000, q + 4],
      [1001, 2 * q + 4],
      [1000, 2 * q + 7],
      [1001, 3 * q + 7],
      [1000, 3 * q + 10],
    ]);
  });

  it('every thread waiting forever ends the run as a deadlock naming them', () => {
    const r = run(program(WAIT_FOREVER, WAIT_FOREVER), 10 * QUANTUM);
    assert.equal(r.end.reason, 'deadlock: every thread is blocked forever (tid 1000 in futex, tid 1001 in futex)');
    assert.equal(r.end.signal, null);
    assert.ok(r.end.instructions < 100, `${r.end.instructions} instructions`);
  });
});
