/**
 * Pipes, eventfd and epoll: what threaded programs and the Go runtime's network poller (timers,
 * netpollBreak) use to wait for each other.
 *
 *  - pipe / pipe2: a 64 KiB in-memory buffer. Reading an empty pipe blocks the thread (EAGAIN with
 *    O_NONBLOCK) until data arrives or every write end is closed (then end of file). Writing to a
 *    full pipe blocks (or EAGAIN) until there is room; writing with no read end open gives EPIPE
 *    and SIGPIPE.
 *  - eventfd / eventfd2: the 64-bit counter (EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC).
 *  - epoll_create / epoll_create1 / epoll_ctl / epoll_wait / epoll_pwait / epoll_pwait2: interest
 *    lists over pipes, eventfds and the standard streams (regular files and directories give
 *    EPERM, as on Linux). Level-triggered by default; EPOLLET reports a descriptor again only
 *    after new data or room arrived; EPOLLONESHOT disables it after one report. A wait with a
 *    timeout blocks the thread in virtual time; events are listed in interest-list order.
 */
import { O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, SIGPIPE, PID, UID } from '../constants.js';
import { EEXIST, EFAULT, EINVAL, ENOENT, EPERM, EPIPE, SysError } from '../errno.js';
import { checkWritable, int, ptr, StructReader, StructWriter } from '../guest.js';
import type { Kernel } from '../kernel.js';
import { WouldBlock } from '../thread.js';
import { FifoNode, FileNode, type Inode } from '../vfs/inode.js';
import { OpenFile } from '../vfs/fdtable.js';
import { sendToProcess } from './signal.js';
import type { Sys, SyscallGroup } from './types.js';

const PIPE_CAPACITY = 65536;
const PIPE_BUF = 4096;

const EPOLLIN = 0x1;
const EPOLLOUT = 0x4;
const EPOLLERR = 0x8;
const EPOLLHUP = 0x10;
const EPOLLRDNORM = 0x40;
const EPOLLWRNORM = 0x100;
const EPOLLEXCLUSIVE = 1 << 28;
const EPOLLWAKEUP = 1 << 29;
const EPOLLONESHOT = 1 << 30;
const EPOLLET = 1 << 31;

/** Something epoll can watch: its ready events now, and a counter bumped whenever it may have become ready. */
interface Pollable {
  readiness(): number;
  generation(): number;
}

class Pipe {
  private buf = new Uint8Array(1024);
  private len = 0;
  readers = 0;
  writers = 0;
  /** Bumped on every read and write (edge-triggered epoll). */
  gen = 0;

  constructor(private readonly k: Kernel) {}

  get length(): number {
    return this.len;
  }

  /** What a read may return now; blocks while empty with a writer left. */
  available(): number {
    if (this.len === 0 && this.writers > 0) throw new WouldBlock(() => this.len > 0 || this.writers === 0);
    return this.len;
  }

  read(n: number): Uint8Array {
    const take = Math.min(n, this.len);
    const out = this.buf.slice(0, take);
    this.buf.copyWithin(0, take, this.len);
    this.len -= take;
    if (take > 0) this.gen++;
    return out;
  }

  write(data: Uint8Array): number {
    if (this.readers === 0) {
      sendToProcess(this.k, SIGPIPE, { signo: SIGPIPE, code: 0, pid: PID, uid: UID });
      throw new SysError(EPIPE);
    }
    // pipe(7): a write of at most PIPE_BUF bytes is atomic, all of it or none (wait, or EAGAIN);
    // a longer one writes what fits, once there is room at all
    const need = data.length <= PIPE_BUF ? data.length : 1;
    if (PIPE_CAPACITY - this.len < need) throw new WouldBlock(() => PIPE_CAPACITY - this.len >= need || this.readers === 0);
    const n = Math.min(PIPE_CAPACITY - this.len, data.length);
    if (this.len + n > this.buf.length) {
      const next = new Uint8Array(Math.min(PIPE_CAPACITY, Math.max(this.len + n, this.buf.length * 2)));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(data.subarray(0, n), this.len);
    this.len += n;
    this.gen++;
    return n;
  }
}

/** One end of a pipe. */
class PipeEnd extends FifoNode implements Pollable {
  constructor(
    k: Kernel,
    readonly pipe: Pipe,
    readonly isRead: boolean,
  ) {
    super(k.vfs.pipeSb, { mode: 0o600, uid: UID, gid: UID }, {
      read: (n) => pipe.read(n),
      write: (d) => pipe.write(d),
      available: () => pipe.available(),
    });
    if (isRead) pipe.readers++;
    else pipe.writers++;
  }

