/**
 * Signals (src/kernel/syscalls/signal.ts) without a guest program: masks and pending sets
 * (sigprocmask(2), sigpending(2)), dispositions and their flags (sigaction(2): SA_RESTART,
 * SA_NODEFER, SA_RESETHAND, SA_ONSTACK, sa_mask), the order of delivery, sigaltstack(2),
 * sigsuspend(2) and sigtimedwait(2), and which interrupted calls restart (signal(7)). The thread
 * contexts record the signal frames the kernel asks the machine to push.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { deliverSignals } from '../../../src/kernel/syscalls/signal.js';
import { BUF, E, setup, type Setup } from './harness.js';

// signal numbers (x86-64), sigprocmask's how, sigaction's flags, sigaltstack's flags
const SIG = { HUP: 1, KILL: 9, USR1: 10, USR2: 12, TERM: 15, CHLD: 17, STOP: 19 } as const;
const HOW = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;
const SIG_IGN = 1n;
const SA = { RESTORER: 0x04000000n, ONSTACK: 0x08000000n, RESTART: 0x10000000n, NODEFER: 0x40000000n, RESETHAND: 0x80000000n } as const;
const SS = { ONSTACK: 1, DISABLE: 2, AUTODISARM: 1 << 31 } as const; // int flags: AUTODISARM is negative
const EINTR = -4n;
const EAGAIN = -11n;

const HANDLER = 0x401000n;
const ACT = BUF + 0x1000; // struct kernel_sigaction: handler, flags, restorer, mask
const SET = BUF + 0x1100;
const OLD = BUF + 0x1200;
const STACK_T = BUF + 0x1300; // stack_t: sp, flags (+ padding), size
const PIPE = BUF + 0x1400;

const bit = (...sigs: number[]): bigint => sigs.reduce((m, s) => m | (1n << BigInt(s - 1)), 0n);

function signals(s: Setup) {
  const { sys, mem } = s;
  const u64 = (addr: number): bigint => new DataView(mem.read(addr, 8).buffer).getBigUint64(0, true);
  /** rt_sigaction(sig, {handler, flags | SA_RESTORER, restorer, mask}). */
  const action = (sig: number, flags = 0n, mask = 0n, handler = HANDLER): bigint => {
    mem.write(ACT, new Uint8Array(new BigUint64Array([handler, flags | SA.RESTORER, 0x401100n, mask]).buffer));
    return sys('rt_sigaction', sig, ACT, 0, 8);
  };
  const oldAction = (sig: number): { handler: bigint; flags: bigint; mask: bigint } => {
    assert.equal(sys('rt_sigaction', sig, 0, OLD, 8), 0n);
    return { handler: u64(OLD), flags: u64(OLD + 8), mask: u64(OLD + 24) };
  };
  /** rt_sigprocmask(how, set); returns the old mask. */
  const procmask = (how: number, set: bigint): bigint => {
    mem.write(SET, new Uint8Array(new BigUint64Array([set]).buffer));
    assert.equal(sys('rt_sigprocmask', how, SET, OLD, 8), 0n);
    return u64(OLD);
  };
  const mask = (): bigint => {
    assert.equal(sys('rt_sigprocmask', HOW.BLOCK, 0, OLD, 8), 0n);
    return u64(OLD);
  };
  const pending = (): bigint => {
    assert.equal(sys('rt_sigpending', OLD, 8), 0n);
    return u64(OLD);
  };
  const raise = (sig: number): bigint => sys('kill', 1000, sig);
  const tgkill = (sig: number, tid = 1000): bigint => sys('tgkill', 1000, tid, sig);
  const sigreturn = (): bigint => sys('rt_sigreturn');
  return { u64, action, oldAction, procmask, mask, pending, raise, tgkill, sigreturn };
}

/** How the run was ended, as (reason, signal): the fields every version of `Kernel.killed` has. */
const ending = (s: Setup): [string, number] | null => (s.k.killed ? [s.k.killed.reason, s.k.killed.signal] : null);

const delivered = (s: Setup): number[] => ('frames' in s.t ? (s.t as { frames: Array<{ sig: number }> }).frames.map((f) => f.sig) : []);

