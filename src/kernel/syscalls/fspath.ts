/**
 * Path system calls: stat family, access, readlink, unlink/rmdir, mkdir, rename, link, symlink,
 * chmod/chown, utimensat, truncate, getcwd/chdir, umask, statfs.
 */
import {
  AT_EACCESS,
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_NO_AUTOMOUNT,
  AT_REMOVEDIR,
  AT_STATX_SYNC_TYPE,
  AT_SYMLINK_FOLLOW,
  AT_SYMLINK_NOFOLLOW,
  GID,
  UID,
} from '../constants.js';
import {
  EBADF,
  EBUSY,
  EEXIST,
  EINVAL,
  EISDIR,
  ENOENT,
  ENOTDIR,
  ENOTEMPTY,
  EPERM,
  ERANGE,
  EXDEV,
  SysError,
} from '../errno.js';
import { copyGas } from '../gas.js';
import { bytesOf, i64, int, ptr, size, StructReader, StructWriter, uint } from '../guest.js';
import { DirNode, FileNode, type Inode, MemDir, SymlinkNode } from '../vfs/inode.js';
import { type Lookup, pathOf, permits } from '../vfs/vfs.js';
import {
  checkAccess,
  checkDirWritable,
  checkOwner,
  checkSticky,
  fileArg,
  lookupAt,
  nodeAt,
  pathArg,
  readOnlyFs,
  writeStat,
  writeStatx,
} from './fsutil.js';
import type { Sys, SyscallGroup } from './types.js';

// ------------------------------------------------------------------ stat

function stat(s: Sys, a: readonly bigint[]): number {
  writeStat(s, ptr(a[1]!), nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, true));
  return 0;
}

function lstat(s: Sys, a: readonly bigint[]): number {
  writeStat(s, ptr(a[1]!), nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, false));
  return 0;
}

function fstat(s: Sys, a: readonly bigint[]): number {
  writeStat(s, ptr(a[1]!), fileArg(s, a[0]!).node);
  return 0;
}

function newfstatat(s: Sys, a: readonly bigint[]): number {
  const flags = int(a[3]!);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) throw new SysError(EINVAL);
  writeStat(s, ptr(a[2]!), nodeAt(s, int(a[0]!), ptr(a[1]!), flags, !(flags & AT_SYMLINK_NOFOLLOW)));
  return 0;
}

function statx(s: Sys, a: readonly bigint[]): number {
  const flags = int(a[2]!);
  const mask = uint(a[3]!);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) throw new SysError(EINVAL);
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE || mask & 0x80000000) throw new SysError(EINVAL);
  writeStatx(s, ptr(a[4]!), nodeAt(s, int(a[0]!), ptr(a[1]!), flags, !(flags & AT_SYMLINK_NOFOLLOW)));
  return 0;
}

// ------------------------------------------------------------------ access

function accessCommon(s: Sys, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (mode & ~7) throw new SysError(EINVAL);
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new SysError(EINVAL);
  const node = nodeAt(s, dirfd, pathAddr, flags, !(flags & AT_SYMLINK_NOFOLLOW));
  if (mode !== 0) checkAccess(node, mode);
  return 0;
}

function access(s: Sys, a: readonly bigint[]): number {
  return accessCommon(s, AT_FDCWD, ptr(a[0]!), int(a[1]!), 0);
}

function faccessat(s: Sys, a: readonly bigint[]): number {
  return accessCommon(s, int(a[0]!), ptr(a[1]!), int(a[2]!), 0);
}

function faccessat2(s: Sys, a: readonly bigint[]): number {
  return accessCommon(s, int(a[0]!), ptr(a[1]!), int(a[2]!), int(a[3]!));
}

// ------------------------------------------------------------------ readlink

function readlinkCommon(s: Sys, dirfd: number, pathAddr: number, buf: number, bufsize: number): number {
  if (bufsize <= 0 || bufsize > 0x7fffffff) throw new SysError(EINVAL);
  const path = pathArg(s, pathAddr);
  const node = lookupAt(s, dirfd, path, { follow: false }).node!;
  if (!(node instanceof SymlinkNode)) throw new SysError(EINVAL);
  const target = bytesOf(node.target());
  const n = Math.min(target.length, bufsize);
  s.mem.write(buf, target.subarray(0, n));
  s.k.gas += copyGas(n);
  return n;
}

