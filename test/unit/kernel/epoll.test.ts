/**
 * epoll, pipes and eventfd (src/kernel/syscalls/epoll.ts) driven through the system call interface
 * without a guest program: interest-list changes and their errors (epoll_ctl(2)), level- and
 * edge-triggered reports, EPOLLONESHOT, hang-ups, eventfd counters (eventfd(2)), more ready
 * descriptors than maxevents, timeouts in virtual time, signals, and closing watched descriptors
 * (epoll(7), questions 6 and 7).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AT_FDCWD, BUF, E, O, setup, type Setup } from './harness.js';

// <sys/epoll.h>: event bits and epoll_ctl operations
const EV = { IN: 0x1, OUT: 0x4, ERR: 0x8, HUP: 0x10, RDHUP: 0x2000, EXCLUSIVE: 1 << 28, ONESHOT: 1 << 30, ET: 2 ** 31 } as const;
const [ADD, DEL, MOD] = [1, 2, 3];
const EFD_SEMAPHORE = 1;
const SIGUSR1 = 10;
const SA_RESTART = 0x10000000n;

const EVENT = BUF + 0x1000; // one struct epoll_event for epoll_ctl (packed: u32 events, u64 data)
const EVENTS = BUF + 0x2000; // epoll_wait's output
const DATA = BUF + 0x3000; // bytes for read and write

interface Report {
  events: number;
  data: number;
}

/** epoll helpers on one kernel: descriptors as numbers, reports decoded. */
function epoll(s: Setup) {
  const { sys, mem } = s;
  const ctl = (ep: number, op: number, fd: number, events = 0, data = 0): bigint => {
    const b = new DataView(new ArrayBuffer(12));
    b.setUint32(0, events >>> 0, true);
    b.setBigUint64(4, BigInt(data), true);
    mem.write(EVENT, new Uint8Array(b.buffer));
    return sys('epoll_ctl', ep, op, fd, EVENT);
  };
  const decode = (n: bigint): Report[] => {
    const out: Report[] = [];
    const b = new DataView(mem.read(EVENTS, Number(n) * 12).buffer);
    for (let i = 0; i < Number(n); i++) out.push({ events: b.getUint32(i * 12, true), data: Number(b.getBigUint64(i * 12 + 4, true)) });
    return out;
  };
  /** epoll_wait with timeout 0: what is reported now. */
  const poll = (ep: number, max = 16): Report[] => {
    const n = sys('epoll_wait', ep, EVENTS, max, 0);
    assert.ok(n >= 0n, `epoll_wait failed: ${n}`);
    return decode(n);
  };
  const pipe = (flags = 0): [number, number] => {
    assert.equal(sys('pipe2', DATA, flags), 0n);
    return [mem.read32(DATA), mem.read32(DATA + 4)];
  };
  const write = (fd: number, text: string): bigint => {
    mem.write(DATA, new TextEncoder().encode(text));
    return sys('write', fd, DATA, text.length);
  };
  const create = (): number => Number(sys('epoll_create1', 0));
  return { ctl, decode, poll, pipe, write, create };
}

/** A fresh kernel with one epoll instance and one pipe. */
function withPipe(opts: Parameters<typeof setup>[0] = {}) {
  const s = setup(opts);
  const e = epoll(s);
  const ep = e.create();
  const [r, w] = e.pipe();
  return { s, ...e, ep, r, w };
}