describe('signal masks and pending signals', () => {
  it('rt_sigprocmask adds, removes and replaces; SIGKILL and SIGSTOP cannot be blocked', () => {
    const s = setup({ threaded: true });
    const { procmask, mask, sys } = { ...signals(s), sys: s.sys };
    assert.equal(procmask(HOW.BLOCK, bit(SIG.USR1, SIG.USR2)), 0n);
    assert.equal(procmask(HOW.UNBLOCK, bit(SIG.USR1)), bit(SIG.USR1, SIG.USR2));
    assert.equal(procmask(HOW.SETMASK, bit(SIG.TERM, SIG.KILL, SIG.STOP)), bit(SIG.USR2));
    assert.equal(mask(), bit(SIG.TERM));
    s.mem.write(SET, new Uint8Array(8));
    assert.equal(sys('rt_sigprocmask', 7, SET, 0, 8), -E.INVAL);
    assert.equal(sys('rt_sigprocmask', HOW.BLOCK, SET, 0, 4), -E.INVAL); // sigsetsize must be 8
    assert.equal(mask(), bit(SIG.TERM));
  });

  it('a blocked signal stays pending, once (standard signals do not queue), and is delivered when unblocked', () => {
    const s = setup({ threaded: true });
    const { action, procmask, pending, raise, mask } = signals(s);
    assert.equal(action(SIG.USR1), 0n);
    procmask(HOW.BLOCK, bit(SIG.USR1));
    assert.equal(raise(SIG.USR1), 0n);
    assert.equal(raise(SIG.USR1), 0n);
    assert.deepEqual(delivered(s), []);
    assert.equal(pending(), bit(SIG.USR1));
    procmask(HOW.UNBLOCK, bit(SIG.USR1)); // delivered on the way back from this call
    assert.deepEqual(delivered(s), [SIG.USR1]);
    assert.equal(pending(), 0n);
    assert.equal(mask(), bit(SIG.USR1)); // the handler runs with its own signal blocked
  });

  it('rt_sigpending lists only pending signals that are blocked; an unblocked one is delivered instead', () => {
    const s = setup({ threaded: true });
    const { action, procmask, pending, raise, tgkill } = signals(s);
    action(SIG.USR1);
    action(SIG.USR2);
    procmask(HOW.BLOCK, bit(SIG.USR2));
    tgkill(SIG.USR2);
    raise(SIG.USR1);
    assert.deepEqual(delivered(s), [SIG.USR1]);
    assert.equal(pending(), bit(SIG.USR2));
  });

  it('a blocked signal is kept even while ignored, and dropped when SIG_IGN is set while it is pending', () => {
    // sig_ignored(): blocked signals are never ignored, since the action may change before they are unblocked
    const s = setup({ threaded: true });
    const { action, procmask, pending, raise, tgkill } = signals(s);
    procmask(HOW.BLOCK, bit(SIG.USR1, SIG.USR2));
    action(SIG.USR1, 0n, 0n, SIG_IGN);
    raise(SIG.USR1); // kill(): process-directed
    assert.equal(pending(), bit(SIG.USR1));
    tgkill(SIG.USR1); // tgkill(): thread-directed
    assert.equal(pending(), bit(SIG.USR1));
    action(SIG.USR2);
    raise(SIG.USR2);
    assert.equal(pending(), bit(SIG.USR1, SIG.USR2));
    action(SIG.USR2, 0n, 0n, SIG_IGN); // POSIX: setting SIG_IGN discards a pending signal
    assert.equal(pending(), bit(SIG.USR1));
    procmask(HOW.SETMASK, 0n);
    assert.deepEqual(delivered(s), []);
    assert.equal(s.k.killed, null);
  });
});

