/**
 * File descriptor system calls: open/close/dup/fcntl, read/write and their vectored and
 * positional forms, lseek, getdents, ioctl, poll/select, sendfile, sync calls, ftruncate,
 * fallocate, memfd_create.
 */
import {
  AT_FDCWD,
  F_ADD_SEALS,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_GETLK,
  F_GETOWN,
  F_GETPIPE_SZ,
  F_GET_SEALS,
  F_OFD_GETLK,
  F_OFD_SETLK,
  F_OFD_SETLKW,
  F_SETFD,
  F_SETFL,
  F_SETLK,
  F_SETLKW,
  F_SETOWN,
  F_UNLCK,
  FD_CLOEXEC,
  GID,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_LARGEFILE,
  O_NOCTTY,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_PATH,
  O_RDONLY,
  O_RDWR,
  O_TMPFILE,
  O_TRUNC,
  O_WRONLY,
  SEEK_CUR,
  SEEK_DATA,
  SEEK_END,
  SEEK_HOLE,
  SEEK_SET,
  SETFL_MASK,
  DT_CHR,
  DT_DIR,
  DT_FIFO,
  DT_LNK,
  DT_REG,
  UID,
} from '../constants.js';
import {
  EBADF,
  EEXIST,
  EFAULT,
  EINVAL,
  EISDIR,
  ELOOP,
  EMFILE,
  ENODEV,
  ENOTDIR,
  ENOTTY,
  ENXIO,
  EOPNOTSUPP,
  ESPIPE,
  SysError,
  EINTR,
} from '../errno.js';
import { copyGas } from '../gas.js';
import { i64, int, ptr, put32, put64, size, StructReader, StructWriter, uint, bytesOf } from '../guest.js';
import { OpenFile } from '../vfs/fdtable.js';
import { DirNode, FileNode, type Inode, MemFile, openStream } from '../vfs/inode.js';
import { pathArg, checkAccess, checkDirWritable, fileArg, lookupAt, MAX_RW, readInto, writeFrom } from './fsutil.js';
import { readTimespec, sleepFor } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

// ------------------------------------------------------------------ open / close

/** open(2) core, shared by open, openat, openat2 and creat. */
export function openAt(s: Sys, dirfd: number, path: string, flags: number, mode: number): number {
  const k = s.k;
  if ((flags & O_TMPFILE) === O_TMPFILE) throw new SysError(EOPNOTSUPP);
  const acc = flags & O_ACCMODE;
  if (acc === O_ACCMODE) throw new SysError(EINVAL);
  if (k.fds.lowestFree() < 0) throw new SysError(EMFILE);
  const creat = (flags & O_CREAT) !== 0 && !(flags & O_PATH);
  const excl = creat && (flags & O_EXCL) !== 0;
  const follow = !(flags & O_NOFOLLOW) && !excl;
  const L = lookupAt(s, dirfd, path, { follow, allowMissing: creat });
  let node = L.node;
  let stack = L.stack;
  if (node === null) {
    if (L.trailingSlash) throw new SysError(EISDIR);
    const dir = L.parent[L.parent.length - 1]!.node;
    checkDirWritable(dir);
    const file = new MemFile(dir.sb, { mode: mode & ~k.umask & 0o7777, uid: UID, gid: GID });
    (dir as DirNode).link(L.name, file);
    node = file;
    stack = [...L.parent, { name: L.name, node }];
  } else {
    if (excl) throw new SysError(EEXIST);
    if (node.type === 'symlink' && !(flags & O_PATH)) throw new SysError(ELOOP);
    if (flags & O_DIRECTORY && node.type !== 'dir') throw new SysError(ENOTDIR);
    if (!(flags & O_PATH)) {
      if (node.type === 'dir' && (acc !== O_RDONLY || creat)) throw new SysError(EISDIR);
      let mask = 0;
      if (acc === O_RDONLY || acc === O_RDWR) mask |= 4;
      if (acc === O_WRONLY || acc === O_RDWR || flags & O_TRUNC) mask |= 2;
      checkAccess(node, mask);
      if (flags & O_TRUNC && node instanceof FileNode && acc !== O_RDONLY) node.truncate(0);
    }
  }
  const stream = flags & O_PATH ? null : openStream(node);
  const kept = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
  const file = new OpenFile(node, stream, kept | O_LARGEFILE, stack);
  return k.fds.alloc(file, (flags & O_CLOEXEC) !== 0);
}

