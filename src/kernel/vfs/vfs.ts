/**
 * The file system tree and path resolution.
 *
 * Layout of a fresh run (everything is deterministic: same tree, same inode numbers, same times):
 *
 *   /                       read-only (EROFS), root-owned 0755
 *   /bin/contract           the program itself, if the machine passed its bytes (0555)
 *   /dev/                   null, zero, full, random, urandom, stdin, stdout, stderr, fd, shm/
 *   /proc/                  self -> 1000, 1000/{exe,cwd,fd/,maps,comm}, sys/kernel/*, sys/vm/*
 *   /sys/                   devices/system/cpu/{online,possible,present,cpu0/},
 *                           kernel/mm/transparent_hugepage/{enabled,hpage_pmd_size}
 *   /tmp/                   writable (1777), bounded by limits.tmpBytes, gone after the run
 *
 * Later additions (/qvm/db, host-dir mounts) attach a DirNode with `mount(path, node)`.
 */
import type { Mapping } from '../../mem/memory.js';
import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, SysError } from '../errno.js';
import { EXE_PATH, GID, PID, UID, UNAME } from '../constants.js';
import {
  CharDevice,
  DirNode,
  FifoNode,
  GeneratedFile,
  type Inode,
  InoAllocator,
  MemDir,
  MemFile,
  ProviderDir,
  Quota,
  Superblock,
  SymlinkNode,
} from './inode.js';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
const MAX_SYMLINKS = 40;

// statfs f_type values
export const RAMFS_MAGIC = 0x858458f6;
export const TMPFS_MAGIC = 0x01021994;
export const PROC_SUPER_MAGIC = 0x9fa0;
export const SYSFS_MAGIC = 0x62656572;
export const PIPEFS_MAGIC = 0x50495045;

/** One step of a resolved path: the name it was reached by and the node. */
export interface PathEntry {
  readonly name: string;
  readonly node: Inode;
}
/** A resolved directory chain, root first. */
export type PathStack = readonly PathEntry[];

export interface Lookup {
  /** Directory chain of the final component's parent. */
  parent: PathStack;
  /** The final component as written ('.' / '..' possible; '' when the path is just "/"). */
  name: string;
  /** The final node, or null when it does not exist (only with allowMissing). */
  node: Inode | null;
  /** Chain including the final node (equal to parent when node is null). */
  stack: PathStack;
  /** The path ended with '/'. */
  trailingSlash: boolean;
}

export function pathOf(stack: PathStack): string {
  if (stack.length <= 1) return '/';
  let s = '';
  for (let i = 1; i < stack.length; i++) s += '/' + stack[i]!.name;
  return s;
}

/** What the file system needs from the kernel. */
export interface VfsHooks {
  /** Deterministic realtime clock, ns since the epoch. */
  now(): bigint;
  /** Next bytes of the run's random stream (/dev/urandom, /dev/random). */
  random(n: number): Uint8Array;
  /** Read up to n bytes of the program's stdin (empty at EOF). */
  readStdin(n: number): Uint8Array;
  stdinAvailable(): number;
  /** Append to stdout (fd 1) / stderr (fd 2); returns bytes accepted. */
  writeOutput(which: 1 | 2, data: Uint8Array): number;
  /** Guest memory mappings, for /proc/self/maps. */
  mappings(): readonly Mapping[];
  /** The open file behind an fd, for /proc/self/fd. */
  fdTarget(fd: number): { node: Inode; path: string } | null;
  openFds(): number[];
  cwd(): { node: Inode; path: string };
  threadName(): string;
}

export interface VfsOptions {
  tmpBytes: number;
  /** The program's bytes, exposed read-only as /bin/contract when given. */
  exe?: Uint8Array;
}

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

export class Vfs {
  readonly ids = new InoAllocator(1);
  readonly root: MemDir;
  readonly rootEntry: PathEntry;
  readonly tmpQuota: Quota;
  readonly rootSb: Superblock;
  readonly tmpSb: Superblock;
  readonly pipeSb: Superblock;
  /** The program's stdin, stdout and stderr (what fds 0, 1 and 2 start as). */
  readonly stdio: readonly [FifoNode, FifoNode, FifoNode];

