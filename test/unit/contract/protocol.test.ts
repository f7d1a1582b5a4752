/**
 * Unit tests of the stdout protocol parser (src/contract/protocol.ts): every rule of SPEC §2's
 * stdout protocol, streaming (any split of the output gives the same result), and errors that
 * name the line and the rule.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type Instruction,
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  parseProtocol,
  plainLines,
  ProtocolParser,
  isValidKey,
} from '../../../src/contract/protocol.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const dec = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Instructions as short strings: "W K=V", "D K", "E text". */
function show(ins: Instruction[]): string[] {
  return ins.map((i) => (i.op === 'write' ? `W ${i.key}=${dec(i.value)}` : i.op === 'delete' ? `D ${i.key}` : `E ${dec(i.data)}`));
}

function parse(s: string | Uint8Array): { ops: string[]; error: string | null; line: number | null } {
  const r = parseProtocol(typeof s === 'string' ? enc(s) : s);
  return { ops: show(r.instructions), error: r.error?.message ?? null, line: r.error?.line ?? null };
}

describe('protocol: instructions', () => {
  it('DBW, DBP and OUT in output order; other lines are ignored', () => {
    const r = parse('hello\nDBW=A=1\nOUT=event one\nDBP=A,B_2\nDBW=b=two words\n  DBW=X=indented\nDBWX=1\nout=lower\n');
    assert.equal(r.error, null);
    assert.deepEqual(r.ops, ['W A=1', 'E event one', 'D A', 'D B_2', 'W b=two words']);
  });

  it('the value is everything after the second "=" (it may contain "=" itself)', () => {
    assert.deepEqual(parse('DBW=K=a=b==c\n').ops, ['W K=a=b==c']);
    assert.deepEqual(parse('DBW=K=\n').ops, ['W K=']);
  });

  it('values may hold any byte but newline and NUL (\\r, tabs, UTF-8, 0xff)', () => {
    const r = parse(enc('DBW=K=\t\r\xff\xc3\xa9 x\r\n'));
    assert.equal(r.error, null);
    assert.deepEqual(r.ops, ['W K=\t\r\xff\xc3\xa9 x\r']);
  });

  it('OUT texts may be empty and contain "=" and any byte but newline', () => {
    assert.deepEqual(parse('OUT=\nOUT=a=b\x00c\n').ops, ['E ', 'E a=b\x00c']);
  });

  it('a final unterminated line counts', () => {
    assert.deepEqual(parse('DBW=A=1\nDBW=B=2').ops, ['W A=1', 'W B=2']);
    assert.deepEqual(parse('DBP=A,B').ops, ['D A', 'D B']);
    assert.deepEqual(parse('OUT=last').ops, ['E last']);
    assert.deepEqual(parse('DBW=A=1\nDB').ops, ['W A=1'], 'an unterminated short non-instruction line is ignored');
    assert.equal(parse('DBW=A').error, "line 1: DBW without '=' after the key (expected DBW=KEY=VALUE)");
  });

  it('empty lines and empty output are fine', () => {
    assert.deepEqual(parse(''), { ops: [], error: null, line: null });
    assert.deepEqual(parse('\n\n\nOUT=x\n\n').ops, ['E x']);
  });

  it('prefixes are exact and case-sensitive', () => {
    assert.deepEqual(parse('DBW\nDBW \nDBW:A=1\ndbw=A=1\nOUT\nOUT =x\nDBP\n').ops, []);
  });
});