describe('epoll_ctl', () => {
  it('ADD, MOD and DEL keep one registration per descriptor and fail as epoll_ctl(2) documents', () => {
    const { s, ctl, poll, write, ep, r, w } = withPipe();
    assert.equal(ctl(ep, ADD, r, EV.IN, 7), 0n);
    assert.equal(ctl(ep, ADD, r, EV.IN, 7), -E.EXIST);
    assert.equal(ctl(ep, MOD, w, EV.OUT), -E.NOENT);
    assert.equal(ctl(ep, DEL, w), -E.NOENT);
    assert.equal(ctl(ep, ADD, ep, EV.IN), -E.INVAL); // an epoll instance cannot watch itself
    assert.equal(ctl(r, ADD, w, EV.OUT), -E.INVAL); // epfd is not an epoll descriptor
    assert.equal(ctl(ep, 9, w, EV.OUT), -E.INVAL);
    assert.equal(ctl(ep, ADD, 99, EV.IN), -E.BADF);
    const file = Number(s.sys('openat', AT_FDCWD, s.str('/tmp/plain'), O.CREAT | O.RDWR, 0o600));
    assert.equal(ctl(ep, ADD, file, EV.IN), -1n); // EPERM: a regular file does not support epoll
    assert.equal(ctl(ep, ADD, w, EV.OUT, 8), 0n);
    assert.equal(ctl(ep, MOD, w, EV.OUT | EV.EXCLUSIVE, 8), -E.INVAL);

    write(w, 'x');
    assert.deepEqual(poll(ep), [
      { events: EV.IN, data: 7 },
      { events: EV.OUT, data: 8 },
    ]);
    // MOD replaces both the events and the data: the read end is never writable
    assert.equal(ctl(ep, MOD, r, EV.OUT, 9), 0n);
    assert.deepEqual(poll(ep), [{ events: EV.OUT, data: 8 }]);
    assert.equal(ctl(ep, DEL, w), 0n);
    assert.deepEqual(poll(ep), []);
  });

  it('creation and wait arguments are checked', () => {
    const s = setup();
    const { create } = epoll(s);
    assert.equal(s.sys('epoll_create', 0), -E.INVAL); // size must be positive (and is then ignored)
    assert.ok(s.sys('epoll_create', 1) >= 3n);
    assert.equal(s.sys('epoll_create1', 1), -E.INVAL);
    const ep = create();
    assert.equal(s.sys('epoll_wait', ep, EVENTS, 0, 0), -E.INVAL); // maxevents must be > 0
    assert.equal(s.sys('epoll_wait', 1, EVENTS, 4, 0), -E.INVAL); // not an epoll descriptor
    assert.equal(s.sys('epoll_wait', 77, EVENTS, 4, 0), -E.BADF);
  });
});