  constructor(
    private readonly hooks: VfsHooks,
    opts: VfsOptions,
  ) {
    // no thread runs while the tree is built, so the clock stands still: one reading serves every
    // node (the same times as reading it per node, without a bigint per node and per link)
    const t0 = hooks.now();
    let building = true;
    const now = (): bigint => (building ? t0 : hooks.now());
    this.rootSb = new Superblock(this.ids, 1, RAMFS_MAGIC, true, now);
    this.tmpQuota = new Quota(opts.tmpBytes);
    this.tmpSb = new Superblock(this.ids, 2, TMPFS_MAGIC, false, now, this.tmpQuota);
    const devSb = new Superblock(this.ids, 3, TMPFS_MAGIC, false, now);
    const procSb = new Superblock(this.ids, 4, PROC_SUPER_MAGIC, true, now);
    const sysSb = new Superblock(this.ids, 5, SYSFS_MAGIC, true, now);
    this.pipeSb = new Superblock(this.ids, 6, PIPEFS_MAGIC, false, now);

    const root = new MemDir(this.rootSb, { mode: 0o755 });
    this.root = root;
    this.rootEntry = { name: '', node: root };

    // /bin
    if (opts.exe) {
      const bin = root.add('bin', new MemDir(this.rootSb, { mode: 0o755 }));
      bin.add('contract', new MemFile(this.rootSb, { mode: 0o555 }, opts.exe));
    }

    // stdio: pipe-like nodes owned by the program
    const owner = { uid: UID, gid: GID };
    this.stdio = [
      new FifoNode(this.pipeSb, { mode: 0o400, ...owner }, {
        read: (n) => hooks.readStdin(n),
        write: () => 0,
        available: () => hooks.stdinAvailable(),
      }),
      new FifoNode(this.pipeSb, { mode: 0o200, ...owner }, {
        read: () => new Uint8Array(0),
        write: (d) => hooks.writeOutput(1, d),
        available: () => 0,
      }),
      new FifoNode(this.pipeSb, { mode: 0o200, ...owner }, {
        read: () => new Uint8Array(0),
        write: (d) => hooks.writeOutput(2, d),
        available: () => 0,
      }),
    ];

    // /dev
    const dev = root.add('dev', new MemDir(devSb, { mode: 0o755 }));
    const rw = { mode: 0o666 };
    dev.add('full', new CharDevice(devSb, rw, 1, 7, {
      read: (n) => new Uint8Array(n),
      write: () => {
        throw new SysError(28 /* ENOSPC */);
      },
    }));
    dev.add('null', new CharDevice(devSb, rw, 1, 3, { read: () => new Uint8Array(0), write: (d) => d.length }));
    dev.add('random', new CharDevice(devSb, rw, 1, 8, { read: (n) => hooks.random(n), write: (d) => d.length }));
    dev.add('urandom', new CharDevice(devSb, rw, 1, 9, { read: (n) => hooks.random(n), write: (d) => d.length }));
    dev.add('zero', new CharDevice(devSb, rw, 1, 5, { read: (n) => new Uint8Array(n), write: (d) => d.length }));
    const link = (sb: Superblock, target: string): SymlinkNode => new SymlinkNode(sb, { mode: 0o777 }, () => target);
    dev.add('fd', link(devSb, '/proc/self/fd'));
    dev.add('stdin', link(devSb, '/proc/self/fd/0'));
    dev.add('stdout', link(devSb, '/proc/self/fd/1'));
    dev.add('stderr', link(devSb, '/proc/self/fd/2'));
    dev.add('shm', new MemDir(this.tmpSb, { mode: 0o1777 }));

    // /proc
    const proc = root.add('proc', new MemDir(procSb, { mode: 0o555 }));
    proc.add('self', link(procSb, String(PID)));
    const me = proc.add(String(PID), new MemDir(procSb, { mode: 0o555, ...owner }));
    me.add('exe', new SymlinkNode(procSb, { mode: 0o777, ...owner }, () => EXE_PATH));
    me.add('cwd', new SymlinkNode(procSb, { mode: 0o777, ...owner }, () => hooks.cwd().path, () => hooks.cwd().node));
    const fdLinks = new Map<number, { target: Inode; link: SymlinkNode }>();
    me.add('fd', new ProviderDir(procSb, { mode: 0o500, ...owner }, {
      list: () => hooks.openFds().map(String),
      lookup: (name) => {
        if (!/^(0|[1-9][0-9]{0,8})$/.test(name)) return null;
        const fd = Number(name);
        const t = hooks.fdTarget(fd);
        if (!t) return null;
        const cached = fdLinks.get(fd);
        if (cached && cached.target === t.node) return cached.link;
        const node = new SymlinkNode(procSb, { mode: 0o700, ...owner }, () => hooks.fdTarget(fd)?.path ?? '', () => hooks.fdTarget(fd)?.node ?? null);
        fdLinks.set(fd, { target: t.node, link: node });
        return node;
      },
    }));
    me.add('maps', new GeneratedFile(procSb, { mode: 0o444, ...owner }, () => enc(formatMaps(hooks.mappings()))));
    me.add('comm', new GeneratedFile(procSb, { mode: 0o644, ...owner }, () => enc(hooks.threadName() + '\n')));
    const fixed = (dir: MemDir, name: string, text: string): void => {
      dir.add(name, new GeneratedFile(dir.sb, { mode: 0o444 }, () => enc(text)));
    };
    const procSys = proc.add('sys', new MemDir(procSb, { mode: 0o555 }));
    const procKernel = procSys.add('kernel', new MemDir(procSb, { mode: 0o555 }));
    fixed(procKernel, 'hostname', UNAME.nodename + '\n');
    fixed(procKernel, 'osrelease', UNAME.release + '\n');
    fixed(procKernel, 'ostype', UNAME.sysname + '\n');
    fixed(procKernel, 'version', UNAME.version + '\n');
    const procVm = procSys.add('vm', new MemDir(procSb, { mode: 0o555 }));
    fixed(procVm, 'overcommit_memory', '0\n');

    // /sys
    const sys = root.add('sys', new MemDir(sysSb, { mode: 0o555 }));
    const dir = (parent: MemDir, name: string): MemDir => parent.add(name, new MemDir(sysSb, { mode: 0o755 }));
    const cpu = dir(dir(dir(sys, 'devices'), 'system'), 'cpu');
    dir(cpu, 'cpu0');
    fixed(cpu, 'online', '0\n');
    fixed(cpu, 'possible', '0\n');
    fixed(cpu, 'present', '0\n');
    const thp = dir(dir(dir(sys, 'kernel'), 'mm'), 'transparent_hugepage');
    fixed(thp, 'enabled', 'always madvise [never]\n');
    fixed(thp, 'hpage_pmd_size', '2097152\n');

    // /tmp
    root.add('tmp', new MemDir(this.tmpSb, { mode: 0o1777 }));
    building = false;
  }

