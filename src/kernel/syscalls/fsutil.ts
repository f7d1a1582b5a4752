/**
 * Helpers shared by the file system calls: resolving (dirfd, path) pairs, permission checks,
 * struct stat / statx encoding, and the read/write paths that move data between streams and the
 * guest (with their gas).
 */
import { MemoryFault, PROT_READ } from '../../mem/memory.js';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFREG,
  UID,
} from '../constants.js';
import { EACCES, EBADF, EFAULT, EISDIR, ENOENT, ENOTDIR, EPERM, EROFS, ESPIPE, SysError } from '../errno.js';
import { copyGas } from '../gas.js';
import { accessible, checkWritable, int, readPath, StructWriter } from '../guest.js';
import type { OpenFile } from '../vfs/fdtable.js';
import { DirNode, type Inode, type Stream } from '../vfs/inode.js';
import { type Lookup, type PathStack, permits } from '../vfs/vfs.js';
import type { Sys } from './types.js';

/** Linux's MAX_RW_COUNT: the most one read/write transfers. */
export const MAX_RW = 0x7ffff000;
/** Reads from devices (/dev/zero, /dev/urandom) return at most this much per call. */
export const MAX_DEVICE_READ = 1 << 24;
/** Guest data moves in chunks of this size (bounds host memory per step). */
const CHUNK = 1 << 20;

/**
 * A path argument from guest memory (EFAULT, ENAMETOOLONG). When tracing, the string is remembered
 * so the trace line can show it without reading guest memory itself.
 */
export function pathArg(s: Sys, addr: number): string {
  const path = readPath(s.mem, addr);
  if (s.k.trace) s.k.tracePaths.set(addr, path);
  return path;
}

/** The directory chain a relative path starts from: cwd for AT_FDCWD, else the directory fd's. */
export function baseOf(s: Sys, dirfd: number): PathStack {
  if (dirfd === AT_FDCWD) return s.k.cwd;
  const e = s.k.fds.entry(dirfd);
  if (!e) throw new SysError(EBADF);
  if (!(e.file.node instanceof DirNode)) throw new SysError(ENOTDIR);
  return e.file.stack;
}

/**
 * Resolve (dirfd, path). The dirfd is only consulted for relative paths (as in Linux, a bad dirfd
 * with an absolute path is not an error).
 */
export function lookupAt(
  s: Sys,
  dirfd: number,
  path: string,
  opts: { follow: boolean; allowMissing?: boolean },
): Lookup {
  if (path.length === 0) throw new SysError(ENOENT);
  const base = path.charCodeAt(0) === 47 ? s.k.cwd : baseOf(s, dirfd);
  return s.k.vfs.walk(path, base, opts);
}

/**
 * The node a stat-like call (dirfd, path, AT_EMPTY_PATH, follow) names. An empty path with
 * AT_EMPTY_PATH means dirfd itself (which need not be a directory).
 */
export function nodeAt(s: Sys, dirfd: number, pathAddr: number, flags: number, follow: boolean): Inode {
  const path = pathAddr === 0 && flags & AT_EMPTY_PATH ? '' : pathArg(s, pathAddr);
  if (path.length === 0) {
    if (!(flags & AT_EMPTY_PATH)) throw new SysError(ENOENT);
    if (dirfd === AT_FDCWD) return s.k.cwd[s.k.cwd.length - 1]!.node;
    return s.k.fds.file(dirfd).node;
  }
  return lookupAt(s, dirfd, path, { follow }).node!;
}

/** Does the node live on a read-only file system (for writes to files, directories, links)? */
export function readOnlyFs(node: Inode): boolean {
  return node.sb.readOnly && (node.type === 'file' || node.type === 'dir' || node.type === 'symlink');
}

/** EROFS / EACCES unless the program may access node with mask (4 r, 2 w, 1 x). */
export function checkAccess(node: Inode, mask: number): void {
  if (mask & 2 && readOnlyFs(node)) throw new SysError(EROFS);
  if (!permits(node, mask)) throw new SysError(EACCES);
}

/** The program may add or remove entries in dir (write + search permission). */
export function checkDirWritable(dir: Inode): void {
  if (!(dir instanceof DirNode)) throw new SysError(ENOTDIR);
  checkAccess(dir, 3);
}

/** Sticky directories (/tmp): only the owner of an entry (or of the directory) may remove it. */
export function checkSticky(dir: Inode, victim: Inode): void {
  if (dir.mode & 0o1000 && victim.uid !== UID && dir.uid !== UID) throw new SysError(EPERM);
}

/** Owner-only operations (chmod, utimes with explicit times). */
export function checkOwner(node: Inode): void {
  if (readOnlyFs(node)) throw new SysError(EROFS);
  if (node.uid !== UID) throw new SysError(EPERM);
}

export function typeBits(node: Inode): number {
  switch (node.type) {
    case 'file':
      return S_IFREG;
    case 'dir':
      return S_IFDIR;
    case 'symlink':
      return S_IFLNK;
    case 'chr':
      return S_IFCHR;
    case 'fifo':
      return S_IFIFO;
  }
}

const NS = 1_000_000_000n;
const secs = (t: bigint): bigint => (t >= 0n ? t / NS : -((-t + NS - 1n) / NS));
const nsecs = (t: bigint): bigint => t - secs(t) * NS;

function blocks(node: Inode): number {
  return node.type === 'file' ? Math.ceil(node.size() / 4096) * 8 : 0;
}

/**
 * Where struct stat's fields differ: x86-64's own 144-byte layout (nlink 64-bit, before mode) and
 * the 128-byte asm-generic one riscv64 uses (mode, then a 32-bit nlink). dev, ino, size, blksize
 * (an int and its zero padding in the generic layout), blocks and the times are at the same offsets.
 */
