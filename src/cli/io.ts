/** The CLI's one-line failures and file reads (`-` = standard input). */
import { readFileSync } from 'node:fs';

/** Prints `qvm: message` and exits 2 (bad input). */
export function die(message: string): never {
  process.stderr.write(`qvm: ${message}\n`);
  process.exit(2);
}

/** A file's bytes (`-`: standard input), or die with a one-line reason. */
export function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    die(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}