function readlink(s: Sys, a: readonly bigint[]): number {
  return readlinkCommon(s, AT_FDCWD, ptr(a[0]!), ptr(a[1]!), int(a[2]!));
}

function readlinkat(s: Sys, a: readonly bigint[]): number {
  return readlinkCommon(s, int(a[0]!), ptr(a[1]!), ptr(a[2]!), int(a[3]!));
}

// ------------------------------------------------------------------ unlink / rmdir / mkdir

function parentDir(L: Lookup): DirNode {
  return L.parent[L.parent.length - 1]!.node as DirNode;
}

function removeEntry(dir: DirNode, name: string, node: Inode): void {
  dir.unlinkEntry(name);
  node.nlink = node.type === 'dir' ? 0 : node.nlink - 1;
  node.ctime = node.sb.now();
  node.released();
}

function unlinkPath(s: Sys, dirfd: number, path: string): number {
  const L = lookupAt(s, dirfd, path, { follow: false });
  const node = L.node!;
  if (node.type === 'dir') throw new SysError(EISDIR);
  const dir = parentDir(L);
  checkDirWritable(dir);
  checkSticky(dir, node);
  removeEntry(dir, L.name, node);
  return 0;
}

function rmdirPath(s: Sys, dirfd: number, path: string): number {
  const L = lookupAt(s, dirfd, path, { follow: false });
  const node = L.node!;
  if (L.name === '.') throw new SysError(EINVAL);
  if (L.name === '..') throw new SysError(ENOTEMPTY);
  if (!(node instanceof DirNode)) throw new SysError(ENOTDIR);
  if (L.stack.length <= 1) throw new SysError(EBUSY);
  const dir = parentDir(L);
  checkDirWritable(dir);
  checkSticky(dir, node);
  if (node.names().length > 0) throw new SysError(ENOTEMPTY);
  if (node.sb !== dir.sb) throw new SysError(EBUSY); // a mount point
  removeEntry(dir, L.name, node);
  return 0;
}

function unlink(s: Sys, a: readonly bigint[]): number {
  return unlinkPath(s, AT_FDCWD, pathArg(s, ptr(a[0]!)));
}

function rmdir(s: Sys, a: readonly bigint[]): number {
  return rmdirPath(s, AT_FDCWD, pathArg(s, ptr(a[0]!)));
}

function unlinkat(s: Sys, a: readonly bigint[]): number {
  const flags = int(a[2]!);
  if (flags & ~AT_REMOVEDIR) throw new SysError(EINVAL);
  const path = pathArg(s, ptr(a[1]!));
  return flags & AT_REMOVEDIR ? rmdirPath(s, int(a[0]!), path) : unlinkPath(s, int(a[0]!), path);
}

function mkdirPath(s: Sys, dirfd: number, path: string, mode: number): number {
  const L = lookupAt(s, dirfd, path, { follow: false, allowMissing: true });
  if (L.node) throw new SysError(EEXIST);
  const dir = parentDir(L);
  checkDirWritable(dir);
  dir.link(L.name, new MemDir(dir.sb, { mode: mode & ~s.k.umask & 0o1777, uid: UID, gid: GID }));
  return 0;
}

function mkdir(s: Sys, a: readonly bigint[]): number {
  return mkdirPath(s, AT_FDCWD, pathArg(s, ptr(a[0]!)), uint(a[1]!));
}

function mkdirat(s: Sys, a: readonly bigint[]): number {
  return mkdirPath(s, int(a[0]!), pathArg(s, ptr(a[1]!)), uint(a[2]!));
}

// ------------------------------------------------------------------ rename / link / symlink

const RENAME_NOREPLACE = 1;
const RENAME_EXCHANGE = 2;

