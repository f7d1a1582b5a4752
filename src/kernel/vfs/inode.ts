/**
 * The in-memory file system's building blocks.
 *
 * Every object in the tree is an `Inode`. Four kinds matter to the rest of the kernel:
 *  - `DirNode`: lookup(name) and a sorted listing; MemDir is the ordinary writable one,
 *    ProviderDir is a read-only directory whose entries come from callbacks (for /qvm/db, host-dir
 *    mounts, /proc/self/fd);
 *  - `FileNode` (regular files), `CharDevice` and `FifoNode`: `open()` gives a `Stream` that does the
 *    actual I/O;
 *  - `SymlinkNode`: a target string (computed on demand), optionally a "magic" link that resolves
 *    straight to an inode (like Linux's /proc/self/fd/N).
 *
 * Inode numbers are assigned in creation order by the file system's `InoAllocator`, so they depend
 * only on the run's own history. Times are nanoseconds since the epoch taken from the kernel's
 * deterministic realtime clock (the block timestamp for the initial tree).
 *
 * Permission checks (mode bits against the caller's uid/gid) and read-only file systems are
 * enforced by the system call layer, not here; the methods here only do the operation.
 */
import { EFBIG, EINVAL, ENOSPC, EROFS, EISDIR, SysError } from '../errno.js';

export type NodeType = 'file' | 'dir' | 'symlink' | 'chr' | 'fifo';

export class InoAllocator {
  private nextIno: number;
  constructor(first = 1) {
    this.nextIno = first;
  }
  next(): number {
    return this.nextIno++;
  }
}

/** Byte budget shared by the files of one writable file system (/tmp). */
export class Quota {
  used = 0;
  constructor(readonly limit: number) {}
}

/** Per-file-system facts shared by its inodes. */
export class Superblock {
  constructor(
    readonly ids: InoAllocator,
    /** st_dev of the inodes. */
    readonly dev: number,
    /** statfs f_type. */
    readonly magic: number,
    /** Writes are refused with EROFS. */
    readonly readOnly: boolean,
    /** Deterministic realtime clock in nanoseconds, for timestamps. */
    readonly now: () => bigint,
    readonly quota: Quota | null = null,
  ) {}
}

export interface InodeInit {
  /** Permission bits (0o7777). */
  mode: number;
  uid?: number;
  gid?: number;
}

/*
 * Inode's fields are `declare`d and set in the constructor, not class fields: a base-class field
 * initializer runs on the objects of every subclass (each with its own hidden class), which V8
 * handles on a slow path. Measured: building a run's tree took ~200 µs with class fields.
 */
export abstract class Inode {
  abstract readonly type: NodeType;
  declare readonly sb: Superblock;
  declare readonly ino: number;
  declare mode: number;
  declare uid: number;
  declare gid: number;
  declare nlink: number;
  declare rdev: number;
  declare atime: bigint;
  declare mtime: bigint;
  declare ctime: bigint;
  /** Open file descriptions that refer to this inode (storage is freed when 0 and unlinked). */
  declare openCount: number;

  constructor(sb: Superblock, init: InodeInit) {
    this.sb = sb;
    this.ino = sb.ids.next();
    this.mode = init.mode & 0o7777;
    this.uid = init.uid ?? 0;
    this.gid = init.gid ?? 0;
    this.nlink = 1;
    this.rdev = 0;
    const t = sb.now();
    this.atime = t;
    this.mtime = t;
    this.ctime = t;
    this.openCount = 0;
  }

  /** st_size. */
  size(): number {
    return 0;
  }

  /** Called when the last link is removed, and when the last open description closes. */
  released(): void {}

  touchModified(): void {
    const t = this.sb.now();
    this.mtime = t;
    this.ctime = t;
  }
}

/**
 * I/O on an open file. `seek` tells how file positions work:
 *  - 'file': positioned I/O on a sized object (regular files);
 *  - 'device': no position; lseek always returns 0 (/dev/null, /dev/zero, /dev/urandom);
 *  - 'stream': no position; lseek and pread/pwrite fail with ESPIPE (pipes, stdio).
 */
export interface Stream {
  readonly seek: 'file' | 'device' | 'stream';
  /** Up to len bytes at pos (fewer at end of file; empty = EOF). Throws SysError. */
  read(pos: number, len: number): Uint8Array;
  /** Write data at pos; returns bytes written (may be short). Throws SysError. */
  write(pos: number, data: Uint8Array): number;
  /** Bytes that a read at pos would return without blocking (FIONREAD). */
  available(pos: number): number;
}