  private nextDev = 7;

  /**
   * A new file system (its own st_dev) for nodes added later, e.g.
   *   const sb = vfs.newSuperblock(TMPFS_MAGIC, true);
   *   vfs.mount('/qvm/db', new ProviderDir(sb, { mode: 0o555 }, { lookup, list }));
   * where lookup(key) returns (and caches) a `new MemFile(sb, { mode: 0o444 }, valueBytes)`.
   */
  newSuperblock(magic: number, readOnly: boolean, quota: Quota | null = null): Superblock {
    return new Superblock(this.ids, this.nextDev++, magic, readOnly, () => this.hooks.now(), quota);
  }

  /**
   * Attach a directory (e.g. a ProviderDir for /qvm/db) at an absolute path, creating missing
   * parent directories (read-only, root-owned) on the way.
   */
  mount(path: string, node: DirNode): void {
    const parts = path.split('/').filter((p) => p.length > 0);
    const last = parts.pop();
    if (last === undefined) throw new Error('cannot mount over /');
    let cur: MemDir = this.root;
    for (const p of parts) {
      const next = cur.lookup(p);
      if (next instanceof MemDir) cur = next;
      else if (next === null) cur = cur.add(p, new MemDir(this.rootSb, { mode: 0o755 }));
      else throw new Error(`mount: ${p} is not a directory`);
    }
    if (cur.lookup(last)) cur.unlinkEntry(last);
    cur.link(last, node);
  }