function renamePaths(s: Sys, olddirfd: number, oldPath: string, newdirfd: number, newPath: string, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) || (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE)) {
    throw new SysError(EINVAL);
  }
  const src = lookupAt(s, olddirfd, oldPath, { follow: false });
  const dst = lookupAt(s, newdirfd, newPath, { follow: false, allowMissing: true });
  const node = src.node!;
  if (src.name === '.' || src.name === '..' || src.stack.length <= 1) throw new SysError(EBUSY);
  if (dst.name === '.' || dst.name === '..' || (dst.node && dst.stack.length <= 1)) throw new SysError(EBUSY);
  const sdir = parentDir(src);
  const ddir = parentDir(dst);
  if (sdir.sb !== ddir.sb || node.sb !== ddir.sb) throw new SysError(EXDEV);
  checkDirWritable(sdir);
  checkDirWritable(ddir);
  checkSticky(sdir, node);
  const victim = dst.node;
  if (victim === node) return 0;
  if (flags & RENAME_EXCHANGE) {
    if (!victim) throw new SysError(ENOENT);
    sdir.unlinkEntry(src.name);
    ddir.unlinkEntry(dst.name);
    sdir.link(src.name, victim);
    ddir.link(dst.name, node);
    return 0;
  }
  if (victim && flags & RENAME_NOREPLACE) throw new SysError(EEXIST);
  if (node instanceof DirNode) {
    // A directory cannot move below itself.
    if (dst.parent.some((e) => e.node === node)) throw new SysError(EINVAL);
    if (victim && !(victim instanceof DirNode)) throw new SysError(ENOTDIR);
    if (victim instanceof DirNode && victim.names().length > 0) throw new SysError(ENOTEMPTY);
  } else if (victim instanceof DirNode) {
    throw new SysError(EISDIR);
  }
  if (victim) {
    checkSticky(ddir, victim);
    removeEntry(ddir, dst.name, victim);
  }
  sdir.unlinkEntry(src.name);
  ddir.link(dst.name, node);
  node.ctime = node.sb.now();
  return 0;
}

function rename(s: Sys, a: readonly bigint[]): number {
  return renamePaths(s, AT_FDCWD, pathArg(s, ptr(a[0]!)), AT_FDCWD, pathArg(s, ptr(a[1]!)), 0);
}

function renameat(s: Sys, a: readonly bigint[]): number {
  return renamePaths(s, int(a[0]!), pathArg(s, ptr(a[1]!)), int(a[2]!), pathArg(s, ptr(a[3]!)), 0);
}

function renameat2(s: Sys, a: readonly bigint[]): number {
  return renamePaths(s, int(a[0]!), pathArg(s, ptr(a[1]!)), int(a[2]!), pathArg(s, ptr(a[3]!)), uint(a[4]!));
}

function linkPaths(s: Sys, olddirfd: number, oldPath: string, newdirfd: number, newPath: string, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) throw new SysError(EINVAL);
  const node = lookupAt(s, olddirfd, oldPath, { follow: (flags & AT_SYMLINK_FOLLOW) !== 0 }).node!;
  const dst = lookupAt(s, newdirfd, newPath, { follow: false, allowMissing: true });
  if (dst.node) throw new SysError(EEXIST);
  if (node instanceof DirNode) throw new SysError(EPERM);
  const ddir = parentDir(dst);
  if (node.sb !== ddir.sb) throw new SysError(EXDEV);
  checkDirWritable(ddir);
  if (node.nlink === 0) throw new SysError(ENOENT);
  ddir.link(dst.name, node);
  node.nlink++;
  node.ctime = node.sb.now();
  return 0;
}

function link(s: Sys, a: readonly bigint[]): number {
  return linkPaths(s, AT_FDCWD, pathArg(s, ptr(a[0]!)), AT_FDCWD, pathArg(s, ptr(a[1]!)), 0);
}

function linkat(s: Sys, a: readonly bigint[]): number {
  return linkPaths(s, int(a[0]!), pathArg(s, ptr(a[1]!)), int(a[2]!), pathArg(s, ptr(a[3]!)), int(a[4]!));
}