describe('signal delivery', () => {
  it('order: thread-directed before process-directed, lowest number first; each handler masks the next', () => {
    const s = setup({ threaded: true });
    const { action, procmask, raise, tgkill } = signals(s);
    for (const sig of [SIG.HUP, SIG.USR1, SIG.USR2, SIG.TERM]) action(sig);
    procmask(HOW.SETMASK, bit(SIG.HUP, SIG.USR1, SIG.USR2, SIG.TERM));
    raise(SIG.USR2);
    tgkill(SIG.TERM);
    raise(SIG.HUP);
    tgkill(SIG.USR1);
    procmask(HOW.SETMASK, 0n);
    // every frame is pushed on return from rt_sigprocmask; the last pushed runs first
    assert.deepEqual(delivered(s), [SIG.USR1, SIG.TERM, SIG.HUP, SIG.USR2]);
    const frames = (s.t as unknown as { frames: Array<{ savedMask: bigint }> }).frames;
    assert.deepEqual(
      frames.map((f) => f.savedMask),
      [0n, bit(SIG.USR1), bit(SIG.USR1, SIG.TERM), bit(SIG.USR1, SIG.TERM, SIG.HUP)],
    );
  });

  it('sa_mask and SA_NODEFER: what the handler blocks; rt_sigreturn restores the mask and takes what became deliverable', () => {
    const s = setup({ threaded: true });
    const { action, raise, mask, sigreturn } = signals(s);
    action(SIG.USR1, 0n, bit(SIG.USR2, SIG.KILL));
    raise(SIG.USR1);
    assert.equal(mask(), bit(SIG.USR1, SIG.USR2)); // its own signal plus sa_mask; SIGKILL never
    raise(SIG.USR1); // arrives during the handler: blocked, pending
    assert.deepEqual(delivered(s), [SIG.USR1]);
    sigreturn(); // pops the frame, restores mask 0, and the pending SIGUSR1 gets a new frame
    assert.deepEqual(delivered(s), [SIG.USR1]);
    assert.equal(mask(), bit(SIG.USR1, SIG.USR2));
    sigreturn();
    assert.equal(mask(), 0n);
    assert.deepEqual(delivered(s), []);

    action(SIG.USR2, SA.NODEFER);
    raise(SIG.USR2);
    assert.equal(mask(), 0n); // SA_NODEFER: its own signal is not blocked
    raise(SIG.USR2); // so it nests at once
    assert.deepEqual(delivered(s), [SIG.USR2, SIG.USR2]);
  });

  it('SA_RESETHAND: the action is SIG_DFL from the handler on, and the next signal takes the default (terminate)', () => {
    const s = setup({ threaded: true });
    const { action, oldAction, raise, mask, sigreturn } = signals(s);
    action(SIG.USR1, SA.RESETHAND | SA.RESTART);
    raise(SIG.USR1);
    assert.deepEqual(delivered(s), [SIG.USR1]);
    // get_signal() resets only sa_handler; the flags and the mask stay as they were
    assert.deepEqual(oldAction(SIG.USR1), { handler: 0n, flags: SA.RESETHAND | SA.RESTART | SA.RESTORER, mask: 0n });
    assert.equal(mask(), bit(SIG.USR1)); // Linux does not imply SA_NODEFER
    raise(SIG.USR1);
    assert.equal(s.k.killed, null);
    sigreturn();
    assert.deepEqual(ending(s), ['killed by SIGUSR1', SIG.USR1]);
  });

  it('SIGKILL cannot be caught or blocked; SIGTERM by default terminates', () => {
    const s = setup({ threaded: true });
    const { action, oldAction, procmask, raise } = signals(s);
    assert.equal(action(SIG.KILL), -E.INVAL);
    assert.equal(action(SIG.STOP), -E.INVAL);
    assert.equal(oldAction(SIG.KILL).handler, 0n); // reading it is allowed
    assert.equal(action(65), -E.INVAL);
    assert.equal(action(0), -E.INVAL);
    assert.equal(s.sys('rt_sigaction', SIG.USR1, 0, OLD, 4), -E.INVAL); // sigsetsize
    procmask(HOW.SETMASK, ~0n);
    raise(SIG.KILL);
    assert.deepEqual(ending(s), ['killed by SIGKILL', SIG.KILL]);

    const t = setup({ threaded: true });
    signals(t).raise(SIG.TERM);
    assert.deepEqual(ending(t), ['killed by SIGTERM', SIG.TERM]);
  });
});