  override released(): void {
    if (this.openCount !== 0) return;
    if (this.isRead) this.pipe.readers--;
    else this.pipe.writers--;
    this.pipe.gen++;
  }

  /** As Linux's pipe_poll: EPOLLRDHUP is a socket event; a write end without readers adds EPOLLERR to EPOLLOUT. */
  readiness(): number {
    const p = this.pipe;
    if (this.isRead) return (p.length > 0 ? EPOLLIN | EPOLLRDNORM : 0) | (p.writers === 0 ? EPOLLHUP : 0);
    return (p.length < PIPE_CAPACITY ? EPOLLOUT | EPOLLWRNORM : 0) | (p.readers === 0 ? EPOLLERR : 0);
  }

  generation(): number {
    return this.pipe.gen;
  }
}

const EFD_SEMAPHORE = 1;
const MAX_COUNT = 0xfffffffffffffffen;

class EventFd extends FifoNode implements Pollable {
  count: bigint;
  gen = 0;
  constructor(k: Kernel, init: bigint, semaphore: boolean) {
    // The node's callbacks are built before `this` exists (they are super's arguments).
    let self: EventFd | null = null;
    super(k.vfs.pipeSb, { mode: 0o600, uid: UID, gid: UID }, {
      available: () => {
        const me = self!;
        if (me.count === 0n) throw new WouldBlock(() => me.count > 0n);
        return 8;
      },
      read: (n) => {
        const me = self!;
        if (n < 8) throw new SysError(EINVAL);
        const v = semaphore ? 1n : me.count;
        me.count -= v;
        me.gen++;
        const w = new StructWriter(8).u64(0, v);
        return w.bytes;
      },
      write: (d) => {
        const me = self!;
        if (d.length < 8) throw new SysError(EINVAL);
        const v = new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0, true);
        if (v === 0xffffffffffffffffn) throw new SysError(EINVAL);
        if (me.count + v > MAX_COUNT) throw new WouldBlock(() => me.count + v <= MAX_COUNT);
        me.count += v;
        me.gen++;
        return 8;
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- see the constructor's first line
    self = this;
    this.count = init;
  }

  readiness(): number {
    return (this.count > 0n ? EPOLLIN | EPOLLRDNORM : 0) | (this.count < MAX_COUNT ? EPOLLOUT | EPOLLWRNORM : 0);
  }

  generation(): number {
    return this.gen;
  }
}

interface Interest {
  fd: number;
  file: OpenFile;
  events: number;
  data: bigint;
  /** EPOLLET: the generation last reported. */
  seen: number;
  disabled: boolean;
}

/** An epoll instance ([eventpoll]): an interest list in insertion order. */
class EpollNode extends FileNode {
  readonly interests: Interest[] = [];
  override size(): number {
    return 0;
  }
  override read(): Uint8Array {
    throw new SysError(EINVAL);
  }
}

function pollableOf(f: OpenFile): Pollable | null {
  const n: Inode = f.node;
  if (n instanceof PipeEnd || n instanceof EventFd) return n;
  return null;
}

/** Ready events of an interest (level), or 0. The standard streams are always ready. */
function levelOf(it: Interest): number {
  const p = pollableOf(it.file);
  if (p) return p.readiness();
  let r = 0;
  if (it.file.readable) r |= EPOLLIN | EPOLLRDNORM;
  if (it.file.writable) r |= EPOLLOUT | EPOLLWRNORM;
  return r;
}

function generationOf(it: Interest): number {
  return pollableOf(it.file)?.generation() ?? 0;
}

/** Linux drops a registration when its open file description closes: when no descriptor refers to it any more. */
function registered(it: Interest): boolean {
  return it.file.refs > 0;
}

/** The events an interest reports now (0 if none). */
function reportable(it: Interest): number {
  if (it.disabled || !registered(it)) return 0;
  const ev = levelOf(it) & (it.events | EPOLLERR | EPOLLHUP);
  if (ev === 0) return 0;
  if (it.events & EPOLLET && generationOf(it) === it.seen) return 0;
  return ev;
}

function newFd(s: Sys, node: FifoNode | FileNode, acc: number, flags: number, name: string): number {
  const of = new OpenFile(node, node.open(), acc | (flags & O_NONBLOCK), [], name);
  return s.k.fds.alloc(of, (flags & O_CLOEXEC) !== 0);
}

function pipe2(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const flags = int(a[1]!);
  if (flags & ~(O_NONBLOCK | O_CLOEXEC | 0o40000 /* O_DIRECT */)) throw new SysError(EINVAL);
  checkWritable(s.mem, addr, 8);
  const fds = s.k.fds;
  const free = fds.lowestFree();
  if (free < 0 || fds.lowestFree(free + 1) < 0) throw new SysError(24 /* EMFILE */);
  const pipe = new Pipe(s.k);
  const r = new PipeEnd(s.k, pipe, true);
  const w = new PipeEnd(s.k, pipe, false);
  const rfd = newFd(s, r, O_RDONLY, flags, `pipe:[${r.ino}]`);
  const wfd = newFd(s, w, O_WRONLY, flags, `pipe:[${r.ino}]`);
  new StructWriter(8).i32(0, rfd).i32(4, wfd).to(s.mem, addr);
  return 0;
}

function eventfd2(s: Sys, a: readonly bigint[]): number {
  const init = BigInt.asUintN(32, a[0]!);
  const flags = int(a[1]!);
  if (flags & ~(O_NONBLOCK | O_CLOEXEC | EFD_SEMAPHORE)) throw new SysError(EINVAL);
  const node = new EventFd(s.k, init, (flags & EFD_SEMAPHORE) !== 0);
  return newFd(s, node, O_RDWR, flags, 'anon_inode:[eventfd]');
}

function epoll_create1(s: Sys, a: readonly bigint[]): number {
  const flags = int(a[0]!);
  if (flags & ~O_CLOEXEC) throw new SysError(EINVAL);
  const node = new EpollNode(s.k.vfs.pipeSb, { mode: 0o600, uid: UID, gid: UID });
  return newFd(s, node, O_RDWR, flags, 'anon_inode:[eventpoll]');
}

function epollArg(s: Sys, fd: bigint): EpollNode {
  const f = s.k.fds.file(int(fd));
  if (!(f.node instanceof EpollNode)) throw new SysError(EINVAL);
  return f.node;
}

const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;

function epoll_ctl(s: Sys, a: readonly bigint[]): number {
  const ep = epollArg(s, a[0]!);
  const op = int(a[1]!);
  const fd = int(a[2]!);
  const f = s.k.fds.file(fd);
  if (f.node === ep) throw new SysError(EINVAL);
  if (f.node.type === 'file' || f.node.type === 'dir') {
    if (!(f.node instanceof EpollNode)) throw new SysError(EPERM);
  }
  const i = ep.interests.findIndex((it) => it.fd === fd && it.file === f);
  let events = 0;
  let data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const r = StructReader.from(s.mem, ptr(a[3]!), 12);
    events = r.u32(0);
    data = r.u64(4);
    if (events & EPOLLEXCLUSIVE && op === EPOLL_CTL_MOD) throw new SysError(EINVAL);
    events &= ~EPOLLWAKEUP;
  }
  switch (op) {
    case EPOLL_CTL_ADD:
      if (i >= 0) throw new SysError(EEXIST);
      ep.interests.push({ fd, file: f, events, data, seen: -1, disabled: false });
      return 0;
    case EPOLL_CTL_DEL:
      if (i < 0) throw new SysError(ENOENT);
      ep.interests.splice(i, 1);
      return 0;
    case EPOLL_CTL_MOD: {
      if (i < 0) throw new SysError(ENOENT);
      const it = ep.interests[i]!;
      it.events = events;
      it.data = data;
      it.seen = -1;
      it.disabled = false;
      return 0;
    }
    default:
      throw new SysError(EINVAL);
  }
}

function epollWait(s: Sys, a: readonly bigint[], timeoutNs: bigint | null, what: string): number {
  const ep = epollArg(s, a[0]!);
  const addr = ptr(a[1]!);
  const max = int(a[2]!);
  if (max <= 0 || max > 0x7fffffff / 12) throw new SysError(EINVAL);
  checkWritable(s.mem, addr, Math.min(max, 1) * 12);
  const k = s.k;
  const out: Array<[number, bigint]> = [];
  const reported: Interest[] = [];
  for (const it of ep.interests) {
    if (out.length >= max) break;
    const ev = reportable(it);
    if (ev === 0) continue;
    out.push([ev, it.data]);
    reported.push(it);
    if (it.events & EPOLLET) it.seen = generationOf(it);
    if (it.events & EPOLLONESHOT) it.disabled = true;
  }
  // Reported interests go to the back, as Linux re-queues level-triggered ones at the tail of its
  // ready list: with more ready than maxevents, successive waits take turns (none starves).
  if (reported.length > 0 && out.length >= max) {
    const rest = ep.interests.filter((it) => !reported.includes(it));
    ep.interests.splice(0, ep.interests.length, ...rest, ...reported);
  }
  for (let i = ep.interests.length - 1; i >= 0; i--) {
    if (!registered(ep.interests[i]!)) ep.interests.splice(i, 1);
  }
  if (out.length > 0) {
    const w = new StructWriter(out.length * 12);
    out.forEach(([ev, data], i) => w.u32(i * 12, ev >>> 0).u64(i * 12 + 4, data));
    try {
      w.to(s.mem, addr);
    } catch {
      throw new SysError(EFAULT);
    }
    return out.length;
  }
  if (timeoutNs === 0n) return 0;
  const now = Math.floor(s.t.virtualNanos());
  k.sched.block(s.th, {
    what,
    deadline: timeoutNs === null ? null : Math.min(Number.MAX_SAFE_INTEGER, now + Number(timeoutNs)),
    onTimeout: 0n,
    restartable: false,
    ready: () => ep.interests.some((it) => reportable(it) !== 0),
  });
  return 0;
}

function msTimeout(v: bigint): bigint | null {
  const ms = int(v);
  return ms < 0 ? null : BigInt(ms) * 1_000_000n;
}

function epoll_pwait2(s: Sys, a: readonly bigint[]): number {
  const tp = ptr(a[3]!);
  let t: bigint | null = null;
  if (tp !== 0) {
    const r = StructReader.from(s.mem, tp, 16);
    const sec = r.i64(0);
    const nsec = r.i64(8);
    if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) throw new SysError(EINVAL);
    t = sec * 1_000_000_000n + nsec;
  }
  return epollWait(s, a, t, 'epoll_pwait2');
}

export const epollSyscalls: SyscallGroup = {
  pipe: [(s, a) => pipe2(s, [a[0]!, 0n]), 'p'],
  pipe2: [pipe2, 'px'],
  eventfd: [(s, a) => eventfd2(s, [a[0]!, 0n]), 'u'],
  eventfd2: [eventfd2, 'ux'],
  epoll_create: [(s, a) => {
    if (int(a[0]!) <= 0) throw new SysError(EINVAL);
    return epoll_create1(s, [0n]);
  }, 'd'],
  epoll_create1: [epoll_create1, 'x'],
  epoll_ctl: [epoll_ctl, 'dddp'],
  epoll_wait: [(s, a) => epollWait(s, a, msTimeout(a[3]!), 'epoll_wait'), 'dpdd'],
  epoll_pwait: [(s, a) => epollWait(s, a, msTimeout(a[3]!), 'epoll_pwait'), 'dpddpu'],
  epoll_pwait2: [epoll_pwait2, 'dpdppu'],
};