function symlinkPath(s: Sys, target: string, dirfd: number, path: string): number {
  if (target.length === 0) throw new SysError(ENOENT);
  const dst = lookupAt(s, dirfd, path, { follow: false, allowMissing: true });
  if (dst.node) throw new SysError(EEXIST);
  const ddir = parentDir(dst);
  checkDirWritable(ddir);
  ddir.link(dst.name, new SymlinkNode(ddir.sb, { mode: 0o777, uid: UID, gid: GID }, () => target));
  return 0;
}

function symlink(s: Sys, a: readonly bigint[]): number {
  return symlinkPath(s, pathArg(s, ptr(a[0]!)), AT_FDCWD, pathArg(s, ptr(a[1]!)));
}

function symlinkat(s: Sys, a: readonly bigint[]): number {
  return symlinkPath(s, pathArg(s, ptr(a[0]!)), int(a[1]!), pathArg(s, ptr(a[2]!)));
}

// ------------------------------------------------------------------ chmod / chown / times

function setMode(node: Inode, mode: number): number {
  checkOwner(node);
  node.mode = mode & 0o7777;
  node.ctime = node.sb.now();
  return 0;
}

function chmod(s: Sys, a: readonly bigint[]): number {
  return setMode(nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, true), uint(a[1]!));
}

function fchmod(s: Sys, a: readonly bigint[]): number {
  return setMode(fileArg(s, a[0]!).node, uint(a[1]!));
}

function fchmodat(s: Sys, a: readonly bigint[]): number {
  return setMode(nodeAt(s, int(a[0]!), ptr(a[1]!), 0, true), uint(a[2]!));
}

function fchmodat2(s: Sys, a: readonly bigint[]): number {
  const flags = int(a[3]!);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new SysError(EINVAL);
  const node = nodeAt(s, int(a[0]!), ptr(a[1]!), flags, !(flags & AT_SYMLINK_NOFOLLOW));
  if (node.type === 'symlink') throw new SysError(95 /* EOPNOTSUPP */);
  return setMode(node, uint(a[2]!));
}

/** Without privileges: only the owner may chown, only to itself and to a group it is in. */
function setOwner(node: Inode, uidArg: bigint, gidArg: bigint): number {
  const uid = uint(uidArg);
  const gid = uint(gidArg);
  if (readOnlyFs(node)) throw new SysError(30 /* EROFS */);
  const NONE = 0xffffffff;
  if (uid !== NONE && uid !== node.uid) throw new SysError(EPERM);
  if (gid !== NONE && gid !== node.gid) {
    if (node.uid !== UID || gid !== GID) throw new SysError(EPERM);
    node.gid = gid;
  }
  node.ctime = node.sb.now();
  return 0;
}

function chown(s: Sys, a: readonly bigint[]): number {
  return setOwner(nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, true), a[1]!, a[2]!);
}

function lchown(s: Sys, a: readonly bigint[]): number {
  return setOwner(nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, false), a[1]!, a[2]!);
}

function fchown(s: Sys, a: readonly bigint[]): number {
  return setOwner(fileArg(s, a[0]!).node, a[1]!, a[2]!);
}

function fchownat(s: Sys, a: readonly bigint[]): number {
  const flags = int(a[4]!);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new SysError(EINVAL);
  return setOwner(nodeAt(s, int(a[0]!), ptr(a[1]!), flags, !(flags & AT_SYMLINK_NOFOLLOW)), a[2]!, a[3]!);
}

const UTIME_NOW = (1n << 30n) - 1n;
const UTIME_OMIT = (1n << 30n) - 2n;

