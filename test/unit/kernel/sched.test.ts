/**
 * The scheduler's kernel side without a CPU: futex queues (FIFO wake, bitsets, requeue, timeouts),
 * blocking sleeps, pipes with blocking reads, epoll readiness, the deadlock test, and signals waking
 * blocked threads. Threads are fake contexts; virtual time is advanced by hand.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Memory, PROT_READ, PROT_WRITE } from '../../../src/mem/memory.js';
import { Kernel } from '../../../src/kernel/kernel.js';
import { syscallNumber } from '../../../src/kernel/arch/index.js';
import type { ThreadContext } from '../../../src/kernel/types.js';
import { DEFAULT_LIMITS } from '../../../src/machine/types.js';

const BUF = 0x10000;

class Fake implements ThreadContext {
  constructor(
    readonly mem: Memory,
    private readonly now: () => number,
  ) {}
  virtualNanos(): number {
    return this.now();
  }
  setThreadPointer(): void {}
  getThreadPointer(): number {
    return 0;
  }
  setGsBase(): void {}
  getGsBase(): number {
    return 0;
  }
}

function setup() {
  const mem = new Memory({ maxResidentBytes: 1 << 26, maxMappedBytes: 1 << 30 });
  mem.map(BUF, 1 << 16, PROT_READ | PROT_WRITE, 'scratch');
  const k = new Kernel({
    mem,
    arch: 'x86_64',
    block: { number: 1n, timestamp: 1_700_000_000n, prevBlockHash: new Uint8Array(32), txHash: new Uint8Array(32), chainId: 1n },
    stdin: new Uint8Array(0),
    limits: DEFAULT_LIMITS,
    brkStart: 0x600000,
    mmapBase: 0x7ffff7fff000,
  });
  let retired = 0;
  k.sched.retired = () => retired;
  const now = (): number => retired + k.sleptNanos;
  const ctx = [new Fake(mem, now), new Fake(mem, now), new Fake(mem, now)];
  const th = ctx.map((c) => k.thread(c));
  const sys = (t: number, name: string, ...args: Array<number | bigint>): bigint => {
    const a = args.map((v) => BigInt.asUintN(64, BigInt(v)));
    while (a.length < 6) a.push(0n);
    return k.syscall(syscallNumber('x86_64', name)!, a, ctx[t]!);
  };
  return { k, mem, th, sys, advance: (n: number) => (retired += n) };
}

describe('scheduler: futex', () => {
  it('WAIT blocks while the word matches; WAKE wakes in FIFO order; bitsets select', () => {
    const { k, mem, th, sys } = setup();
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
    const { k, mem, th, sys, advance } = setup();
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
    const { k, mem, th, sys } = setup();
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
    const { mem, th, sys } = setup();
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
    const { mem, sys } = setup();
    assert.equal(sys(0, 'pipe2', BUF, 0o4000), 0n);
    const rfd = mem.read32(BUF);
    const wfd = mem.read32(BUF + 4);
    assert.equal(sys(0, 'read', rfd, BUF + 100, 10), -11n);
    assert.equal(sys(0, 'close', wfd), 0n);
    assert.equal(sys(0, 'read', rfd, BUF + 100, 10), 0n);
  });

  it('a signal interrupts a blocked futex wait with EINTR (no SA_RESTART handler)', () => {
    const { mem, th, sys } = setup();
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