function open(s: Sys, a: readonly bigint[]): number {
  return openAt(s, AT_FDCWD, pathArg(s, ptr(a[0]!)), int(a[1]!), uint(a[2]!));
}

function openat(s: Sys, a: readonly bigint[]): number {
  return openAt(s, int(a[0]!), pathArg(s, ptr(a[1]!)), int(a[2]!), uint(a[3]!));
}

function openat2(s: Sys, a: readonly bigint[]): number {
  // struct open_how { u64 flags; u64 mode; u64 resolve; }
  const sz = size(a[3]!);
  if (sz < 24) throw new SysError(EINVAL);
  const how = StructReader.from(s.mem, ptr(a[2]!), 24);
  const flags = how.u64(0);
  const mode = how.u64(8);
  if (how.u64(16) !== 0n) throw new SysError(EINVAL); // RESOLVE_* restrictions are not supported
  if (flags >> 32n || mode & ~0o7777n) throw new SysError(EINVAL);
  if (mode !== 0n && !(Number(flags) & (O_CREAT | O_TMPFILE))) throw new SysError(EINVAL);
  return openAt(s, int(a[0]!), pathArg(s, ptr(a[1]!)), Number(flags), Number(mode));
}

function creat(s: Sys, a: readonly bigint[]): number {
  return openAt(s, AT_FDCWD, pathArg(s, ptr(a[0]!)), O_CREAT | O_WRONLY | O_TRUNC, uint(a[1]!));
}

function close(s: Sys, a: readonly bigint[]): number {
  s.k.fds.close(int(a[0]!));
  return 0;
}

function close_range(s: Sys, a: readonly bigint[]): number {
  const first = uint(a[0]!);
  const last = uint(a[1]!);
  const flags = uint(a[2]!);
  const CLOSE_RANGE_UNSHARE = 2;
  const CLOSE_RANGE_CLOEXEC = 4;
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) throw new SysError(EINVAL);
  for (const fd of s.k.fds.list()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) s.k.fds.entry(fd)!.cloexec = true;
    else s.k.fds.close(fd);
  }
  return 0;
}

function memfd_create(s: Sys, a: readonly bigint[]): number {
  const name = pathArg(s, ptr(a[0]!));
  const flags = uint(a[1]!);
  const MFD_CLOEXEC = 1;
  const MFD_ALLOW_SEALING = 2;
  if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING)) throw new SysError(EINVAL);
  if (name.length > 249) throw new SysError(EINVAL);
  if (s.k.fds.lowestFree() < 0) throw new SysError(EMFILE);
  const file = new MemFile(s.k.vfs.tmpSb, { mode: 0o777, uid: UID, gid: GID });
  file.nlink = 0;
  const of = new OpenFile(file, file.open(), O_RDWR | O_LARGEFILE, [], `/memfd:${name} (deleted)`);
  return s.k.fds.alloc(of, (flags & MFD_CLOEXEC) !== 0);
}

// ------------------------------------------------------------------ dup / fcntl

function dup(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return s.k.fds.alloc(f, false);
}

function dupTo(s: Sys, oldfd: number, newfd: number, cloexec: boolean): number {
  const f = s.k.fds.file(oldfd);
  if (newfd < 0 || newfd >= s.k.fds.max) throw new SysError(EBADF);
  s.k.fds.set(newfd, f, cloexec);
  return newfd;
}

function dup2(s: Sys, a: readonly bigint[]): number {
  const oldfd = int(a[0]!);
  const newfd = int(a[1]!);
  if (oldfd === newfd) {
    s.k.fds.file(oldfd);
    return newfd;
  }
  return dupTo(s, oldfd, newfd, false);
}

function dup3(s: Sys, a: readonly bigint[]): number {
  const oldfd = int(a[0]!);
  const newfd = int(a[1]!);
  const flags = int(a[2]!);
  if (flags & ~O_CLOEXEC || oldfd === newfd) throw new SysError(EINVAL);
  return dupTo(s, oldfd, newfd, (flags & O_CLOEXEC) !== 0);
}