function utimensat(s: Sys, a: readonly bigint[]): number {
  const dirfd = int(a[0]!);
  const pathAddr = ptr(a[1]!);
  const timesAddr = ptr(a[2]!);
  const flags = int(a[3]!);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new SysError(EINVAL);
  let node: Inode;
  if (pathAddr === 0) {
    // futimens(): the fd itself
    if (dirfd === AT_FDCWD) throw new SysError(EBADF);
    node = s.k.fds.file(dirfd).node;
  } else {
    node = nodeAt(s, dirfd, pathAddr, flags, !(flags & AT_SYMLINK_NOFOLLOW));
  }
  const now = s.k.realtimeNanos();
  let at: bigint | null = now;
  let mt: bigint | null = now;
  let explicit = false;
  if (timesAddr !== 0) {
    const r = StructReader.from(s.mem, timesAddr, 32);
    const pick = (off: number): bigint | null => {
      const sec = r.i64(off);
      const nsec = r.i64(off + 8);
      if (nsec === UTIME_NOW) return now;
      if (nsec === UTIME_OMIT) return null;
      if (nsec < 0n || nsec >= 1_000_000_000n) throw new SysError(EINVAL);
      explicit = true;
      return sec * 1_000_000_000n + nsec;
    };
    at = pick(0);
    mt = pick(16);
  }
  if (explicit) checkOwner(node);
  else if (node.uid !== UID) checkAccess(node, 2);
  else if (readOnlyFs(node)) throw new SysError(30 /* EROFS */);
  if (at !== null) node.atime = at;
  if (mt !== null) node.mtime = mt;
  node.ctime = now;
  return 0;
}

/** utimes / futimesat / utime: the older interfaces with microseconds or seconds. */
function setTimesFromTimevals(s: Sys, dirfd: number, pathAddr: number, tvAddr: number, unit: 'timeval' | 'utimbuf'): number {
  const node = nodeAt(s, dirfd, pathAddr, 0, true);
  const now = s.k.realtimeNanos();
  if (tvAddr === 0) {
    if (node.uid !== UID) checkAccess(node, 2);
    else if (readOnlyFs(node)) throw new SysError(30 /* EROFS */);
    node.atime = now;
    node.mtime = now;
  } else {
    checkOwner(node);
    if (unit === 'utimbuf') {
      const r = StructReader.from(s.mem, tvAddr, 16);
      node.atime = r.i64(0) * 1_000_000_000n;
      node.mtime = r.i64(8) * 1_000_000_000n;
    } else {
      const r = StructReader.from(s.mem, tvAddr, 32);
      const t = (off: number): bigint => {
        const usec = r.i64(off + 8);
        if (usec < 0n || usec >= 1_000_000n) throw new SysError(EINVAL);
        return r.i64(off) * 1_000_000_000n + usec * 1000n;
      };
      node.atime = t(0);
      node.mtime = t(16);
    }
  }
  node.ctime = now;
  return 0;
}

function utimes(s: Sys, a: readonly bigint[]): number {
  return setTimesFromTimevals(s, AT_FDCWD, ptr(a[0]!), ptr(a[1]!), 'timeval');
}

function futimesat(s: Sys, a: readonly bigint[]): number {
  return setTimesFromTimevals(s, int(a[0]!), ptr(a[1]!), ptr(a[2]!), 'timeval');
}

function utime(s: Sys, a: readonly bigint[]): number {
  return setTimesFromTimevals(s, AT_FDCWD, ptr(a[0]!), ptr(a[1]!), 'utimbuf');
}

// ------------------------------------------------------------------ truncate

function truncate(s: Sys, a: readonly bigint[]): number {
  const len = i64(a[1]!);
  if (len < 0n) throw new SysError(EINVAL);
  const node = nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, true);
  if (node instanceof DirNode) throw new SysError(EISDIR);
  if (!(node instanceof FileNode)) throw new SysError(EINVAL);
  checkAccess(node, 2);
  node.truncate(Number(len));
  return 0;
}

// ------------------------------------------------------------------ cwd / umask / statfs

function getcwd(s: Sys, a: readonly bigint[]): number {
  const path = bytesOf(pathOf(s.k.cwd) + '\0');
  if (size(a[1]!) < path.length) throw new SysError(ERANGE);
  s.mem.write(ptr(a[0]!), path);
  s.k.gas += copyGas(path.length);
  return path.length;
}

