/**
 * QVM's one error model (docs/errors.md). Every error QVM throws on purpose is a `QvmError`: a
 * short one-line `message`, optional `details` (what was found), a `hint` (what to do about it), a
 * `cause` (the error underneath, kept for --verbose), a `name` and a stable `code` (for scripts and
 * tests; never reworded). Modelled on viem's BaseError, with one difference: `message` stays the
 * short message alone, because several messages are part of consensus data (a failed call's
 * reason is stored in its receipt) and must not change when a hint is added.
 *
 * A `UserError` is one the person running QVM caused and can fix (a missing file, a bad address,
 * an argument list over the limit, a file that is not an ELF): the CLI prints it as one line. Any
 * other error reaching the CLI, the chain or the RPC server is internal: one line, plus the stack
 * and the causes with `--verbose`.
 *
 * This file sits below every layer and imports nothing, so every layer may use it. Name and code
 * live on each class's prototype (`defineError`): constructing an error costs what a plain `Error`
 * costs, which matters for the CPU's and memory's exceptions thrown on hot paths.
 */

export interface QvmErrorOptions {
  /** What was found, e.g. the offending value (shown after the message). */
  details?: string;
  /** What the user can do about it. */
  hint?: string;
  /** The error underneath. */
  cause?: unknown;
  /** A more specific code than the class's own (e.g. a UserError's 'E2BIG'). */
  code?: string;
}

export class QvmError extends Error {
  /**
   * Stable identifier (per class, or per instance when given): `MEMORY_FAULT`, `E2BIG`, …; for the
   * errors that answer a JSON-RPC request, the JSON-RPC error code (a number).
   */
  declare readonly code: string | number;
  /** Whether the user caused it and can fix it (prototype-level, see UserError). */
  declare readonly user: boolean;
  declare readonly details: string | undefined;
  declare readonly hint: string | undefined;

  constructor(message: string, opts?: QvmErrorOptions) {
    super(message, opts?.cause !== undefined ? { cause: opts.cause } : undefined);
    // (only what is given becomes an own property: a hot-path fault stays a bare Error)
    if (opts === undefined) return;
    if (opts.details !== undefined) Object.defineProperty(this, 'details', { value: opts.details, enumerable: true });
    if (opts.hint !== undefined) Object.defineProperty(this, 'hint', { value: opts.hint, enumerable: true });
    if (opts.code !== undefined) Object.defineProperty(this, 'code', { value: opts.code, enumerable: true });
  }
}

/** An error the user caused and can fix: printed as one line with its hint, exit status 2. */
export class UserError extends QvmError {}

type ErrorClass = abstract new (...args: never[]) => QvmError;

/** Sets a class's `name` and default `code` on its prototype (no per-instance cost). */
export function defineError(cls: ErrorClass, name: string, code: string | number, user?: boolean): void {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(cls.prototype, 'code', { value: code, writable: true, configurable: true });
  if (user !== undefined) Object.defineProperty(cls.prototype, 'user', { value: user, configurable: true });
}

defineError(QvmError, 'QvmError', 'QVM_ERROR', false);
defineError(UserError, 'UserError', 'USER_ERROR', true);

/** Is `e` an error the user caused (a UserError, or a QvmError class marked as such)? */
export function isUserError(e: unknown): e is QvmError {
  return e instanceof QvmError && e.user;
}

/** The one line describing an error: message, details and hint. */
export function errorLine(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const first = e.message.split('\n')[0] ?? '';
  if (!(e instanceof QvmError)) return first;
  const details = e.details !== undefined ? `: ${e.details}` : '';
  const hint = e.hint !== undefined ? ` (${e.hint})` : '';
  return `${first}${details}${hint}`;
}

/** The stack of an error and of each of its causes, for --verbose and logs of internal errors. */
export function errorReport(e: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    seen.add(cur);
    if (cur instanceof Error) {
      const code = cur instanceof QvmError ? ` [${cur.code}]` : '';
      parts.push(`${parts.length ? 'caused by: ' : ''}${cur.stack ?? `${cur.name}: ${cur.message}`}${code}`);
      cur = cur.cause;
    } else {
      parts.push(`${parts.length ? 'caused by: ' : ''}${String(cur)}`);
      break;
    }
  }
  return parts.join('\n');
}

/**
 * Where internal errors caught by a long-running service (the chain, the RPC server) are
 * reported with their stack and causes, so that answering one line to the client loses nothing.
 * Default: console.error (stderr in Node.js, the console in a browser); set another to collect
 * them, or one that ignores them.
 */
let internalErrorSink: (report: string) => void = (report) => console.error(report);

export function setInternalErrorSink(sink: (report: string) => void): void {
  internalErrorSink = sink;
}

/** Report an internal error (`where`: what was being done) with its stack and causes. */
export function reportInternalError(where: string, e: unknown): void {
  internalErrorSink(`qvm: internal error in ${where}: ${errorReport(e)}`);
}