function fcntl(s: Sys, a: readonly bigint[]): number {
  const fd = int(a[0]!);
  const cmd = int(a[1]!);
  const e = s.k.fds.entry(fd);
  if (!e) throw new SysError(EBADF);
  const f = e.file;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = int(a[2]!);
      if (min < 0 || min >= s.k.fds.max) throw new SysError(EINVAL);
      return s.k.fds.alloc(f, cmd === F_DUPFD_CLOEXEC, min);
    }
    case F_GETFD:
      return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD:
      e.cloexec = (int(a[2]!) & FD_CLOEXEC) !== 0;
      return 0;
    case F_GETFL:
      return f.flags;
    case F_SETFL:
      f.flags = (f.flags & ~SETFL_MASK) | (int(a[2]!) & SETFL_MASK);
      return 0;
    case F_GETLK:
    case F_OFD_GETLK: {
      // struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; }
      // One process: nothing ever conflicts, so the lock could be placed.
      const addr = ptr(a[2]!);
      const lk = StructReader.from(s.mem, addr, 32);
      if (lk.u16(0) > 2) throw new SysError(EINVAL);
      new StructWriter(2).u16(0, F_UNLCK).to(s.mem, addr);
      return 0;
    }
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
      const lk = StructReader.from(s.mem, ptr(a[2]!), 32);
      if (lk.u16(0) > 2) throw new SysError(EINVAL);
      return 0;
    }
    case F_GETOWN:
    case F_SETOWN:
      return 0;
    case F_GETPIPE_SZ:
      if (f.node.type !== 'fifo') throw new SysError(EBADF);
      return 65536;
    case F_ADD_SEALS:
    case F_GET_SEALS:
      throw new SysError(EINVAL);
    default:
      throw new SysError(EINVAL);
  }
}

// ------------------------------------------------------------------ read / write

function read(s: Sys, a: readonly bigint[]): number {
  return readInto(s, fileArg(s, a[0]!), ptr(a[1]!), size(a[2]!), null);
}

function write(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return writeFrom(s, f, ptr(a[1]!), size(a[2]!), null, (f.flags & O_APPEND) !== 0);
}

function offsetArg(a: bigint): number {
  const off = i64(a);
  if (off < 0n) throw new SysError(EINVAL);
  return Number(off);
}

function pread64(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return readInto(s, f, ptr(a[1]!), size(a[2]!), offsetArg(a[3]!));
}

function pwrite64(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return writeFrom(s, f, ptr(a[1]!), size(a[2]!), offsetArg(a[3]!), false);
}

interface Iov {
  base: number;
  len: number;
}

function readIovecs(s: Sys, addr: number, cnt: number): Iov[] {
  if (cnt < 0 || cnt > 1024) throw new SysError(EINVAL);
  if (cnt === 0) return [];
  const r = StructReader.from(s.mem, addr, cnt * 16);
  const out: Iov[] = [];
  let total = 0n;
  for (let i = 0; i < cnt; i++) {
    const len = r.u64(i * 16 + 8);
    total += len;
    if (len > BigInt(Number.MAX_SAFE_INTEGER) || total > 0x7fffffffffffffffn) throw new SysError(EINVAL);
    out.push({ base: ptr(r.u64(i * 16)), len: Number(len) });
  }
  return out;
}

function readvAt(s: Sys, f: OpenFile, iovs: Iov[], pos: number | null): number {
  let total = 0;
  for (const v of iovs) {
    if (v.len === 0) continue;
    let n: number;
    try {
      n = readInto(s, f, v.base, Math.min(v.len, MAX_RW - total), pos === null ? null : pos + total);
    } catch (e) {
      if (total > 0 && e instanceof SysError && e.errno === EFAULT) break;
      throw e;
    }
    total += n;
    if (n < v.len || total >= MAX_RW) break;
  }
  return total;
}

function writevAt(s: Sys, f: OpenFile, iovs: Iov[], pos: number | null): number {
  let total = 0;
  for (const v of iovs) {
    if (v.len === 0) continue;
    let n: number;
    try {
      n = writeFrom(s, f, v.base, Math.min(v.len, MAX_RW - total), pos === null ? null : pos + total, pos === null && (f.flags & O_APPEND) !== 0);
    } catch (e) {
      if (total > 0 && e instanceof SysError) break;
      throw e;
    }
    total += n;
    if (n < v.len || total >= MAX_RW || s.k.killed) break;
  }
  return total;
}

