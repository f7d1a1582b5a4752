/**
 * `qvm run --mount HOSTDIR:GUESTDIR [--cwd GUESTDIR]`: a host directory visible read-only inside
 * the guest (for local runs, e.g. Go test binaries reading their testdata). Never used by the chain.
 *
 * Deterministic as far as the host content is: listings are sorted by byte value, inode numbers
 * come from the guest file system's allocator in the order the program looks entries up, times
 * are the guest's virtual clock at first lookup, owners are root, modes are the host's permission
 * bits without write bits. A file's bytes are read when the program first looks it up. Symbolic
 * links are shown as they are on the host (targets are resolved inside the guest). Other kinds
 * of host files (sockets, devices, fifos) are left out.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { mountProvider, setWorkingDirectory, type DirProvider, type Kernel, type ProvidedEntry } from '../kernel/index.js';

export interface MountSpec {
  host: string;
  guest: string;
}

/** Parse HOSTDIR:GUESTDIR (GUESTDIR absolute); throws a UserError. */
export function parseMount(spec: string): MountSpec {
  const i = spec.lastIndexOf(':');
  if (i <= 0 || i === spec.length - 1) throw new UserError(`--mount expects HOSTDIR:GUESTDIR, got "${spec}"`);
  const host = spec.slice(0, i);
  const guest = spec.slice(i + 1);
  if (!guest.startsWith('/')) throw new UserError(`--mount: the guest directory must be absolute, got "${guest}"`);
  if (!statSync(host, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`--mount: ${host} is not a directory`);
  return { host, guest };
}

function readOnlyMode(st: Stats): number {
  return st.mode & 0o7555;
}

function hostEntry(path: string): ProvidedEntry | null {
  let st: Stats | undefined;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return null;
  }
  if (!st) return null;
  if (st.isDirectory()) return { type: 'dir', mode: readOnlyMode(st), dir: hostDir(path) };
  if (st.isFile()) return { type: 'file', mode: readOnlyMode(st), bytes: new Uint8Array(readFileSync(path)) };
  if (st.isSymbolicLink()) return { type: 'symlink', target: readlinkSync(path) };
  return null;
}

/** A host directory, listed and read on first use (each entry once). */
function hostDir(path: string): DirProvider {
  const cache = new Map<string, ProvidedEntry | null>();
  let names: string[] | null = null;
  const list = (): string[] => {
    if (names === null) {
      try {
        names = readdirSync(path).filter((n) => hostNodeKind(join(path, n)));
      } catch {
        names = [];
      }
    }
    return names;
  };
  return {
    list,
    lookup: (name) => {
      if (cache.has(name)) return cache.get(name) ?? null;
      const entry = list().includes(name) ? hostEntry(join(path, name)) : null;
      cache.set(name, entry);
      return entry;
    },
  };
}

function hostNodeKind(path: string): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return !!st && (st.isDirectory() || st.isFile() || st.isSymbolicLink());
}

/** Attach the mounts to a kernel's file system and set its working directory (throws SysError ENOTDIR). */
export function applyMounts(k: Kernel, mounts: readonly MountSpec[], cwd: string | undefined): void {
  for (const m of mounts) mountProvider(k, m.guest, readOnlyMode(statSync(m.host)), hostDir(m.host));
  if (cwd !== undefined) setWorkingDirectory(k, cwd);
}