function chdir(s: Sys, a: readonly bigint[]): number {
  const L = lookupAt(s, AT_FDCWD, pathArg(s, ptr(a[0]!)), { follow: true });
  if (!(L.node instanceof DirNode)) throw new SysError(ENOTDIR);
  if (!permits(L.node, 1)) throw new SysError(13 /* EACCES */);
  s.k.cwd = L.stack;
  return 0;
}

function fchdir(s: Sys, a: readonly bigint[]): number {
  const f = fileArg(s, a[0]!);
  if (!(f.node instanceof DirNode)) throw new SysError(ENOTDIR);
  if (!permits(f.node, 1)) throw new SysError(13 /* EACCES */);
  s.k.cwd = f.stack.length > 0 ? f.stack : [s.k.vfs.rootEntry];
  return 0;
}

function umask(s: Sys, a: readonly bigint[]): number {
  const old = s.k.umask;
  s.k.umask = uint(a[0]!) & 0o777;
  return old;
}

/** struct statfs (120 bytes on both 64-bit architectures). */
function writeStatfs(s: Sys, addr: number, node: Inode): void {
  const sb = node.sb;
  const q = sb.quota;
  const blocks = q ? Math.floor(q.limit / 4096) : 0;
  const free = q ? Math.floor(Math.max(0, q.limit - q.used) / 4096) : 0;
  const ST_RDONLY = 1;
  new StructWriter(120)
    .i64(0, sb.magic)
    .i64(8, 4096)
    .u64(16, blocks)
    .u64(24, free)
    .u64(32, free)
    .u64(40, 0)
    .u64(48, 0)
    .u32(56, sb.dev)
    .u32(60, 0)
    .i64(64, 255)
    .i64(72, 4096)
    .i64(80, sb.readOnly ? ST_RDONLY : 0)
    .to(s.mem, addr);
}

function statfs(s: Sys, a: readonly bigint[]): number {
  writeStatfs(s, ptr(a[1]!), nodeAt(s, AT_FDCWD, ptr(a[0]!), 0, true));
  return 0;
}

function fstatfs(s: Sys, a: readonly bigint[]): number {
  writeStatfs(s, ptr(a[1]!), fileArg(s, a[0]!).node);
  return 0;
}

export const fsPathSyscalls: SyscallGroup = {
  stat: [stat, 'sp'],
  lstat: [lstat, 'sp'],
  fstat: [fstat, 'dp'],
  newfstatat: [newfstatat, 'fspx'],
  statx: [statx, 'fsxxp'],
  access: [access, 'so'],
  faccessat: [faccessat, 'fso'],
  faccessat2: [faccessat2, 'fsox'],
  readlink: [readlink, 'spu'],
  readlinkat: [readlinkat, 'fspu'],
  unlink: [unlink, 's'],
  unlinkat: [unlinkat, 'fsx'],
  rmdir: [rmdir, 's'],
  mkdir: [mkdir, 'so'],
  mkdirat: [mkdirat, 'fso'],
  rename: [rename, 'ss'],
  renameat: [renameat, 'fsfs'],
  renameat2: [renameat2, 'fsfsx'],
  link: [link, 'ss'],
  linkat: [linkat, 'fsfsx'],
  symlink: [symlink, 'ss'],
  symlinkat: [symlinkat, 'sfs'],
  chmod: [chmod, 'so'],
  fchmod: [fchmod, 'do'],
  fchmodat: [fchmodat, 'fso'],
  fchmodat2: [fchmodat2, 'fsox'],
  chown: [chown, 'sdd'],
  lchown: [lchown, 'sdd'],
  fchown: [fchown, 'ddd'],
  fchownat: [fchownat, 'fsddx'],
  utimensat: [utimensat, 'fspx'],
  utimes: [utimes, 'sp'],
  futimesat: [futimesat, 'fsp'],
  utime: [utime, 'sp'],
  truncate: [truncate, 'sl'],
  getcwd: [getcwd, 'pu'],
  chdir: [chdir, 's'],
  fchdir: [fchdir, 'd'],
  umask: [umask, 'o'],
  statfs: [statfs, 'sp'],
  fstatfs: [fstatfs, 'dp'],
};