function readv(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return readvAt(s, f, readIovecs(s, ptr(a[1]!), int(a[2]!)), null);
}

function writev(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return writevAt(s, f, readIovecs(s, ptr(a[1]!), int(a[2]!)), null);
}

function positioned(f: OpenFile, off: bigint): number | null {
  const v = i64(off);
  if (v === -1n) return null; // preadv2/pwritev2: use the file position
  if (v < 0n) throw new SysError(EINVAL);
  if (f.stream?.seek === 'stream') throw new SysError(ESPIPE);
  return Number(v);
}

function preadv(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return readvAt(s, f, readIovecs(s, ptr(a[1]!), int(a[2]!)), offsetArg(a[3]!));
}

function pwritev(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  return writevAt(s, f, readIovecs(s, ptr(a[1]!), int(a[2]!)), offsetArg(a[3]!));
}

function preadv2(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  if (int(a[5]!) & ~0x1f) throw new SysError(EOPNOTSUPP);
  return readvAt(s, f, readIovecs(s, ptr(a[1]!), int(a[2]!)), positioned(f, a[3]!));
}

function pwritev2(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  if (int(a[5]!) & ~0x1f) throw new SysError(EOPNOTSUPP);
  return writevAt(s, f, readIovecs(s, ptr(a[1]!), int(a[2]!)), positioned(f, a[3]!));
}

function lseek(s: Sys, a: readonly bigint[]): number | bigint {
  const f = fileArg(s, a[0]!);
  const off = i64(a[1]!);
  const whence = int(a[2]!);
  if (f.node instanceof DirNode) {
    if (whence === SEEK_SET && off >= 0n) {
      f.pos = Number(off);
      return off;
    }
    if (whence === SEEK_CUR && off === 0n) return f.pos;
    throw new SysError(EINVAL);
  }
  if (!f.stream) throw new SysError(EBADF);
  if (f.stream.seek === 'stream') throw new SysError(ESPIPE);
  if (f.stream.seek === 'device') {
    if (whence < SEEK_SET || whence > SEEK_END) throw new SysError(EINVAL);
    return 0;
  }
  const sz = BigInt(f.stream.available(0));
  let pos: bigint;
  switch (whence) {
    case SEEK_SET:
      pos = off;
      break;
    case SEEK_CUR:
      pos = BigInt(f.pos) + off;
      break;
    case SEEK_END:
      pos = sz + off;
      break;
    case SEEK_DATA:
      if (off < 0n || off >= sz) throw new SysError(ENXIO);
      pos = off;
      break;
    case SEEK_HOLE:
      if (off < 0n || off >= sz) throw new SysError(ENXIO);
      pos = sz;
      break;
    default:
      throw new SysError(EINVAL);
  }
  if (pos < 0n || pos > BigInt(Number.MAX_SAFE_INTEGER)) throw new SysError(EINVAL);
  f.pos = Number(pos);
  return pos;
}

// ------------------------------------------------------------------ directories

function direntType(node: Inode): number {
  switch (node.type) {
    case 'dir':
      return DT_DIR;
    case 'file':
      return DT_REG;
    case 'symlink':
      return DT_LNK;
    case 'chr':
      return DT_CHR;
    case 'fifo':
      return DT_FIFO;
  }
}

/** Entries of a directory in getdents order: ".", "..", then names sorted by bytes. */
function dirEntries(f: OpenFile): Array<{ name: string; ino: number; type: number }> {
  const dir = f.node as DirNode;
  const parent = f.stack.length >= 2 ? f.stack[f.stack.length - 2]!.node : dir;
  const out = [
    { name: '.', ino: dir.ino, type: DT_DIR },
    { name: '..', ino: parent.ino, type: DT_DIR },
  ];
  for (const name of dir.names()) {
    const n = dir.lookup(name);
    if (n) out.push({ name, ino: n.ino, type: direntType(n) });
  }
  return out;
}

