/**
 * The scheduler's kernel side without a CPU (src/kernel/sched.ts): who runs next (round robin in
 * tid order), futex queues (FIFO wake, bitsets, requeue, timeouts), blocking sleeps, pipes with
 * blocking reads, thread exit (clear_child_tid, the exit status), the deadlock test, and signals
 * waking blocked threads. Threads are fake contexts; virtual time is advanced by hand. Where the
 * machine switches threads (the quantum) is tested in test/unit/machine/threads.test.ts.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { BUF, setup } from './harness.js';

/** Three threads (tids 1000, 1001, 1002) on one kernel; `sys(i, …)` is a call made by thread i. */
function threads() {
  const s = setup({ threaded: true });
  const more = [s.spawn(), s.spawn()];
  const ctx = [s.t, ...more.map((m) => m.t)];
  const th = [s.main(), ...more.map((m) => m.th)];
  const sys = (i: number, name: string, ...args: Array<number | bigint>): bigint => s.sysAs(ctx[i]!, name, ...args);
  return { k: s.k, mem: s.mem, th, sys, sysAs: s.sysAs, spawn: s.spawn, advance: (n: number) => (s.t.instructions += n) };
}

describe('scheduler: futex', () => {
  it('WAIT blocks while the word matches; WAKE wakes in FIFO order; bitsets select', () => {
    const { k, mem, th, sys } = threads();
    mem.write32(BUF, 7);
    assert.equal(sys(0, 'futex', BUF, 128, 8, 0), -11n); // EAGAIN: word changed
    assert.equal(sys(1, 'futex', BUF, 128, 7, 0), 0n);
    assert.equal(sys(2, 'futex', BUF, 9 | 128, 7, 0, 0, 0b10), 0n); // WAIT_BITSET
    assert.equal(th[1]!.state, 'blocked');
    // WAKE_BITSET 0b01: thread 1 waits with MATCH_ANY and wakes; thread 2 (0b10) does not
    assert.equal(sys(0, 'futex', BUF, 10, 5, 0, 0, 0b01), 1n);
    assert.equal(th[1]!.state, 'runnable');
    assert.equal(th[1]!.resume, 0n);
    assert.equal(th[2]!.state, 'blocked');
    assert.equal(sys(0, 'futex', BUF, 1, 1), 1n);
    assert.equal(th[2]!.state, 'runnable');
    assert.equal(k.sched.pick(th[0]!), th[1]);
    assert.equal(k.sched.pick(th[2]!), th[0]);
  });

  it('CMP_REQUEUE moves waiters; a timeout ends a wait with ETIMEDOUT in virtual time', () => {
    const { k, mem, th, sys, advance } = threads();
    mem.write32(BUF, 1);
    mem.write32(BUF + 4, 2);
    sys(1, 'futex', BUF, 0, 1, 0);
    sys(2, 'futex', BUF, 0, 1, 0);
    assert.equal(sys(0, 'futex', BUF, 4, 0, 5, BUF + 4, 99), -11n); // value mismatch
    assert.equal(sys(0, 'futex', BUF, 4, 0, 5, BUF + 4, 1), 2n);
    assert.equal(sys(0, 'futex', BUF, 1, 10), 0n); // nobody left on BUF
    assert.equal(sys(0, 'futex', BUF + 4, 1, 10), 2n);
    // timeout: 1 ms relative
    new DataView(new ArrayBuffer(0));
    mem.write(BUF + 64, new Uint8Array(new BigInt64Array([0n, 1_000_000n]).buffer));
    assert.equal(sys(1, 'futex', BUF, 0, 1, BUF + 64), 0n);
    assert.equal(th[1]!.state, 'blocked');
    advance(999_999);
    k.sched.tick();
    assert.equal(th[1]!.state, 'blocked');
    advance(1);
    k.sched.tick();
    assert.equal(th[1]!.resume, -110n);
  });
});