/** Regular files. */
export abstract class FileNode extends Inode {
  readonly type = 'file' as const;
  abstract override size(): number;
  abstract read(pos: number, len: number): Uint8Array;
  write(_pos: number, _data: Uint8Array): number {
    throw new SysError(EROFS);
  }
  truncate(_len: number): void {
    throw new SysError(EROFS);
  }
  /** The stream an open() of this file uses. Generated files override this to snapshot content. */
  open(): Stream {
    return {
      seek: 'file',
      read: (pos, len) => this.read(pos, len),
      write: (pos, data) => this.write(pos, data),
      available: (pos) => Math.max(0, this.size() - pos),
    };
  }
}

/** Largest file the in-memory file system stores (also bounded by its quota). */
export const MAX_FILE_SIZE = 2 ** 31;

/** A regular file whose bytes live in memory (tmpfs files, and fixed read-only files). */
export class MemFile extends FileNode {
  private data: Uint8Array;
  private length: number;

  constructor(sb: Superblock, init: InodeInit, content: Uint8Array = new Uint8Array(0)) {
    super(sb, init);
    this.data = content;
    this.length = content.length;
    if (sb.quota) sb.quota.used += content.length;
  }

  override size(): number {
    return this.length;
  }

  /** The file's bytes (a view; do not keep across writes). */
  bytes(): Uint8Array {
    return this.data.subarray(0, this.length);
  }

  override read(pos: number, len: number): Uint8Array {
    if (pos >= this.length) return new Uint8Array(0);
    return this.data.slice(pos, Math.min(this.length, pos + len));
  }

  override write(pos: number, data: Uint8Array): number {
    if (this.sb.readOnly) throw new SysError(EROFS);
    if (data.length === 0) return 0;
    if (pos >= MAX_FILE_SIZE) throw new SysError(EFBIG);
    let n = Math.min(data.length, MAX_FILE_SIZE - pos);
    const end = pos + n;
    if (end > this.length) {
      const q = this.sb.quota;
      if (q) {
        // The file may grow by what is left of the quota; a write that does not fit is short.
        const maxEnd = this.length + Math.max(0, q.limit - q.used);
        if (end > maxEnd) {
          n = maxEnd - pos;
          if (n <= 0) throw new SysError(ENOSPC);
        }
      }
      this.resize(pos + n);
    }
    this.data.set(data.subarray(0, n), pos);
    this.touchModified();
    return n;
  }

  override truncate(len: number): void {
    if (this.sb.readOnly) throw new SysError(EROFS);
    if (len < 0) throw new SysError(EINVAL);
    if (len > MAX_FILE_SIZE) throw new SysError(EFBIG);
    const q = this.sb.quota;
    if (q && len > this.length && q.used + (len - this.length) > q.limit) throw new SysError(ENOSPC);
    this.resize(len);
    this.touchModified();
  }

  private resize(len: number): void {
    const q = this.sb.quota;
    if (q) q.used += len - this.length;
    if (len > this.data.length) {
      const cap = Math.min(MAX_FILE_SIZE, Math.max(len, this.data.length * 2, 256));
      const next = new Uint8Array(cap);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    } else if (len < this.length) {
      this.data.fill(0, len, this.length);
    }
    this.length = len;
  }

  override released(): void {
    if (this.nlink === 0 && this.openCount === 0) {
      const q = this.sb.quota;
      if (q) q.used -= this.length;
      this.data = new Uint8Array(0);
      this.length = 0;
    }
  }
}

/**
 * A read-only file whose content is produced when it is opened (/proc/self/maps and friends):
 * each open sees one consistent snapshot.
 */
export class GeneratedFile extends FileNode {
  constructor(
    sb: Superblock,
    init: InodeInit,
    private readonly generate: () => Uint8Array,
  ) {
    super(sb, init);
  }
  /** Like /proc files, the size is reported as 0. */
  override size(): number {
    return 0;
  }
  override read(pos: number, len: number): Uint8Array {
    return this.generate().slice(pos, pos + len);
  }
  override open(): Stream {
    const snapshot = this.generate();
    return {
      seek: 'file',
      read: (pos, len) => snapshot.slice(pos, pos + len),
      write: () => {
        throw new SysError(EROFS);
      },
      available: (pos) => Math.max(0, snapshot.length - pos),
    };
  }
}

/** How a device or pipe node reads and writes (no positions); without `available`, nothing is ever waiting. */
export interface NodeOps {
  read(len: number): Uint8Array;
  write(data: Uint8Array): number;
  available?(): number;
}