function getdentsCommon(s: Sys, a: readonly bigint[], wide: boolean): number {
  const f = fileArg(s, a[0]!);
  const addr = ptr(a[1]!);
  const count = Math.min(size(a[2]!), MAX_RW);
  if (!(f.node instanceof DirNode)) throw new SysError(ENOTDIR);
  if (f.flags & O_PATH) throw new SysError(EBADF);
  const entries = dirEntries(f);
  const chunks: Uint8Array[] = [];
  let used = 0;
  let i = f.pos;
  for (; i < entries.length; i++) {
    const e = entries[i]!;
    const name = bytesOf(e.name);
    // linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name\0
    // linux_dirent:   u64 ino, u64 off, u16 reclen, name\0, pad, u8 type (last byte)
    const fixed = wide ? 19 : 18;
    const reclen = Math.ceil((fixed + name.length + (wide ? 1 : 2)) / 8) * 8;
    if (used + reclen > count) break;
    const w = new StructWriter(reclen).u64(0, e.ino).u64(8, i + 1).u16(16, reclen);
    if (wide) w.u8(18, e.type);
    else w.u8(reclen - 1, e.type);
    w.bytes.set(name, fixed);
    chunks.push(w.bytes);
    used += reclen;
  }
  if (used === 0 && i < entries.length) throw new SysError(EINVAL);
  if (used > 0) {
    const buf = new Uint8Array(used);
    let o = 0;
    for (const c of chunks) {
      buf.set(c, o);
      o += c.length;
    }
    s.mem.write(addr, buf);
  }
  f.pos = i;
  s.k.gas += copyGas(used);
  return used;
}

function getdents64(s: Sys, a: readonly bigint[]): number {
  return getdentsCommon(s, a, true);
}

function getdents(s: Sys, a: readonly bigint[]): number {
  return getdentsCommon(s, a, false);
}

// ------------------------------------------------------------------ ioctl

const TCGETS = 0x5401;
const FIONREAD = 0x541b;
const FIONBIO = 0x5421;
const FIONCLEX = 0x5450;
const FIOCLEX = 0x5451;

function ioctl(s: Sys, a: readonly bigint[]): number {
  const fd = int(a[0]!);
  const req = uint(a[1]!);
  const e = s.k.fds.entry(fd);
  if (!e) throw new SysError(EBADF);
  const f = e.file;
  switch (req) {
    case FIONCLEX:
      e.cloexec = false;
      return 0;
    case FIOCLEX:
      e.cloexec = true;
      return 0;
    case FIONBIO: {
      const on = s.mem.read32(ptr(a[2]!));
      f.flags = on ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
      return 0;
    }
    case FIONREAD: {
      if (!f.stream || f.node.type === 'chr') throw new SysError(ENOTTY);
      put32(s.mem, ptr(a[2]!), Math.min(0x7fffffff, f.stream.available(f.pos)));
      return 0;
    }
    case TCGETS:
    default:
      // No file is a terminal: isatty() is false everywhere, so stdio is fully buffered.
      throw new SysError(ENOTTY);
  }
}

// ------------------------------------------------------------------ poll / select

const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;
const POLLERR = 0x8;

/** Readiness of an fd: nothing in QVM ever blocks, so readable/writable files are always ready. */
function readiness(f: OpenFile): number {
  let r = 0;
  if (f.readable) {
    r |= POLLIN | POLLRDNORM;
    if (f.node.type === 'fifo' && f.stream && f.stream.available(0) === 0) r |= POLLHUP;
  }
  if (f.writable) r |= POLLOUT | POLLWRNORM;
  return r;
}

/** Block "forever": nothing can ever become ready in a single-threaded run, so the run ends. */
function blockedForever(s: Sys, what: string): number {
  s.k.end('deadlock', `program blocked forever in ${what}`);
  return 0;
}

function pollCore(s: Sys, addr: number, nfds: number, timeoutNs: bigint | null, what: string): number {
  if (nfds < 0 || nfds > s.k.fds.max) throw new SysError(EINVAL);
  let ready = 0;
  if (nfds > 0) {
    const r = StructReader.from(s.mem, addr, nfds * 8);
    const w = new StructWriter(nfds * 8);
    w.bytes.set(r.bytes);
    for (let i = 0; i < nfds; i++) {
      const fd = r.i32(i * 8);
      const events = r.u16(i * 8 + 4);
      let rev = 0;
      if (fd >= 0) {
        const e = s.k.fds.entry(fd);
        rev = e ? readiness(e.file) & (events | POLLERR | POLLHUP) : POLLNVAL;
      }
      w.u16(i * 8 + 6, rev);
      if (rev) ready++;
    }
    w.to(s.mem, addr);
  }
  return ready > 0 ? ready : waitWithNoneReady(s, nfds, timeoutNs, what);
}

