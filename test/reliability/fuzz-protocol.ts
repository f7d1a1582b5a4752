/**
 * stdout-protocol fuzzing: mutated contract outputs (instruction lines with bad keys, NULs, missing
 * '=', long values, CR, unicode, stray lines), fed to the streaming parser in random chunk splits.
 * Checks, for every mutant: no exception other than a ProtocolError escapes; the result does not
 * depend on how the output was split into writes; and it equals an independent line-by-line
 * reading of the rules (README, "Contracts"): the same instructions, and the error on the same line.
 */
import {
  MAX_EVENT_BYTES, MAX_KEY_BYTES, MAX_VALUE_BYTES, ProtocolParser, type Instruction,
} from '../../src/contract/protocol.js';
import { campaign } from './campaign.js';
import { Rng } from './rng.js';

const LIMITS = { maxWrites: 64, maxEvents: 64 };

interface Outcome {
  instructions: string[];
  errorLine: number | null;
}

function show(ins: Instruction): string {
  const body = ins.op === 'delete' ? ins.key : Buffer.from(ins.op === 'write' ? ins.value : ins.data).toString('hex');
  return `${ins.line}:${ins.op}:${ins.op === 'write' ? ins.key + '=' : ''}${body}`;
}

/** The streaming parser, fed in the given chunks. */
function streamed(out: Uint8Array, cuts: number[]): Outcome {
  const instructions: string[] = [];
  const p = new ProtocolParser((ins) => instructions.push(show(ins)), LIMITS);
  let at = 0;
  for (const c of [...cuts, out.length]) {
    p.push(out.subarray(at, c));
    at = c;
  }
  p.end();
  return { instructions, errorLine: p.error?.line ?? null };
}

const isKeyByte = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;

/** The rules, read one whole line at a time (written independently of the streaming parser). */
function reference(out: Uint8Array): Outcome {
  const instructions: string[] = [];
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < out.length) {
    const nl = out.indexOf(0x0a, start);
    const end = nl < 0 ? out.length : nl;
    lines.push(out.subarray(start, end));
    start = end + 1;
  }
  let writes = 0, events = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!, no = n + 1;
    const head = Buffer.from(line.subarray(0, 4)).toString('latin1');
    const rest = line.subarray(4);
    if (head === 'DBW=') {
      const eq = rest.indexOf(0x3d);
      const key = eq < 0 ? rest : rest.subarray(0, eq);
      for (let j = 0; j < key.length; j++) {
        if (!isKeyByte(key[j]!) || j >= MAX_KEY_BYTES) return { instructions, errorLine: no };
      }
      if (eq <= 0) return { instructions, errorLine: no };
      const value = rest.subarray(eq + 1);
      if (value.length > MAX_VALUE_BYTES || value.includes(0)) return { instructions, errorLine: no };
      if (writes >= LIMITS.maxWrites) return { instructions, errorLine: no };
      writes++;
      instructions.push(`${no}:write:${Buffer.from(key).toString('latin1')}=${Buffer.from(value).toString('hex')}`);
    } else if (head === 'DBP=') {
      let key = '';
      for (let j = 0; j <= rest.length; j++) {
        const b = j < rest.length ? rest[j]! : -1;
        if (b === 0x2c || b === -1) {
          if (key.length === 0 || writes >= LIMITS.maxWrites) return { instructions, errorLine: no };
          writes++;
          instructions.push(`${no}:delete:${key}`);
          key = '';
        } else if (!isKeyByte(b) || key.length >= MAX_KEY_BYTES) {
          return { instructions, errorLine: no };
        } else key += String.fromCharCode(b);
      }
    } else if (head === 'OUT=') {
      if (rest.length > MAX_EVENT_BYTES || events >= LIMITS.maxEvents) return { instructions, errorLine: no };
      events++;
      instructions.push(`${no}:event:${Buffer.from(rest).toString('hex')}`);
    }
  }
  return { instructions, errorLine: null };
}

const KEY_CHARS = 'ABCXYZabcxyz0189_';
const NASTY = ['', '=', ',', '\r', '\0', ' ', 'é', '\u2028', '💥', '\\n', 'DBW=', '\x7f', '\xff'];