const STAT_LAYOUTS = {
  x86_64: { size: 144, nlink: 16, nlink64: true, mode: 24, uid: 28, gid: 32, rdev: 40 },
  generic: { size: 128, nlink: 20, nlink64: false, mode: 16, uid: 24, gid: 28, rdev: 32 },
} as const;

/** struct stat as the calling architecture lays it out. */
export function writeStat(s: Sys, addr: number, node: Inode): void {
  const l = s.k.arch === 'x86_64' ? STAT_LAYOUTS.x86_64 : STAT_LAYOUTS.generic;
  const w = new StructWriter(l.size)
    .u64(0, node.sb.dev)
    .u64(8, node.ino)
    .u32(l.mode, typeBits(node) | node.mode)
    .u32(l.uid, node.uid)
    .u32(l.gid, node.gid)
    .u64(l.rdev, node.rdev)
    .i64(48, node.size())
    .i64(56, 4096)
    .i64(64, blocks(node));
  if (l.nlink64) w.u64(l.nlink, node.nlink);
  else w.u32(l.nlink, node.nlink);
  w.i64(72, secs(node.atime)).i64(80, nsecs(node.atime));
  w.i64(88, secs(node.mtime)).i64(96, nsecs(node.mtime));
  w.i64(104, secs(node.ctime)).i64(112, nsecs(node.ctime));
  w.to(s.mem, addr);
}

export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;
export const STATX_MNT_ID = 0x1000;

/** struct statx (256 bytes, the same on every architecture). */
export function writeStatx(s: Sys, addr: number, node: Inode): void {
  const w = new StructWriter(256)
    .u32(0, STATX_BASIC_STATS | STATX_MNT_ID)
    .u32(4, 4096)
    .u64(8, 0)
    .u32(16, node.nlink)
    .u32(20, node.uid)
    .u32(24, node.gid)
    .u16(28, typeBits(node) | node.mode)
    .u64(32, node.ino)
    .u64(40, node.size())
    .u64(48, blocks(node))
    .u64(56, 0);
  const ts = (off: number, t: bigint): void => {
    w.i64(off, secs(t)).u32(off + 8, Number(nsecs(t)));
  };
  ts(64, node.atime);
  ts(96, node.ctime);
  ts(112, node.mtime);
  w.u32(128, (node.rdev >> 8) & 0xfff).u32(132, (node.rdev & 0xff) | ((node.rdev >> 12) & ~0xff));
  w.u32(136, 0).u32(140, node.sb.dev);
  w.u64(144, node.sb.dev);
  w.to(s.mem, addr);
}

/** The file descriptor in a (raw) argument, as an OpenFile, or EBADF. */
export function fileArg(s: Sys, a: bigint): OpenFile {
  return s.k.fds.file(int(a));
}

/** EBADF unless readable; EISDIR for directories. */
function readableStream(f: OpenFile): Stream {
  if (!f.readable) throw new SysError(EBADF);
  if (f.node instanceof DirNode) throw new SysError(EISDIR);
  if (!f.stream) throw new SysError(EBADF);
  return f.stream;
}

function writableStream(f: OpenFile): Stream {
  if (!f.writable || !f.stream) throw new SysError(EBADF);
  return f.stream;
}

/**
 * read(2) core: read up to len bytes into guest memory at buf, from `pos` (positional) or the
 * file position. The guest buffer is checked before any data is consumed, so a bad buffer gives
 * EFAULT without losing stdin or random bytes.
 */
export function readInto(s: Sys, f: OpenFile, buf: number, len: number, pos: number | null): number {
  const stream = readableStream(f);
  if (pos !== null && stream.seek === 'stream') throw new SysError(ESPIPE);
  len = Math.min(len, MAX_RW);
  if (len === 0) return 0;
  const at = pos ?? (stream.seek === 'file' ? f.pos : 0);
  const want = stream.seek === 'device' ? Math.min(len, MAX_DEVICE_READ) : Math.min(len, stream.available(at));
  if (want === 0) return 0;
  checkWritable(s.mem, buf, want);
  let done = 0;
  while (done < want) {
    const data = stream.read(at + done, Math.min(CHUNK, want - done));
    if (data.length === 0) break;
    s.mem.write(buf + done, data);
    done += data.length;
  }
  if (pos === null && stream.seek === 'file') f.pos += done;
  s.k.gas += copyGas(done);
  return done;
}

/**
 * write(2) core: write len bytes from guest memory at buf, at `pos` (positional) or the file
 * position (end of file with O_APPEND). A fault part-way returns the bytes written so far.
 */
export function writeFrom(s: Sys, f: OpenFile, buf: number, len: number, pos: number | null, append: boolean): number {
  const stream = writableStream(f);
  if (pos !== null && stream.seek === 'stream') throw new SysError(ESPIPE);
  len = Math.min(len, MAX_RW);
  if (len === 0) return 0;
  if (!accessible(s.mem, buf, Math.min(len, CHUNK), PROT_READ)) throw new SysError(EFAULT);
  let at = pos ?? (stream.seek === 'file' ? f.pos : 0);
  if (pos === null && append && stream.seek === 'file') at = f.node.size();
  let done = 0;
  try {
    while (done < len) {
      const n = Math.min(CHUNK, len - done);
      const data = s.mem.read(buf + done, n);
      s.k.gas += copyGas(n);
      const w = stream.write(at + done, data);
      done += w;
      if (w < n || s.k.killed) break;
    }
  } catch (e) {
    // A fault or error after some bytes went out: report the short write, as Linux does.
    if (done === 0 || !(e instanceof SysError || e instanceof MemoryFault)) throw e;
  }
  if (pos === null && stream.seek === 'file') f.pos = at + done;
  return done;
}