describe('scheduler: time, pipes, deadlock', () => {
  it('when every thread waits, virtual time jumps to the earliest deadline; none left: deadlock', () => {
    const { k, mem, th, sys } = threads();
    mem.write32(BUF, 0);
    mem.write(BUF + 64, new Uint8Array(new BigInt64Array([0n, 5_000_000n]).buffer));
    mem.write(BUF + 80, new Uint8Array(new BigInt64Array([0n, 2_000_000n]).buffer));
    sys(0, 'futex', BUF, 0, 0, BUF + 64);
    sys(1, 'futex', BUF, 0, 0, BUF + 80);
    sys(2, 'futex', BUF, 0, 0, 0);
    assert.equal(k.sched.pick(null), null);
    assert.equal(k.sched.nextDeadline(), 2_000_000);
    assert.equal(k.sched.idle(), true);
    assert.equal(k.sleptNanos, 2_000_000);
    assert.equal(k.sched.pick(null), th[1]);
    assert.equal(th[1]!.resume, -110n);
    th[1]!.resume = null;
    sys(1, 'futex', BUF, 0, 0, 0);
    assert.equal(k.sched.idle(), true);
    assert.equal(k.sleptNanos, 5_000_000);
    sys(0, 'futex', BUF, 0, 0, 0);
    assert.equal(k.sched.idle(), false);
    assert.equal(k.sched.describeBlocked(), 'tid 1000 in futex, tid 1001 in futex, tid 1002 in futex');
  });

  it('a blocking read on an empty pipe waits for a writer; epoll sees the data', () => {
    const { mem, th, sys } = threads();
    assert.equal(sys(0, 'pipe2', BUF, 0), 0n);
    const rfd = mem.read32(BUF);
    const wfd = mem.read32(BUF + 4);
    assert.equal(sys(1, 'read', rfd, BUF + 100, 10), 0n);
    assert.equal(th[1]!.state, 'blocked');
    const ep = Number(sys(2, 'epoll_create1', 0));
    mem.write(BUF + 200, new Uint8Array([1, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0]));
    assert.equal(sys(2, 'epoll_ctl', ep, 1, rfd, BUF + 200), 0n);
    assert.equal(sys(2, 'epoll_pwait', ep, BUF + 300, 4, 0, 0, 8), 0n); // nothing ready, timeout 0
    mem.write(BUF + 400, new TextEncoder().encode('hi'));
    assert.equal(sys(0, 'write', wfd, BUF + 400, 2), 2n);
    assert.equal(sys(2, 'epoll_pwait', ep, BUF + 300, 4, 0, 0, 8), 1n);
    assert.equal(mem.read32(BUF + 300), 1); // EPOLLIN
    assert.equal(mem.read32(BUF + 304), 0x2a);
  });

  it('O_NONBLOCK reads of an empty pipe give EAGAIN; closing the writer gives EOF', () => {
    const { mem, sys } = threads();
    assert.equal(sys(0, 'pipe2', BUF, 0o4000), 0n);
    const rfd = mem.read32(BUF);
    const wfd = mem.read32(BUF + 4);
    assert.equal(sys(0, 'read', rfd, BUF + 100, 10), -11n);
    assert.equal(sys(0, 'close', wfd), 0n);
    assert.equal(sys(0, 'read', rfd, BUF + 100, 10), 0n);
  });

  it('a signal interrupts a blocked futex wait with EINTR (no SA_RESTART handler)', () => {
    const { mem, th, sys } = threads();
    mem.write32(BUF, 0);
    sys(1, 'futex', BUF, 0, 0, 0);
    assert.equal(th[1]!.state, 'blocked');
    // a handler without SA_RESTART for SIGUSR1
    const act = new BigUint64Array([0x401000n, 0x04000000n, 0x401100n, 0n]);
    mem.write(BUF + 512, new Uint8Array(act.buffer));
    assert.equal(sys(0, 'rt_sigaction', 10, BUF + 512, 0, 8), 0n);
    assert.equal(sys(0, 'tgkill', 1000, th[1]!.tid, 10), 0n);
    assert.equal(th[1]!.state, 'runnable');
    assert.equal(th[1]!.resume, -4n);
    assert.equal(th[1]!.pending, 1n << 9n);
  });
});