/** poll/select found nothing ready: sleep out the timeout, or wait for a signal when there is none. */
function waitWithNoneReady(s: Sys, nfds: number, timeoutNs: bigint | null, what: string): number {
  if (timeoutNs === null && nfds === 0 && what === 'ppoll') {
    // no descriptor and no timeout: only a signal ends the wait (riscv64 glibc's pause())
    s.k.sched.block(s.th, { what, deadline: null, onTimeout: -BigInt(EINTR), restartable: false, forSignal: true });
    return 0;
  }
  if (timeoutNs === null) return blockedForever(s, what);
  sleepFor(s, timeoutNs);
  return 0;
}

function poll(s: Sys, a: readonly bigint[]): number {
  const ms = int(a[2]!);
  return pollCore(s, ptr(a[0]!), int(a[1]!), ms < 0 ? null : BigInt(ms) * 1_000_000n, 'poll');
}

function ppoll(s: Sys, a: readonly bigint[]): number {
  const tp = ptr(a[2]!);
  return pollCore(s, ptr(a[0]!), int(a[1]!), tp === 0 ? null : readTimespec(s, tp), 'ppoll');
}

function selectCore(s: Sys, a: readonly bigint[], timeoutNs: bigint | null, what: string): number {
  let nfds = int(a[0]!);
  if (nfds < 0) throw new SysError(EINVAL);
  nfds = Math.min(nfds, s.k.fds.max);
  const words = Math.ceil(nfds / 64);
  const sets = [ptr(a[1]!), ptr(a[2]!), ptr(a[3]!)];
  const bits = sets.map((p) => (p === 0 || words === 0 ? null : StructReader.from(s.mem, p, words * 8)));
  const out = sets.map(() => new StructWriter(words * 8));
  let ready = 0;
  for (let fd = 0; fd < nfds; fd++) {
    const byte = fd >> 3;
    const bit = 1 << (fd & 7);
    const wanted = bits.map((b) => b !== null && (b.u8(byte) & bit) !== 0);
    if (!wanted.some((x) => x)) continue;
    const e = s.k.fds.entry(fd);
    if (!e) throw new SysError(EBADF);
    const r = readiness(e.file);
    const got = [wanted[0] && r & POLLIN, wanted[1] && r & POLLOUT, false];
    got.forEach((g, i) => {
      if (g) {
        out[i]!.u8(byte, out[i]!.bytes[byte]! | bit);
        ready++;
      }
    });
  }
  sets.forEach((p, i) => {
    if (p !== 0 && words > 0) out[i]!.to(s.mem, p);
  });
  return ready > 0 ? ready : waitWithNoneReady(s, nfds, timeoutNs, what);
}

function select(s: Sys, a: readonly bigint[]): number {
  const tp = ptr(a[4]!);
  let timeout: bigint | null = null;
  if (tp !== 0) {
    const r = StructReader.from(s.mem, tp, 16);
    const sec = r.i64(0);
    const usec = r.i64(8);
    if (sec < 0n || usec < 0n || usec >= 1_000_000n) throw new SysError(EINVAL);
    timeout = sec * 1_000_000_000n + usec * 1000n;
  }
  const n = selectCore(s, a, timeout, 'select');
  if (tp !== 0 && n === 0 && !s.k.killed) new StructWriter(16).to(s.mem, tp); // Linux: time left = 0
  return n;
}

function pselect6(s: Sys, a: readonly bigint[]): number {
  const tp = ptr(a[4]!);
  return selectCore(s, a, tp === 0 ? null : readTimespec(s, tp), 'pselect6');
}

// ------------------------------------------------------------------ sendfile, sync, truncate