describe('interrupted system calls', () => {
  /** The main thread blocked reading an empty pipe, and another thread to send it a signal. */
  function blockedReader(flags: bigint | null) {
    const s = setup({ threaded: true });
    const sig = signals(s);
    if (flags !== null) sig.action(SIG.USR1, flags);
    assert.equal(s.sys('pipe2', PIPE, 0), 0n);
    const main = s.main();
    const other = s.spawn();
    assert.equal(s.sys('read', s.mem.read32(PIPE), BUF, 8), 0n);
    assert.equal(main.state, 'blocked');
    return { s, main, other, signalMain: () => s.sysAs(other.t, 'tgkill', 1000, main.tid, SIG.USR1) };
  }

  it('a blocked read runs again after a handler with SA_RESTART, and fails with EINTR without it', () => {
    const a = blockedReader(SA.RESTART);
    a.signalMain();
    assert.equal(a.main.state, 'runnable');
    assert.equal(a.main.resume, 'restart');
    const b = blockedReader(0n);
    b.signalMain();
    assert.equal(b.main.resume, EINTR);
  });

  it('a signal whose action is to ignore it does not interrupt the wait', () => {
    const c = blockedReader(null);
    c.s.sysAs(c.other.t, 'tgkill', 1000, c.main.tid, SIG.CHLD); // SIGCHLD: ignored by default
    assert.equal(c.main.state, 'blocked');
    const d = blockedReader(null);
    d.signalMain(); // SIGUSR1 by default terminates: the wait ends (the machine then kills the run)
    assert.equal(d.main.state, 'runnable');
    assert.equal(d.main.resume, EINTR);
  });

  it('sleeps and pause are never restarted, whatever SA_RESTART says', () => {
    const s = setup({ threaded: true });
    const { action } = signals(s);
    action(SIG.USR1, SA.RESTART);
    const main = s.main();
    const other = s.spawn();
    s.mem.write(BUF, new Uint8Array(new BigInt64Array([5n, 0n]).buffer));
    assert.equal(s.sys('nanosleep', BUF, 0), 0n);
    assert.equal(main.state, 'blocked');
    s.sysAs(other.t, 'tgkill', 1000, main.tid, SIG.USR1);
    assert.equal(main.resume, EINTR);
    main.resume = null;
    deliverSignals(s.k, main);
    s.sys('rt_sigreturn');
    assert.equal(s.sys('pause'), 0n);
    assert.equal(main.state, 'blocked');
    s.sysAs(other.t, 'tgkill', 1000, main.tid, SIG.USR1);
    assert.equal(main.resume, EINTR);
  });
});

describe('waiting for signals', () => {
  it('rt_sigsuspend waits with a temporary mask; the handler frame saves the old one', () => {
    const s = setup({ threaded: true });
    const { action, procmask, mask } = signals(s);
    action(SIG.USR1);
    procmask(HOW.BLOCK, bit(SIG.USR1, SIG.USR2));
    const main = s.main();
    const other = s.spawn();
    s.mem.write(SET, new Uint8Array(new BigUint64Array([bit(SIG.USR2)]).buffer));
    assert.equal(s.sys('rt_sigsuspend', SET, 8), 0n);
    assert.equal(main.state, 'blocked');
    s.sysAs(other.t, 'tgkill', 1000, main.tid, SIG.USR2); // still blocked by the temporary mask
    assert.equal(main.state, 'blocked');
    s.sysAs(other.t, 'tgkill', 1000, main.tid, SIG.USR1);
    assert.equal(main.resume, EINTR);
    deliverSignals(s.k, main); // what the machine does before the thread runs again
    const frames = (s.t as unknown as { frames: Array<{ sig: number; savedMask: bigint }> }).frames;
    assert.deepEqual(frames.map((f) => [f.sig, f.savedMask]), [[SIG.USR1, bit(SIG.USR1, SIG.USR2)]]);
    s.sys('rt_sigreturn');
    assert.equal(mask(), bit(SIG.USR1, SIG.USR2));
  });

  it('rt_sigtimedwait takes a pending signal of its set without a handler; none and no time left is EAGAIN', () => {
    const s = setup({ threaded: true });
    const { procmask, tgkill, pending, u64 } = signals(s);
    procmask(HOW.BLOCK, bit(SIG.USR1, SIG.USR2));
    tgkill(SIG.USR2);
    tgkill(SIG.USR1);
    s.mem.write(SET, new Uint8Array(new BigUint64Array([bit(SIG.USR1, SIG.USR2)]).buffer));
    s.mem.write(BUF + 0x1500, new Uint8Array(16)); // timeout {0, 0}
    const info = BUF + 0x1600;
    assert.equal(s.sys('rt_sigtimedwait', SET, info, BUF + 0x1500, 8), BigInt(SIG.USR1));
    assert.equal(Number(u64(info) & 0xffffffffn), SIG.USR1); // si_signo
    assert.equal(s.sys('rt_sigtimedwait', SET, 0, BUF + 0x1500, 8), BigInt(SIG.USR2));
    assert.equal(s.sys('rt_sigtimedwait', SET, 0, BUF + 0x1500, 8), EAGAIN);
    assert.equal(pending(), 0n);
    assert.deepEqual(delivered(s), []);
  });
});