describe('scheduler: who runs next', () => {
  it('round robin in tid order after the current thread, itself last; blocked and exited threads are skipped', () => {
    const { k, mem, th, sys, spawn } = threads();
    const t3 = spawn().th;
    const pick = (cur: number | null): number | undefined => k.sched.pick(cur === null ? null : [...th, t3][cur]!)?.tid;
    assert.deepEqual([pick(null), pick(0), pick(1), pick(2), pick(3)], [1000, 1001, 1002, 1003, 1000]);
    mem.write32(BUF, 0);
    assert.equal(sys(1, 'futex', BUF, 0, 0, 0), 0n); // tid 1001 waits
    assert.equal(pick(0), 1002);
    assert.equal(sys(2, 'exit', 0), 0n); // tid 1002 leaves
    assert.equal(k.sched.byId(1002), undefined);
    assert.equal(pick(0), 1003);
    assert.equal(pick(3), 1000);
    k.sched.block(t3, { what: 'test', deadline: null, onTimeout: 0n, restartable: false });
    assert.equal(pick(0), 1000); // alone: the current thread again
    k.sched.block(th[0]!, { what: 'test', deadline: null, onTimeout: 0n, restartable: false });
    assert.equal(pick(0), undefined);
    assert.equal(k.sched.idle(), false); // nobody has a deadline: deadlock
    assert.equal(k.sched.describeBlocked(), 'tid 1000 in test, tid 1001 in futex, tid 1003 in test');
  });
});

describe('scheduler: futex order', () => {
  it('FUTEX_WAKE wakes waiters in the order they waited; requeued waiters queue behind the target word\'s own', () => {
    const { mem, th, sys, sysAs, spawn } = threads();
    const t3 = spawn();
    mem.write32(BUF, 0);
    mem.write32(BUF + 4, 0);
    sys(1, 'futex', BUF, 0, 0, 0); // 1001 waits on A
    sys(2, 'futex', BUF + 4, 0, 0, 0); // 1002 waits on B
    assert.equal(sysAs(t3.t, 'futex', BUF, 0, 0, 0), 0n); // 1003 waits on A
    assert.equal(sys(0, 'futex', BUF, 4, 0, 10, BUF + 4, 0), 2n); // CMP_REQUEUE all of A onto B
    const woken = (): number[] => [th[1]!, th[2]!, t3.th].filter((t) => t.state === 'runnable' && t.resume === 0n).map((t) => t.tid);
    assert.equal(sys(0, 'futex', BUF + 4, 1, 1), 1n);
    assert.deepEqual(woken(), [1002]);
    assert.equal(sys(0, 'futex', BUF + 4, 1, 1), 1n);
    assert.deepEqual(woken(), [1001, 1002]);
    assert.equal(sys(0, 'futex', BUF + 4, 1, 9), 1n);
    assert.deepEqual(woken(), [1001, 1002, 1003]);
    assert.equal(sys(0, 'futex', BUF + 4, 1, 9), 0n);
  });

  it('a waiter woken before its timeout returns 0, and the timeout does not fire later', () => {
    const { k, mem, th, sys, advance } = threads();
    mem.write32(BUF, 0);
    mem.write(BUF + 64, new Uint8Array(new BigInt64Array([0n, 1_000_000n]).buffer));
    sys(1, 'futex', BUF, 0, 0, BUF + 64);
    advance(500_000);
    assert.equal(sys(0, 'futex', BUF, 1, 1), 1n);
    advance(1_000_000);
    k.sched.tick();
    assert.equal(th[1]!.resume, 0n);
    assert.equal(k.sched.nextDeadline(), null);
  });
});

describe('scheduler: thread exit', () => {
  it("exit zeroes and wakes the thread's clear_child_tid word (pthread_join); the last exit ends the program with the main thread's status", () => {
    const { k, mem, th, sys } = threads();
    const TID_WORD = BUF + 8;
    assert.equal(sys(1, 'set_tid_address', TID_WORD), 1001n);
    mem.write32(TID_WORD, 1001);
    assert.equal(sys(0, 'futex', TID_WORD, 0, 1001, 0), 0n); // join: wait while the word holds the tid
    assert.equal(th[0]!.state, 'blocked');
    sys(1, 'exit', 7);
    assert.equal(mem.read32(TID_WORD), 0);
    assert.equal(th[0]!.state, 'runnable');
    assert.equal(th[0]!.resume, 0n);
    th[0]!.resume = null;
    assert.equal(k.sched.live(), 2);
    sys(0, 'exit', 3); // main leaves first
    assert.equal(k.exited, null);
    sys(2, 'exit', 9);
    assert.deepEqual(k.exited, { status: 3 });
  });
});
