/**
 * The contract stdout protocol (SPEC §2), parsed as the program writes.
 *
 * One instruction per line (`\n`-terminated; a final unterminated line counts too):
 *
 *   DBW=<KEY>=<VALUE>       write a storage slot (the value is everything after the second '=')
 *   DBP=<KEY>[,<KEY>…]      delete slots
 *   OUT=<TEXT>              emit an event
 *   anything else           ignored
 *
 * Keys are 1–128 bytes of [A-Za-z0-9_]; values are up to 64 KiB of any bytes but `\n` and NUL;
 * event texts are up to 64 KiB of any bytes but `\n`. The first rule broken stops the parser with a
 * `ProtocolError` that names the line (1-based) and the rule.
 *
 * The parser is streaming: it keeps only the instruction of the current line (bounded by the rules
 * above), never a copy of the output, so it can sit on the kernel's stdout writes and stop a
 * program at the first bad instruction.
 */
import { defineError, QvmError } from '../errors.js';

export const MAX_KEY_BYTES = 128;
export const MAX_VALUE_BYTES = 64 * 1024;
export const MAX_EVENT_BYTES = 64 * 1024;

/** One instruction, reported as soon as its line is complete (DBP: as soon as each key is). */
export type Instruction =
  | { op: 'write'; key: string; value: Uint8Array; line: number }
  | { op: 'delete'; key: string; line: number }
  | { op: 'event'; data: Uint8Array; line: number };

export class ProtocolError extends QvmError {
  constructor(
    /** 1-based line number of stdout. */
    readonly line: number,
    /** The rule broken, e.g. "DBW key longer than 128 bytes". */
    readonly rule: string,
  ) {
    super(`line ${line}: ${rule}`);
  }
}
defineError(ProtocolError, 'ProtocolError', 'PROTOCOL');

export interface ProtocolLimits {
  /** Storage writes and deletes (each key of a DBP counts) allowed in one run. */
  maxWrites: number;
  /** OUT events allowed in one run. */
  maxEvents: number;
}

export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = { maxWrites: 4096, maxEvents: 1024 };

/** Is `s` a valid storage key (1–128 bytes of [A-Za-z0-9_])? */
export function isValidKey(s: string): boolean {
  return s.length >= 1 && s.length <= MAX_KEY_BYTES && /^[A-Za-z0-9_]+$/.test(s);
}

const NL = 0x0a;
const EQ = 0x3d;
const COMMA = 0x2c;

const enum State {
  /** Reading the first bytes of a line to see whether it is an instruction. */
  Prefix,
  /** A line that is not an instruction: skip to its end. */
  Skip,
  /** DBW key, up to '='. */
  WriteKey,
  /** DBW value, up to the end of the line. */
  WriteValue,
  /** DBP key, up to ',' or the end of the line. */
  DeleteKey,
  /** OUT text, up to the end of the line. */
  Event,
  /** A protocol error happened: ignore everything. */
  Failed,
}

function isKeyByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
}

function describeByte(b: number): string {
  const hex = '0x' + b.toString(16).padStart(2, '0');
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}' (${hex})` : hex;
}

/** Growable byte buffer for the instruction being read (bounded by the caller). */
class Bytes {
  private buf = new Uint8Array(64);
  length = 0;
  push(data: Uint8Array): void {
    if (this.length + data.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.length + data.length, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(data, this.length);
    this.length += data.length;
  }
  pushByte(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.reset();
    return out;
  }
  text(): string {
    let s = '';
    for (let i = 0; i < this.length; i++) s += String.fromCharCode(this.buf[i]!);
    return s;
  }
  reset(): void {
    this.length = 0;
    if (this.buf.length > 4096) this.buf = new Uint8Array(64);
  }
}

/**
 * Streaming parser: feed stdout with `push(chunk)` as it is written, then call `end()` once.
 * Every complete instruction goes to `onInstruction` (in output order); the first error is kept
 * in `error` and ends parsing. `onInstruction` may throw a ProtocolError itself (e.g. for a
 * reserved key), which the parser records like its own.
 */
export class ProtocolParser {
  /** The first protocol error, or null. */
  error: ProtocolError | null = null;
  /** Storage writes + deleted keys so far. */
  writeCount = 0;
  eventCount = 0;
  /** 1-based number of the line being read. */
  private line = 1;
  private state = State.Prefix;
  /** The line's first bytes (up to 4) while in State.Prefix. */
  private prefix = '';
  private key = '';
  private readonly data = new Bytes();
  private readonly limits: ProtocolLimits;
  private ended = false;

  constructor(
    private readonly onInstruction: (ins: Instruction) => void,
    limits: Partial<ProtocolLimits> = {},
  ) {
    this.limits = { ...DEFAULT_PROTOCOL_LIMITS, ...limits };
  }

  get failed(): boolean {
    return this.error !== null;
  }

