/**
 * Open file descriptions and the file descriptor table.
 *
 * An `OpenFile` is what open(2) creates (Linux's struct file): the inode, its stream, the status
 * flags and the file position, shared by every fd that dup() made from it. The `FdTable` maps fd
 * numbers to open files plus the per-fd close-on-exec flag. It is the process's (threads created
 * with CLONE_FILES will share it).
 */
import { O_ACCMODE, O_PATH, O_RDONLY, O_RDWR, O_WRONLY } from '../constants.js';
import { EBADF, EMFILE, SysError } from '../errno.js';
import type { Inode, Stream } from './inode.js';
import { type PathStack, pathOf } from './vfs.js';

export class OpenFile {
  /** File position (directories: index of the next entry getdents returns). */
  pos = 0;
  /** Number of fds that refer to this description. */
  refs = 0;

  constructor(
    readonly node: Inode,
    /** null for directories and O_PATH descriptors. */
    readonly stream: Stream | null,
    /** Access mode and status flags (O_APPEND, O_NONBLOCK, …), as F_GETFL shows them. */
    public flags: number,
    /** Where it was opened (for /proc/self/fd, fchdir and *at calls relative to a directory fd). */
    readonly stack: PathStack,
    /** Overrides the path shown in /proc/self/fd (e.g. "pipe:[7]"). */
    private readonly displayPath: string | null = null,
  ) {
    node.openCount++;
  }

  get path(): string {
    return this.displayPath ?? pathOf(this.stack);
  }

  get readable(): boolean {
    if (this.flags & O_PATH) return false;
    const acc = this.flags & O_ACCMODE;
    return acc === O_RDONLY || acc === O_RDWR;
  }

  get writable(): boolean {
    if (this.flags & O_PATH) return false;
    const acc = this.flags & O_ACCMODE;
    return acc === O_WRONLY || acc === O_RDWR;
  }

  /** Drop one reference; the last one closes the description. */
  release(): void {
    if (--this.refs === 0) {
      this.node.openCount--;
      this.node.released();
    }
  }
}

interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export class FdTable {
  private readonly fds: Array<FdEntry | undefined> = [];

  /** Largest fd number + 1 allowed: min(limits.openFiles, RLIMIT_NOFILE soft limit). */
  constructor(public max: number) {}

  entry(fd: number): FdEntry | undefined {
    return fd >= 0 && fd < this.fds.length ? this.fds[fd] : undefined;
  }

  /** The open file behind fd, or EBADF. */
  file(fd: number): OpenFile {
    const e = this.entry(fd);
    if (!e) throw new SysError(EBADF);
    return e.file;
  }

  /** Lowest free fd >= min, or -1. */
  lowestFree(min = 0): number {
    for (let fd = Math.max(0, min); fd < this.max; fd++) if (!this.fds[fd]) return fd;
    return -1;
  }

  /** Install file at the lowest free fd >= min; EMFILE when the table is full. */
  alloc(file: OpenFile, cloexec: boolean, min = 0): number {
    const fd = this.lowestFree(min);
    if (fd < 0) throw new SysError(EMFILE);
    this.set(fd, file, cloexec);
    return fd;
  }

  /** Install file at fd, closing what was there (dup2). The caller has checked fd < max. */
  set(fd: number, file: OpenFile, cloexec: boolean): void {
    file.refs++;
    const old = this.fds[fd];
    this.fds[fd] = { file, cloexec };
    if (old) old.file.release();
  }

  close(fd: number): void {
    const e = this.entry(fd);
    if (!e) throw new SysError(EBADF);
    this.fds[fd] = undefined;
    while (this.fds.length > 0 && this.fds[this.fds.length - 1] === undefined) this.fds.pop();
    e.file.release();
  }

  /** Open fd numbers, ascending. */
  list(): number[] {
    const out: number[] = [];
    this.fds.forEach((e, fd) => {
      if (e) out.push(fd);
    });
    return out;
  }

  get count(): number {
    return this.list().length;
  }
}
