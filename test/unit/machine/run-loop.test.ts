/**
 * The run loop shared by every architecture (src/machine/run-loop.ts), driven directly: a real
 * kernel, and an architecture whose "CPU" retires what the loop gives it and stops as a script
 * says. How each way of ending a run comes out: exit, out of gas (with the CPU's place), the
 * CPU's limit, deadlock.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Stop } from '../../../src/cpu/x86_64/cpu.js';
import type { KThread } from '../../../src/kernel/thread.js';
import { runLoop, type ArchLoop, type LoopCpu, type ThreadsEnd } from '../../../src/machine/run-loop.js';
import { rawArgs, setup, syscallNr } from '../kernel/harness.js';

interface ScriptCpu extends LoopCpu {
  pc: number;
}

/** A step of the script: run `insns` instructions (the whole budget when absent) then stop so. */
type Step = { stop: Stop.Budget; insns?: number } | { stop: Stop.Syscall; call: string; args?: number[] } | { stop: Stop.Fault; limit: string };

function run(script: Step[], gasLimit: number): { end: ThreadsEnd; budgets: number[] } {
  const { k, t, mem } = setup();
  const cpu: ScriptCpu = { icount: 0, pc: 0x401000 };
  const budgets: number[] = [];
  let step: Step | undefined;
  const arch: ArchLoop<ScriptCpu> = {
    cpuOf: () => cpu,
    switchTo: () => undefined,
    resume: () => undefined,
    run(c, budget) {
      budgets.push(budget);
      step = script.shift() ?? { stop: Stop.Budget };
      const n = step.stop === Stop.Budget ? Math.min(step.insns ?? budget, budget) : 1;
      c.icount += n;
      c.pc += 4 * n;
      return step.stop;
    },
    syscall(_c, th: KThread) {
      if (step?.stop !== Stop.Syscall) throw new Error('not at a system call');
      k.syscall(syscallNr(step.call), rawArgs(step.args ?? []), th.ctx);
    },
    fault: () => (step?.stop === Stop.Fault ? step.limit : null),
    where: (c) => `pc 0x${c.pc.toString(16)}`,
  };
  const end = runLoop(k, mem, cpu, k.thread(t), gasLimit, arch);
  return { end, budgets };
}

describe('machine: the run loop', () => {
  it('a thread that exits ends the run with its status, the instructions it retired counted', () => {
    const { end } = run([{ stop: Stop.Budget, insns: 10 }, { stop: Stop.Syscall, call: 'exit_group', args: [3] }], 1_000_000);
    assert.deepEqual(end.outcome, { kind: 'exit', status: 3 });
    assert.equal(end.exitCode, 3);
    assert.equal(end.instructions, 11);
    assert.ok(end.gasUsed >= end.instructions);
  });

  it('gas runs out between slices: the reason names the limit and where the CPU is, gas used is the limit', () => {
    const { end, budgets } = run([], 5000);
    assert.equal(end.outcome.kind, 'out-of-gas');
    assert.match(end.reason ?? '', /^out of gas \(limit 5000\) at pc 0x[0-9a-f]+$/);
    assert.equal(end.exitCode, 137);
    assert.equal(end.gasUsed, 5000);
    // a slice is never given more than the gas left
    assert.ok(budgets.every((b) => b <= 5000), String(budgets));
  });

  it("the CPU's own limit (a fault that is not a signal) ends the run with its reason", () => {
    const { end } = run([{ stop: Stop.Fault, limit: 'memory limit exceeded' }], 1_000_000);
    assert.deepEqual(end.outcome, { kind: 'limit', reason: 'memory limit exceeded' });
    assert.equal(end.exitCode, 137);
  });

  it('a thread blocked forever with nothing to wake it is a deadlock', () => {
    const { end } = run([{ stop: Stop.Syscall, call: 'pause' }], 1_000_000);
    assert.equal(end.outcome.kind, 'deadlock');
    assert.match(end.reason ?? '', /^deadlock: every thread is blocked forever/);
  });

  it('a sleep jumps virtual time instead of running: the next slice comes after the deadline', () => {
    const { end } = run([{ stop: Stop.Syscall, call: 'alarm', args: [1] }, { stop: Stop.Syscall, call: 'pause' }], 10_000_000_000);
    // SIGALRM's default action ends the run one virtual second later, without a slice of a billion instructions
    assert.equal(end.outcome.kind, 'signal');
    assert.ok(end.instructions < 1000, String(end.instructions));
  });
});