describe('epoll readiness', () => {
  it('level-triggered: a pipe with unread data is reported at every wait until drained', () => {
    const { s, ctl, poll, write, ep, r, w } = withPipe();
    ctl(ep, ADD, r, EV.IN, 1);
    assert.deepEqual(poll(ep), []);
    write(w, 'abc');
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 1 }]);
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 1 }]);
    assert.equal(s.sys('read', r, DATA, 1), 1n);
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 1 }]);
    assert.equal(s.sys('read', r, DATA, 10), 2n);
    assert.deepEqual(poll(ep), []);
  });

  it('EPOLLET: reported once per arrival of data, not again while it stays unread', () => {
    const { ctl, poll, write, ep, r, w } = withPipe();
    ctl(ep, ADD, r, EV.IN | EV.ET, 2);
    write(w, 'ab');
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 2 }]);
    assert.deepEqual(poll(ep), []); // still readable: level-triggered would report it again
    write(w, 'c');
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 2 }]);
    assert.deepEqual(poll(ep), []);
    // MOD re-arms: the current state is reported once more
    ctl(ep, MOD, r, EV.IN | EV.ET, 3);
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 3 }]);
    assert.deepEqual(poll(ep), []);
  });

  it('EPOLLONESHOT: one report, then nothing (even for new data) until EPOLL_CTL_MOD re-arms', () => {
    const { ctl, poll, write, ep, r, w } = withPipe();
    ctl(ep, ADD, r, EV.IN | EV.ONESHOT, 4);
    write(w, 'a');
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 4 }]);
    assert.deepEqual(poll(ep), []);
    write(w, 'b');
    assert.deepEqual(poll(ep), []);
    assert.equal(ctl(ep, ADD, r, EV.IN), -E.EXIST); // disabled, but still registered
    ctl(ep, MOD, r, EV.IN | EV.ONESHOT, 5);
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 5 }]);
    assert.deepEqual(poll(ep), []);
  });

  it('hang-ups are reported unasked: EPOLLHUP when the writers are gone, EPOLLERR when the readers are', () => {
    const { s, ctl, poll, pipe, write, ep, r, w } = withPipe();
    ctl(ep, ADD, r, EV.IN | EV.RDHUP, 1); // EPOLLRDHUP is a stream-socket event: pipes never report it
    write(w, 'z');
    s.sys('close', w);
    assert.deepEqual(poll(ep), [{ events: EV.IN | EV.HUP, data: 1 }]);
    s.sys('read', r, DATA, 10);
    assert.deepEqual(poll(ep), [{ events: EV.HUP, data: 1 }]);

    const [r2, w2] = pipe();
    ctl(ep, ADD, w2, EV.OUT, 2);
    s.sys('close', r2);
    // Linux's pipe_poll: a write end that has room stays EPOLLOUT, and EPOLLERR joins it
    assert.deepEqual(poll(ep).filter((e) => e.data === 2), [{ events: EV.OUT | EV.ERR, data: 2 }]);
  });

  it('a full pipe is not writable: EPOLLOUT goes, O_NONBLOCK writes give EAGAIN; up to PIPE_BUF bytes are written whole or not at all', () => {
    const { s, ctl, poll, ep, w } = withPipe();
    const r = w - 1; // pipe2 gave (read, write) = (w - 1, w)
    assert.equal(s.sys('fcntl', w, 4 /* F_SETFL */, O.NONBLOCK), 0n);
    ctl(ep, ADD, w, EV.OUT, 1);
    assert.deepEqual(poll(ep), [{ events: EV.OUT, data: 1 }]);
    s.mem.write(DATA, new Uint8Array(0x8000).fill(0x61));
    assert.equal(s.sys('write', w, DATA, 0x8000), 0x8000n);
    assert.equal(s.sys('write', w, DATA, 0x8000), 0x8000n); // 64 KiB: full
    assert.deepEqual(poll(ep), []);
    assert.equal(s.sys('write', w, DATA, 1), -E.AGAIN);
    assert.equal(s.sys('read', r, DATA, 4096), 4096n);
    assert.deepEqual(poll(ep), [{ events: EV.OUT, data: 1 }]);
    assert.equal(s.sys('write', w, DATA, 4097), 4096n); // more than PIPE_BUF: a partial write
    assert.deepEqual(poll(ep), []);
    assert.equal(s.sys('read', r, DATA, 4096), 4096n);
    assert.equal(s.sys('write', w, DATA, 4096), 4096n);
    assert.equal(s.sys('read', r, DATA, 100), 100n);
    assert.equal(s.sys('write', w, DATA, 200), -E.AGAIN); // at most PIPE_BUF: atomic, so not 100 of them
  });

  it('eventfd: readable while the counter is non-zero, writable below its maximum; EFD_SEMAPHORE counts down by one', () => {
    const s = setup();
    const { sys, mem } = s;
    const { ctl, poll, create } = epoll(s);
    const ep = create();
    const efd = Number(sys('eventfd2', 0, O.NONBLOCK));
    ctl(ep, ADD, efd, EV.IN | EV.OUT, 1);
    assert.deepEqual(poll(ep), [{ events: EV.OUT, data: 1 }]);
    const put = (v: bigint): bigint => {
      mem.write(DATA, new Uint8Array(new BigUint64Array([v]).buffer));
      return sys('write', efd, DATA, 8);
    };
    assert.equal(put(3n), 8n);
    assert.equal(put(4n), 8n);
    assert.deepEqual(poll(ep), [{ events: EV.IN | EV.OUT, data: 1 }]);
    assert.equal(sys('read', efd, DATA + 64, 8), 8n);
    assert.equal(new DataView(mem.read(DATA + 64, 8).buffer).getBigUint64(0, true), 7n); // the sum, counter reset
    assert.equal(sys('read', efd, DATA + 64, 8), -11n); // EAGAIN: counter is zero, O_NONBLOCK
    assert.deepEqual(poll(ep), [{ events: EV.OUT, data: 1 }]);
    assert.equal(put(0xffffffffffffffffn), -E.INVAL);
    assert.equal(put(1n), 8n);
    assert.equal(sys('read', efd, DATA + 64, 4), -E.INVAL); // a buffer under 8 bytes
    assert.equal(sys('read', efd, DATA + 64, 8), 8n);

    const sem = Number(sys('eventfd2', 2, EFD_SEMAPHORE | O.NONBLOCK));
    const take = (): bigint => {
      const n = sys('read', sem, DATA + 64, 8);
      return n < 0n ? n : new DataView(mem.read(DATA + 64, 8).buffer).getBigUint64(0, true);
    };
    assert.deepEqual([take(), take(), take()], [1n, 1n, -11n]);
    assert.equal(sys('eventfd2', 0, 0o10), -E.INVAL); // an unknown flag
  });

  it('more ready descriptors than maxevents: successive waits go round robin, so none starves', () => {
    const s = setup();
    const { ctl, poll, pipe, write, create } = epoll(s);
    const ep = create();
    for (const id of [1, 2, 3]) {
      const [r, w] = pipe();
      ctl(ep, ADD, r, EV.IN, id);
      write(w, 'x');
    }
    const ids = (): number[] => poll(ep, 2).map((e) => e.data);
    assert.deepEqual(ids(), [1, 2]);
    assert.deepEqual(ids(), [3, 1]);
    assert.deepEqual(ids(), [2, 3]);
  });
});