function sendfile(s: Sys, a: readonly bigint[]): number {
  const out = fileArg(s, a[0]!);
  const inp = fileArg(s, a[1]!);
  const offAddr = ptr(a[2]!);
  let count = Math.min(size(a[3]!), MAX_RW);
  if (!inp.readable || !out.writable || !inp.stream || !out.stream) throw new SysError(EBADF);
  if (out.flags & O_APPEND) throw new SysError(EINVAL);
  if (inp.stream.seek === 'stream' && offAddr !== 0) throw new SysError(ESPIPE);
  let pos = offAddr !== 0 ? Number(StructReader.from(s.mem, offAddr, 8).i64(0)) : inp.pos;
  if (pos < 0) throw new SysError(EINVAL);
  let done = 0;
  const CHUNK = 1 << 20;
  while (count > 0) {
    const data = inp.stream.read(pos, Math.min(CHUNK, count));
    if (data.length === 0) break;
    const outPos = out.stream.seek === 'file' ? out.pos : 0;
    const w = out.stream.write(outPos, data);
    if (out.stream.seek === 'file') out.pos += w;
    if (inp.stream.seek === 'file') pos += w;
    done += w;
    count -= w;
    if (w < data.length || s.k.killed) break;
  }
  if (offAddr !== 0) put64(s.mem, offAddr, pos);
  else if (inp.stream.seek === 'file') inp.pos = pos;
  s.k.gas += copyGas(done);
  return done;
}

function fdOnly(s: Sys, a: readonly bigint[]): number {
  fileArg(s, a[0]!);
  return 0;
}

function fadvise64(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  if (f.node.type === 'fifo') throw new SysError(ESPIPE);
  const advice = int(a[3]!);
  if (advice < 0 || advice > 5) throw new SysError(EINVAL);
  return 0;
}

function readahead(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  if (!f.readable) throw new SysError(EBADF);
  if (!(f.node instanceof FileNode)) throw new SysError(EINVAL);
  return 0;
}

function ftruncate(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  const len = i64(a[1]!);
  if (len < 0n) throw new SysError(EINVAL);
  if (!f.writable || !(f.node instanceof FileNode)) throw new SysError(EINVAL);
  f.node.truncate(Number(len));
  return 0;
}

function fallocate(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  const mode = int(a[1]!);
  const off = i64(a[2]!);
  const len = i64(a[3]!);
  if (off < 0n || len <= 0n) throw new SysError(EINVAL);
  if (!f.writable) throw new SysError(EBADF);
  if (f.node instanceof DirNode) throw new SysError(EISDIR);
  if (!(f.node instanceof FileNode)) throw new SysError(ENODEV);
  if (mode !== 0) throw new SysError(EOPNOTSUPP);
  const end = Number(off + len);
  if (end > f.node.size()) f.node.truncate(end);
  return 0;
}

export const fsSyscalls: SyscallGroup = {
  open: [open, 'sxo'],
  openat: [openat, 'fsxo'],
  openat2: [openat2, 'fspu'],
  creat: [creat, 'so'],
  close: [close, 'd'],
  close_range: [close_range, 'ddx'],
  memfd_create: [memfd_create, 'sx'],
  dup: [dup, 'd'],
  dup2: [dup2, 'dd'],
  dup3: [dup3, 'ddx'],
  fcntl: [fcntl, 'ddx'],
  read: [read, 'dpu'],
  write: [write, 'dpu'],
  pread64: [pread64, 'dpul'],
  pwrite64: [pwrite64, 'dpul'],
  readv: [readv, 'dpd'],
  writev: [writev, 'dpd'],
  preadv: [preadv, 'dpdl'],
  pwritev: [pwritev, 'dpdl'],
  preadv2: [preadv2, 'dpdlx'],
  pwritev2: [pwritev2, 'dpdlx'],
  lseek: [lseek, 'dld'],
  getdents: [getdents, 'dpu'],
  getdents64: [getdents64, 'dpu'],
  ioctl: [ioctl, 'dxp'],
  poll: [poll, 'pud'],
  ppoll: [ppoll, 'pdppu'],
  select: [select, 'dpppp'],
  pselect6: [pselect6, 'dppppp'],
  sendfile: [sendfile, 'ddpu'],
  fsync: [fdOnly, 'd'],
  fdatasync: [fdOnly, 'd'],
  syncfs: [fdOnly, 'd'],
  flock: [fdOnly, 'dd'],
  sync: [() => 0, ''],
  sync_file_range: [fdOnly, 'dllx'],
  fadvise64: [fadvise64, 'dlld'],
  readahead: [readahead, 'dlu'],
  ftruncate: [ftruncate, 'dl'],
  fallocate: [fallocate, 'dxll'],
};