describe('sigaltstack', () => {
  const writeStack = (s: Setup, sp: bigint, flags: number, size: bigint): void => {
    const b = new DataView(new ArrayBuffer(24));
    b.setBigUint64(0, sp, true);
    b.setInt32(8, flags, true);
    b.setBigUint64(16, size, true);
    s.mem.write(STACK_T, new Uint8Array(b.buffer));
  };
  const readStack = (s: Setup): [bigint, number, bigint] => {
    assert.equal(s.sys('sigaltstack', 0, OLD), 0n);
    const b = new DataView(s.mem.read(OLD, 24).buffer);
    return [b.getBigUint64(0, true), b.getInt32(8, true), b.getBigUint64(16, true)];
  };

  it('set, read back, checked (ENOMEM below MINSIGSTKSZ, EINVAL for bad flags, EPERM while on it)', () => {
    const s = setup({ threaded: true });
    assert.deepEqual(readStack(s), [0n, SS.DISABLE, 0n]);
    writeStack(s, 0x500000n, 0, 2047n);
    assert.equal(s.sys('sigaltstack', STACK_T, 0), -E.NOMEM);
    writeStack(s, 0x500000n, 4, 0x4000n);
    assert.equal(s.sys('sigaltstack', STACK_T, 0), -E.INVAL);
    writeStack(s, 0x500000n, 0, 0x4000n);
    assert.equal(s.sys('sigaltstack', STACK_T, 0), 0n);
    assert.deepEqual(readStack(s), [0x500000n, 0, 0x4000n]);
    (s.t as unknown as { sp: number }).sp = 0x502000; // running on it
    assert.deepEqual(readStack(s), [0x500000n, SS.ONSTACK, 0x4000n]);
    writeStack(s, 0x600000n, 0, 0x4000n);
    assert.equal(s.sys('sigaltstack', STACK_T, 0), -1n); // EPERM
    (s.t as unknown as { sp: number }).sp = 0x7fff_0000;
    writeStack(s, 0n, SS.DISABLE, 0n);
    assert.equal(s.sys('sigaltstack', STACK_T, 0), 0n);
    assert.deepEqual(readStack(s), [0n, SS.DISABLE, 0n]);
  });

  it('an SA_ONSTACK handler is given the stack; SS_AUTODISARM disarms it until rt_sigreturn', () => {
    const s = setup({ threaded: true });
    const { action, raise, sigreturn } = signals(s);
    writeStack(s, 0x500000n, SS.AUTODISARM, 0x4000n);
    assert.equal(s.sys('sigaltstack', STACK_T, 0), 0n);
    action(SIG.USR1, SA.ONSTACK);
    raise(SIG.USR1);
    const frames = (s.t as unknown as { frames: Array<{ altstack: { sp: bigint; flags: number; size: bigint } }> }).frames;
    assert.deepEqual(frames[0]?.altstack, { sp: 0x500000n, flags: SS.AUTODISARM, size: 0x4000n });
    assert.deepEqual(readStack(s), [0n, SS.DISABLE, 0n]);
    sigreturn();
    assert.deepEqual(readStack(s), [0x500000n, SS.AUTODISARM, 0x4000n]);
  });
});

describe('struct sigaction per architecture', () => {
  it('x86-64 has sa_restorer (32 bytes: handler, flags, restorer, mask); riscv64 has none (24 bytes: handler, flags, mask)', () => {
    for (const [arch, size, maskAt] of [['x86_64', 32, 24], ['riscv64', 24, 16]] as const) {
      const s = setup({ arch, threaded: true });
      const act = new DataView(new ArrayBuffer(size));
      act.setBigUint64(0, HANDLER, true);
      act.setBigUint64(8, SA.RESTART, true);
      act.setBigUint64(maskAt, bit(SIG.USR2), true);
      s.mem.write(ACT, new Uint8Array(act.buffer));
      assert.equal(s.sys('rt_sigaction', SIG.USR1, ACT, 0, 8), 0n, arch);
      s.mem.write(OLD, new Uint8Array(40).fill(0xee));
      assert.equal(s.sys('rt_sigaction', SIG.USR1, 0, OLD, 8), 0n, arch);
      const old = new DataView(s.mem.read(OLD, 40).buffer);
      assert.equal(old.getBigUint64(0, true), HANDLER, arch);
      assert.equal(old.getBigUint64(8, true), SA.RESTART, arch);
      assert.equal(old.getBigUint64(maskAt, true), bit(SIG.USR2), `${arch}: sa_mask at ${maskAt}`);
      assert.equal(old.getUint8(size), 0xee, `${arch}: nothing written past ${size} bytes`);
    }
  });
});