describe('epoll and other threads', () => {
  it('a wait with a timeout blocks in virtual time and returns 0 when it passes', () => {
    const s = setup({ threaded: true });
    const { create } = epoll(s);
    const ep = create();
    const main = s.main();
    s.spawn(); // someone else is runnable, so the wait really blocks
    s.t.instructions = 1000;
    assert.equal(s.sys('epoll_wait', ep, EVENTS, 4, 5), 0n); // 5 ms
    assert.equal(main.state, 'blocked');
    assert.equal(main.wait?.deadline, 1000 + 5_000_000);
    s.t.instructions = 1000 + 4_999_999;
    s.k.sched.tick();
    assert.equal(main.state, 'blocked');
    s.t.instructions++;
    s.k.sched.tick();
    assert.equal(main.state, 'runnable');
    assert.equal(main.resume, 0n);

    // epoll_pwait2 takes a timespec (ns resolution); a malformed one is EINVAL
    main.resume = null;
    s.mem.write(DATA, new Uint8Array(new BigInt64Array([0n, 1500n]).buffer));
    assert.equal(s.sys('epoll_pwait2', ep, EVENTS, 4, DATA, 0, 8), 0n);
    assert.equal(main.wait?.deadline, s.t.instructions + 1500);
    s.k.sched.wake(main, 0n);
    s.mem.write(DATA, new Uint8Array(new BigInt64Array([0n, 1_000_000_000n]).buffer));
    assert.equal(s.sys('epoll_pwait2', ep, EVENTS, 4, DATA, 0, 8), -E.INVAL);
    assert.equal(main.state, 'runnable');
  });

  it('a wait without a timeout ends when another thread makes a descriptor ready; then it reports it', () => {
    const { s, ctl, decode, ep, r, w } = withPipe({ threaded: true });
    ctl(ep, ADD, r, EV.IN, 42);
    const main = s.main();
    const other = s.spawn();
    assert.equal(s.sys('epoll_wait', ep, EVENTS, 4, -1), 0n);
    assert.equal(main.state, 'blocked');
    assert.equal(main.wait?.deadline, null);
    s.k.sched.tick();
    assert.equal(main.state, 'blocked');
    s.mem.write(DATA, new TextEncoder().encode('go'));
    assert.equal(s.sysAs(other.t, 'write', w, DATA, 2), 2n);
    s.k.sched.tick();
    assert.equal(main.resume, 'restart'); // the machine runs the system call again
    main.resume = null;
    const n = s.sys('epoll_wait', ep, EVENTS, 4, -1);
    assert.deepEqual(decode(n), [{ events: EV.IN, data: 42 }]);
  });

  it('every thread waiting without a timeout is a deadlock; a signal ends a wait with EINTR even under SA_RESTART', () => {
    const s = setup({ threaded: true });
    const { create } = epoll(s);
    const ep = create();
    const main = s.main();
    const other = s.spawn();
    assert.equal(s.sys('epoll_wait', ep, EVENTS, 4, -1), 0n);
    assert.equal(s.sysAs(other.t, 'epoll_pwait', ep, EVENTS, 4, -1, 0, 8), 0n);
    assert.equal(s.k.sched.pick(null), null);
    assert.equal(s.k.sched.idle(), false);
    assert.equal(s.k.sched.describeBlocked(), 'tid 1000 in epoll_wait, tid 1001 in epoll_pwait');

    // signal(7): epoll_wait is never restarted after a handler, whatever SA_RESTART says
    s.mem.write(DATA, new Uint8Array(new BigUint64Array([0x401000n, SA_RESTART | 0x04000000n, 0x401100n, 0n]).buffer));
    assert.equal(s.sys('rt_sigaction', SIGUSR1, DATA, 0, 8), 0n);
    s.k.sched.wake(other.th, 0n);
    assert.equal(s.sysAs(other.t, 'tgkill', 1000, main.tid, SIGUSR1), 0n);
    assert.equal(main.state, 'runnable');
    assert.equal(main.resume, -4n); // EINTR
  });
});

describe('epoll and closed descriptors', () => {
  it('a registration lives as long as its open file description, not its descriptor number', () => {
    const { s, ctl, poll, pipe, write, ep, r, w } = withPipe();
    ctl(ep, ADD, r, EV.IN, 5);
    const copy = Number(s.sys('dup', r));
    assert.equal(s.sys('close', r), 0n);
    write(w, 'still watched');
    // epoll(7) Q6: the description is still open through the duplicate, so it is still reported
    assert.deepEqual(poll(ep), [{ events: EV.IN, data: 5 }]);
    assert.equal(ctl(ep, DEL, copy), -E.NOENT); // registered as (description, fd r), not as the copy
    assert.equal(s.sys('close', copy), 0n);
    assert.deepEqual(poll(ep), []);
    // the number may be reused by another file: that is a new registration
    const [r2] = pipe();
    assert.equal(r2, r);
    assert.equal(ctl(ep, ADD, r2, EV.IN, 6), 0n);
  });
});
