/**
 * The CLI's one way to fail. A user error ends in one line on stderr
 * (`qvm: message (hint)`) and exit status 2; an internal error in one line starting "internal
 * error" and exit status 70, plus its stack and causes with `qvm --verbose` or QVM_VERBOSE=1
 * (docs/errors.md).
 */
import { errorLine, errorReport, isUserError } from '../errors.js';

/** Exit status of a user error (bad input, as commander's usage errors). */
export const EXIT_USAGE = 2;
/** Exit status of an internal error (BSD sysexits EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

let verbose = process.env.QVM_VERBOSE === '1';

/** --verbose: internal errors print their stack and causes. */
export function setVerbose(on: boolean): void {
  verbose = on;
}

/** Prints `qvm: message` (and the hint) and exits 2 (bad input). */
export function die(message: string, hint?: string): never {
  process.stderr.write(`qvm: ${message}${hint !== undefined ? ` (${hint})` : ''}\n`);
  process.exit(EXIT_USAGE);
}

/**
 * Ends the command on an error that reached the top: a user error as one line (exit 2), anything
 * else as one "internal error" line (exit 70) and, with --verbose, the stack and causes.
 * `subject`: what the user error is about (e.g. the ELF path), prefixed to its line.
 */
export function fatal(e: unknown, subject?: string): never {
  if (isUserError(e)) die(`${subject !== undefined ? `${subject}: ` : ''}${errorLine(e)}`);
  process.stderr.write(`qvm: internal error: ${errorLine(e)}${verbose ? '' : ' (run with --verbose for the stack)'}\n`);
  if (verbose) process.stderr.write(`${errorReport(e)}\n`);
  process.exit(EXIT_INTERNAL);
}