  /**
   * Resolve a path. Relative paths start at `base` (a directory chain). `follow` decides whether a
   * symbolic link in the final component is followed (links in earlier components always are).
   * With `allowMissing`, a missing final component is not an error: `node` is null.
   */
  walk(path: string, base: PathStack, opts: { follow: boolean; allowMissing?: boolean }): Lookup {
    if (path.length === 0) throw new SysError(ENOENT);
    if (path.length >= PATH_MAX) throw new SysError(ENAMETOOLONG);
    let stack: PathEntry[] = path.charCodeAt(0) === 47 ? [this.rootEntry] : [...base];
    if (stack.length === 0) stack = [this.rootEntry];
    let comps = path.split('/').filter((c) => c.length > 0);
    const trailingSlash = path.length > 1 && path.charCodeAt(path.length - 1) === 47;
    let links = 0;
    let lastName = '';
    for (let i = 0; i < comps.length; i++) {
      const name = comps[i]!;
      const isLast = i === comps.length - 1;
      const dir = stack[stack.length - 1]!.node;
      if (!(dir instanceof DirNode)) throw new SysError(ENOTDIR);
      if (!permits(dir, 1)) throw new SysError(EACCES);
      if (name.length > NAME_MAX) throw new SysError(ENAMETOOLONG);
      lastName = name;
      if (name === '.') continue;
      if (name === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const child = dir.lookup(name);
      if (!child) {
        if (isLast && opts.allowMissing) {
          return { parent: stack, name, node: null, stack, trailingSlash };
        }
        throw new SysError(ENOENT);
      }
      if (child instanceof SymlinkNode && (!isLast || opts.follow || trailingSlash)) {
        if (++links > MAX_SYMLINKS) throw new SysError(ELOOP);
        if (child.magic) {
          const target = child.magic();
          if (!target) throw new SysError(ENOENT);
          stack.push({ name, node: target });
          continue;
        }
        const target = child.target();
        if (target.length === 0) throw new SysError(ENOENT);
        if (target.charCodeAt(0) === 47) stack = [this.rootEntry];
        comps = [...target.split('/').filter((c) => c.length > 0), ...comps.slice(i + 1)];
        i = -1;
        continue;
      }
      stack.push({ name, node: child });
    }
    const node = stack[stack.length - 1]!.node;
    if (trailingSlash && !(node instanceof DirNode)) throw new SysError(ENOTDIR);
    const parent = stack.length > 1 ? stack.slice(0, -1) : stack;
    return { parent, name: lastName, node, stack, trailingSlash };
  }
}

/**
 * Does the program (uid 1000, gid 1000, no capabilities) have `mask` (4 = read, 2 = write,
 * 1 = execute/search) on node? Read-only file systems are checked separately (EROFS).
 */
export function permits(node: Inode, mask: number): boolean {
  let bits: number;
  if (node.uid === UID) bits = (node.mode >> 6) & 7;
  else if (node.gid === GID) bits = (node.mode >> 3) & 7;
  else bits = node.mode & 7;
  return (bits & mask) === mask;
}

/** /proc/self/maps text for the guest's mappings. */
export function formatMaps(maps: readonly Mapping[]): string {
  let out = '';
  for (const m of maps) {
    const perms =
      (m.prot & 1 ? 'r' : '-') + (m.prot & 2 ? 'w' : '-') + (m.prot & 4 ? 'x' : '-') + 'p';
    const head = `${hex(m.start)}-${hex(m.end)} ${perms} 00000000 00:00 0`;
    out += m.name ? head.padEnd(73, ' ') + m.name + '\n' : head + '\n';
  }
  return out;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