/** A node that is its own stream, reading and writing through its ops: devices and pipes. */
abstract class OpsNode extends Inode implements Stream {
  abstract readonly seek: Stream['seek'];
  constructor(
    sb: Superblock,
    init: InodeInit,
    private readonly ops: NodeOps,
  ) {
    super(sb, init);
  }
  read(_pos: number, len: number): Uint8Array {
    return this.ops.read(len);
  }
  write(_pos: number, data: Uint8Array): number {
    return this.ops.write(data);
  }
  available(): number {
    return this.ops.available?.() ?? 0;
  }
  open(): Stream {
    return this;
  }
}

/** A character device (/dev/null, /dev/zero, …): the device object is its own stream. */
export class CharDevice extends OpsNode {
  readonly type = 'chr' as const;
  readonly seek = 'device' as const;
  constructor(sb: Superblock, init: InodeInit, major: number, minor: number, ops: NodeOps) {
    super(sb, init, ops);
    this.rdev = makedev(major, minor);
  }
}

/** A pipe-like node (the program's stdin/stdout/stderr): no positions, lseek → ESPIPE. */
export class FifoNode extends OpsNode {
  readonly type = 'fifo' as const;
  readonly seek = 'stream' as const;
}

export class SymlinkNode extends Inode {
  readonly type = 'symlink' as const;
  constructor(
    sb: Superblock,
    init: InodeInit,
    private readonly targetOf: () => string,
    /** For "magic" links (/proc/self/fd/N): following them lands on this inode directly. */
    readonly magic: (() => Inode | null) | null = null,
  ) {
    super(sb, init);
  }
  target(): string {
    return this.targetOf();
  }
  override size(): number {
    return this.target().length;
  }
}

export abstract class DirNode extends Inode {
  readonly type = 'dir' as const;
  abstract lookup(name: string): Inode | null;
  /** Entry names, sorted by byte value, without "." and "..". */
  abstract names(): string[];
  /** Add an entry (the caller has checked that the name is free and permissions). */
  link(_name: string, _node: Inode): void {
    throw new SysError(EROFS);
  }
  /** Remove an entry (the caller has checked it exists and permissions). */
  unlinkEntry(_name: string): void {
    throw new SysError(EROFS);
  }
  override size(): number {
    return 4096;
  }
}

/** An ordinary directory held in memory. */
export class MemDir extends DirNode {
  private readonly entries = new Map<string, Inode>();
  private sorted: string[] | null = null;

  constructor(sb: Superblock, init: InodeInit) {
    super(sb, init);
    this.nlink = 2;
  }

  lookup(name: string): Inode | null {
    return this.entries.get(name) ?? null;
  }

  names(): string[] {
    if (!this.sorted) this.sorted = [...this.entries.keys()].sort(compareBytes);
    return this.sorted;
  }

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  override link(name: string, node: Inode): void {
    if (this.entries.has(name)) throw new SysError(EINVAL);
    this.entries.set(name, node);
    this.sorted = null;
    if (node.type === 'dir') this.nlink++;
    this.touchModified();
  }

  override unlinkEntry(name: string): void {
    const node = this.entries.get(name);
    if (!node) return;
    this.entries.delete(name);
    this.sorted = null;
    if (node.type === 'dir') this.nlink--;
    this.touchModified();
  }

  /** Build-time helper: add a child and return it. */
  add<T extends Inode>(name: string, node: T): T {
    this.link(name, node);
    return node;
  }
}

/**
 * A read-only directory whose entries come from callbacks. `lookup` may answer names that `list`
 * does not show (for stores that cannot be enumerated). Nodes should be cached by the provider so
 * that their inode numbers stay stable within a run.
 */
export class ProviderDir extends DirNode {
  constructor(
    sb: Superblock,
    init: InodeInit,
    private readonly provider: { lookup(name: string): Inode | null; list(): string[] },
  ) {
    super(sb, init);
    this.nlink = 2;
  }
  lookup(name: string): Inode | null {
    return this.provider.lookup(name);
  }
  names(): string[] {
    return [...this.provider.list()].sort(compareBytes);
  }
}

/** Byte-wise order of latin1 (one char per byte) strings. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function makedev(major: number, minor: number): number {
  // Linux's new_encode_dev for the 64-bit dev_t glibc uses.
  return ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12);
}

export function assertNotDir(node: Inode): void {
  if (node.type === 'dir') throw new SysError(EISDIR);
}

/** The stream for I/O on a newly opened node; null for directories and symbolic links. */
export function openStream(node: Inode): Stream | null {
  if (node instanceof FileNode || node instanceof CharDevice || node instanceof FifoNode) return node.open();
  return null;
}