describe('protocol: keys and values', () => {
  it('keys are 1-128 bytes of [A-Za-z0-9_]', () => {
    const k128 = 'K'.repeat(MAX_KEY_BYTES);
    assert.deepEqual(parse(`DBW=${k128}=v\n`).ops, [`W ${k128}=v`]);
    assert.deepEqual(parse('DBW=azAZ09_=v\n').ops, ['W azAZ09_=v']);
    assert.equal(parse(`DBW=${k128}K=v\n`).error, 'line 1: DBW key longer than 128 bytes');
    assert.equal(parse(`OUT=x\nDBP=A,${k128}K\n`).error, 'line 2: DBP key longer than 128 bytes');
    assert.equal(parse('DBW==v\n').error, 'line 1: DBW with an empty key (expected DBW=KEY=VALUE)');
    assert.equal(parse('DBW=A-B=v\n').error, "line 1: invalid byte '-' (0x2d) in DBW key (keys are [A-Za-z0-9_])");
    assert.equal(parse('DBW=A B=v\n').error, "line 1: invalid byte ' ' (0x20) in DBW key (keys are [A-Za-z0-9_])");
    assert.equal(parse(enc('DBW=\xc3\xa9=v\n')).error, 'line 1: invalid byte 0xc3 in DBW key (keys are [A-Za-z0-9_])');
    assert.equal(parse('DBP=A\r\n').error, 'line 1: invalid byte 0x0d in DBP key (keys are [A-Za-z0-9_])');
    assert.equal(isValidKey(''), false);
    assert.equal(isValidKey(k128), true);
    assert.equal(isValidKey(k128 + 'K'), false);
  });

  it('DBP lists need non-empty keys', () => {
    assert.equal(parse('DBP=\n').error, 'line 1: DBP with an empty key (expected DBP=KEY[,KEY…])');
    assert.equal(parse('DBP=A,,B\n').error, 'line 1: DBP with an empty key (expected DBP=KEY[,KEY…])');
    assert.equal(parse('DBP=A,\n').error, 'line 1: DBP with an empty key (expected DBP=KEY[,KEY…])');
    assert.equal(parse('DBW=A=1\nDBP=A=B\n').error, "line 2: invalid byte '=' (0x3d) in DBP key (keys are [A-Za-z0-9_])");
  });

  it('values are at most 64 KiB', () => {
    const max = 'v'.repeat(MAX_VALUE_BYTES);
    const r = parseProtocol(enc(`DBW=K=${max}\n`));
    assert.equal(r.error, null);
    assert.equal(r.instructions[0]!.op === 'write' && r.instructions[0]!.value.length, MAX_VALUE_BYTES);
    assert.equal(parse(`x\nDBW=K=${max}v\n`).error, 'line 2: DBW value longer than 65536 bytes (key K)');
    assert.equal(parse(`OUT=${max}v\n`).error, 'line 1: OUT text longer than 65536 bytes');
  });

  it('NUL in a value is an error', () => {
    assert.equal(parse('DBW=A=1\nOUT=ok\nDBW=K=a\x00b\n').error, 'line 3: NUL byte in DBW value (key K)');
  });

  it('the first error stops parsing: later instructions are not reported', () => {
    const r = parse('DBW=A=1\nDBW=-=2\nDBW=C=3\n');
    assert.deepEqual(r.ops, ['W A=1']);
    assert.equal(r.line, 2);
  });

  it('limits the number of writes (DBW and each DBP key) and of events', () => {
    const ok = parseProtocol(enc('DBW=A=1\nDBP=B,C\n'), { maxWrites: 3 });
    assert.equal(ok.error, null);
    const bad = parseProtocol(enc('DBW=A=1\nDBP=B,C,D\n'), { maxWrites: 3 });
    assert.equal(bad.error?.message, 'line 2: more than 3 storage writes and deletes in one call');
    const ev = parseProtocol(enc('OUT=1\nOUT=2\nOUT=3\n'), { maxEvents: 2 });
    assert.equal(ev.error?.message, 'line 3: more than 2 OUT events in one call');
  });
});

describe('protocol: streaming', () => {
  const sample = enc(
    'noise line that is long ' + 'n'.repeat(5000) + '\nDBW=KEY_1=value=with=eq\nOUT=hello world\nDBP=A,BB,CCC\n\nDBW=Z=' + 'z'.repeat(3000) + '\nOUT=tail',
  );
  const whole = parse(sample);

  it('any split of the output gives the same instructions', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 4096]) {
      const got: Instruction[] = [];
      const p = new ProtocolParser((i) => got.push(i));
      for (let i = 0; i < sample.length; i += size) p.push(sample.subarray(i, i + size));
      p.end();
      assert.equal(p.error, null);
      assert.deepEqual(show(got), whole.ops, `chunks of ${size} bytes`);
    }
  });

  it('instructions are reported as soon as their line is complete', () => {
    const got: string[] = [];
    const p = new ProtocolParser((i) => got.push(show([i])[0]!));
    p.push(enc('DBW=A=1'));
    assert.deepEqual(got, []);
    p.push(enc('\nDBP=X,'));
    assert.deepEqual(got, ['W A=1', 'D X']);
    p.push(enc('Y\nOUT=e'));
    assert.deepEqual(got, ['W A=1', 'D X', 'D Y']);
    p.end();
    assert.deepEqual(got, ['W A=1', 'D X', 'D Y', 'E e']);
  });

  it('errors are found mid-stream, before the line ends', () => {
    const p = new ProtocolParser(() => {});
    p.push(enc('DBW=' + 'K'.repeat(200)));
    assert.equal(p.error?.message, 'line 1: DBW key longer than 128 bytes');
  });

  it('an instruction callback may reject an instruction with a ProtocolError', async () => {
    const { ProtocolError } = await import('../../../src/contract/protocol.js');
    const p = new ProtocolParser((i) => {
      if (i.op === 'write' && i.key === 'NO') throw new ProtocolError(i.line, 'key NO is reserved');
    });
    p.push(enc('DBW=OK=1\nDBW=NO=1\nDBW=X=1\n'));
    p.end();
    assert.equal(p.error?.message, 'line 2: key NO is reserved');
  });

  it('plainLines gives the lines that are not instructions', () => {
    assert.deepEqual(plainLines(enc('a\nDBW=A=1\nOUT=x\n\nb c\nDBP=Q\nlast')).map(dec), ['a', '', 'b c', 'last']);
  });
});
