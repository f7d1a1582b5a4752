/**
 * A program's standard input for `qvm run` and the chain clients: `--stdin FILE` (`-` = this
 * process's stdin), `--no-stdin` (empty), or — with neither — this process's stdin when it is a
 * file, a pipe or a socket, as when the program is run directly (a terminal or /dev/null gives
 * nothing; a pipe that is never closed waits, as the program itself would).
 */
import { fstatSync, readFileSync } from 'node:fs';

/** `spec`: the --stdin value, false for --no-stdin, undefined for neither. */
export function stdinBytes(spec: string | false | undefined, readFile: (path: string) => Uint8Array, auto = true): Uint8Array | undefined {
  if (spec === false) return new Uint8Array(0);
  if (spec === '-') return readFileSync(0);
  if (spec !== undefined) return readFile(spec);
  if (!auto) return undefined;
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return undefined; // no stdin at all
  }
  // a socket is what a parent process's pipe is in Node (and in many shells' process substitution)
  return st.isFIFO() || st.isFile() || st.isSocket() ? readFileSync(0) : undefined;
}