function key(r: Rng): string {
  if (r.bool(0.05)) return 'K'.repeat(MAX_KEY_BYTES + r.int(3) - 1);
  let s = '';
  for (let n = 1 + r.int(12); n > 0; n--) s += KEY_CHARS[r.int(KEY_CHARS.length)];
  if (r.bool(0.15)) s = s.slice(0, r.int(s.length + 1)) + r.pick(NASTY) + s.slice(r.int(s.length + 1));
  return s;
}

function value(r: Rng): string {
  if (r.bool(0.02)) return 'v'.repeat(MAX_VALUE_BYTES + r.int(3) - 1);
  let s = '';
  for (let n = r.int(20); n > 0; n--) s += r.bool(0.1) ? r.pick(NASTY) : String.fromCharCode(0x20 + r.int(95));
  return s;
}

/** One mutated output: a few instruction-like lines, then byte-level damage. */
export function mutantOutput(r: Rng): Uint8Array {
  const lines: string[] = [];
  for (let n = r.int(12); n > 0; n--) {
    const k = r.int(10);
    if (k < 4) lines.push(`DBW=${key(r)}${r.bool(0.95) ? '=' : ''}${value(r)}`);
    else if (k < 6) lines.push(`DBP=${Array.from({ length: 1 + r.int(4) }, () => key(r)).join(r.bool(0.9) ? ',' : ',,')}${r.bool(0.1) ? ',' : ''}`);
    else if (k < 8) lines.push(`OUT=${value(r)}`);
    else lines.push(r.pick(['hello', 'DB', 'DBW', 'dbw=A=1', 'OUT', ' OUT=x', 'DBX=1', '']));
  }
  const text = lines.join(r.bool(0.9) ? '\n' : '\r\n') + (r.bool(0.7) ? '\n' : '');
  let bytes = Uint8Array.from(Buffer.from(text, r.bool(0.9) ? 'utf8' : 'latin1'));
  if (r.bool(0.3) && bytes.length > 0) {
    bytes = Uint8Array.from(bytes);
    for (let f = 1 + r.int(3); f > 0; f--) bytes[r.int(bytes.length)] = r.pick([0x0a, 0x3d, 0x2c, 0x00, r.u32() & 0xff]);
  }
  return bytes;
}

function cutsFor(r: Rng, n: number): number[] {
  const cuts: number[] = [];
  for (let k = r.int(6); k > 0 && n > 0; k--) cuts.push(r.int(n + 1));
  return cuts.sort((a, b) => a - b);
}

function same(a: Outcome, b: Outcome): boolean {
  return a.errorLine === b.errorLine && a.instructions.length === b.instructions.length && a.instructions.every((x, i) => x === b.instructions[i]);
}

export const fuzzProtocol = campaign(
  'fuzz-protocol',
  'stdout protocol mutants, streamed in random splits, against a line-by-line reading of the rules',
  { quick: 10_000, full: 100_000 },
  async (t, total, opts) => {
    const r = new Rng(opts.seed);
    for (let k = 0; k < total; k++) {
      const out = mutantOutput(r);
      t.add('runs');
      try {
        const whole = streamed(out, []);
        const split = streamed(out, cutsFor(r, out.length));
        const ref = reference(out);
        if (whole.errorLine !== null) t.add('refused');
        if (!same(whole, split)) t.fail(`mutant ${k}: chunking changes the result (${JSON.stringify(Buffer.from(out).toString('latin1')).slice(0, 200)})`);
        else if (!same(whole, ref)) {
          t.add('disagreements');
          t.fail(`mutant ${k}: parser ${JSON.stringify(whole).slice(0, 200)} vs rules ${JSON.stringify(ref).slice(0, 200)} on ${JSON.stringify(Buffer.from(out).toString('latin1')).slice(0, 200)}`);
        }
      } catch (e) {
        t.add('vm crashes');
        t.fail(`mutant ${k} (seed ${opts.seed}): ${(e as Error).stack?.split('\n').slice(0, 2).join(' | ')}`);
      }
    }
    return t.result(['runs', 'refused', 'disagreements', 'vm crashes']);
  },
);