  /** Feed the next bytes of stdout. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('ProtocolParser: push after end');
    let i = 0;
    const n = chunk.length;
    while (i < n && this.state !== State.Failed) {
      switch (this.state) {
        case State.Prefix: {
          const b = chunk[i++]!;
          if (b === NL) {
            this.nextLine();
            break;
          }
          this.prefix += String.fromCharCode(b);
          if (this.prefix.length === 4) {
            if (this.prefix === 'DBW=') this.state = State.WriteKey;
            else if (this.prefix === 'DBP=') this.state = State.DeleteKey;
            else if (this.prefix === 'OUT=') this.state = State.Event;
            else this.state = State.Skip;
            this.key = '';
            this.data.reset();
          } else if (!'DBW='.startsWith(this.prefix) && !'DBP='.startsWith(this.prefix) && !'OUT='.startsWith(this.prefix)) {
            this.state = State.Skip;
          }
          break;
        }
        case State.Skip: {
          const nl = chunk.indexOf(NL, i);
          if (nl < 0) {
            i = n;
          } else {
            i = nl + 1;
            this.nextLine();
          }
          break;
        }
        case State.WriteKey: {
          const b = chunk[i++]!;
          if (b === EQ) {
            if (this.key.length === 0) this.fail('DBW with an empty key (expected DBW=KEY=VALUE)');
            else this.state = State.WriteValue;
          } else if (b === NL) {
            this.fail(`DBW without '=' after the key (expected DBW=KEY=VALUE)`);
          } else this.keyByte(b, 'DBW');
          break;
        }
        case State.WriteValue: {
          const nl = chunk.indexOf(NL, i);
          const end = nl < 0 ? n : nl;
          const part = chunk.subarray(i, end);
          if (this.data.length + part.length > MAX_VALUE_BYTES) {
            this.fail(`DBW value longer than ${MAX_VALUE_BYTES} bytes (key ${this.key})`);
            break;
          }
          if (part.indexOf(0) >= 0) {
            this.fail(`NUL byte in DBW value (key ${this.key})`);
            break;
          }
          this.data.push(part);
          i = end;
          if (nl >= 0) {
            i = nl + 1;
            this.finishWrite();
          }
          break;
        }
        case State.DeleteKey: {
          const b = chunk[i++]!;
          if (b === COMMA) this.finishDeleteKey(false);
          else if (b === NL) this.finishDeleteKey(true);
          else this.keyByte(b, 'DBP');
          break;
        }
        case State.Event: {
          const nl = chunk.indexOf(NL, i);
          const end = nl < 0 ? n : nl;
          const part = chunk.subarray(i, end);
          if (this.data.length + part.length > MAX_EVENT_BYTES) {
            this.fail(`OUT text longer than ${MAX_EVENT_BYTES} bytes`);
            break;
          }
          this.data.push(part);
          i = end;
          if (nl >= 0) {
            i = nl + 1;
            this.finishEvent();
          }
          break;
        }
      }
    }
  }

  /** The output is complete: a final unterminated line counts as a line. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    switch (this.state) {
      case State.WriteKey:
        this.fail(`DBW without '=' after the key (expected DBW=KEY=VALUE)`);
        break;
      case State.WriteValue:
        this.finishWrite();
        break;
      case State.DeleteKey:
        this.finishDeleteKey(true);
        break;
      case State.Event:
        this.finishEvent();
        break;
      default:
        break;
    }
  }

  private keyByte(b: number, op: string): void {
    if (!isKeyByte(b)) {
      this.fail(`invalid byte ${describeByte(b)} in ${op} key (keys are [A-Za-z0-9_])`);
    } else if (this.key.length >= MAX_KEY_BYTES) {
      this.fail(`${op} key longer than ${MAX_KEY_BYTES} bytes`);
    } else {
      this.key += String.fromCharCode(b);
    }
  }

  private finishWrite(): void {
    if (this.writeCount >= this.limits.maxWrites) {
      this.fail(`more than ${this.limits.maxWrites} storage writes and deletes in one call`);
      return;
    }
    this.writeCount++;
    this.emit({ op: 'write', key: this.key, value: this.data.take(), line: this.line });
    this.nextLine();
  }

  private finishDeleteKey(lineEnd: boolean): void {
    if (this.key.length === 0) {
      this.fail('DBP with an empty key (expected DBP=KEY[,KEY…])');
      return;
    }
    if (this.writeCount >= this.limits.maxWrites) {
      this.fail(`more than ${this.limits.maxWrites} storage writes and deletes in one call`);
      return;
    }
    this.writeCount++;
    this.emit({ op: 'delete', key: this.key, line: this.line });
    this.key = '';
    if (lineEnd && this.state !== State.Failed) this.nextLine();
  }

  private finishEvent(): void {
    if (this.eventCount >= this.limits.maxEvents) {
      this.fail(`more than ${this.limits.maxEvents} OUT events in one call`);
      return;
    }
    this.eventCount++;
    this.emit({ op: 'event', data: this.data.take(), line: this.line });
    this.nextLine();
  }

  private emit(ins: Instruction): void {
    try {
      this.onInstruction(ins);
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.error = e;
        this.state = State.Failed;
        return;
      }
      throw e;
    }
  }

  private nextLine(): void {
    if (this.state === State.Failed) return;
    this.line++;
    this.state = State.Prefix;
    this.prefix = '';
    this.key = '';
    this.data.reset();
  }

  private fail(rule: string): void {
    this.error = new ProtocolError(this.line, rule);
    this.state = State.Failed;
    this.data.reset();
  }
}

/** Parse a whole output at once (for tests and tools): the instructions, or the first error. */
export function parseProtocol(
  output: Uint8Array,
  limits: Partial<ProtocolLimits> = {},
): { instructions: Instruction[]; error: ProtocolError | null } {
  const instructions: Instruction[] = [];
  const p = new ProtocolParser((ins) => instructions.push(ins), limits);
  p.push(output);
  p.end();
  return { instructions, error: p.error };
}

/**
 * The lines of an output that are not instructions (what `qvm run` shows as plain output), each
 * without its `\n`.
 */
export function plainLines(output: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < output.length) {
    let nl = output.indexOf(NL, start);
    if (nl < 0) nl = output.length;
    const line = output.subarray(start, nl);
    const head = String.fromCharCode(...line.subarray(0, 4));
    if (head !== 'DBW=' && head !== 'DBP=' && head !== 'OUT=') lines.push(line);
    start = nl + 1;
  }
  return lines;
}
