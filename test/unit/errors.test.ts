/**
 * The error model (src/errors.ts, docs/errors.md): one base with name, code, details, hint and
 * cause; every error class of the project is a QvmError; the CLI prints user errors as one line
 * and internal errors as one line, with the stack and causes under --verbose (a real process).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { errorLine, errorReport, isUserError, QvmError, reportInternalError, setInternalErrorSink, UserError } from '../../src/errors.js';
import { ElfError, parseElf } from '../../src/elf/parse.js';
import { MemoryFault, MemoryLimitExceeded } from '../../src/mem/memory.js';
import { CpuException } from '../../src/cpu/x86_64/cpu.js';
import { SysError } from '../../src/kernel/errno.js';
import { ProtocolError } from '../../src/contract/protocol.js';
import { StateFileError, parseState } from '../../src/contract/state.js';
import { ChainError } from '../../src/chain/chain.js';
import { RpcError } from '../../src/chain/rpc-params.js';
import { TxError } from '../../src/chain/tx.js';
import { EnvelopeError } from '../../src/chain/envelope.js';
import { ExecutionTimeout } from '../../src/chain/executor.js';
import { L1InconsistencyError } from '../../src/l2/executor.js';
import { BreakpointTrap } from '../../src/cpu/riscv64/decode.js';
import { StepsAbandoned } from '../../src/chain/steps.js';
import { ROOT } from '../helpers.js';

describe('errors: one base', () => {
  it('every error class of the project is a QvmError with its own name and a stable code', () => {
    const all: Array<[Error, string, string | number, boolean]> = [
      [new ElfError('x'), 'ElfError', 'BAD_ELF', true],
      [new StateFileError('x'), 'StateFileError', 'STATE_FILE', true],
      [new MemoryFault(0x10, 'read', 'unmapped'), 'MemoryFault', 'MEMORY_FAULT', false],
      [new MemoryLimitExceeded(4096), 'MemoryLimitExceeded', 'MEMORY_LIMIT', false],
      [new CpuException(11, 'segv', 0, 1), 'CpuException', 1, false],
      [new SysError(2), 'SysError', 'SYSCALL_ERRNO', false],
      [new ProtocolError(3, 'bad'), 'ProtocolError', 'PROTOCOL', false],
      [new ChainError('nonce too low'), 'ChainError', -32000, false],
      [new RpcError(-32602, 'bad params'), 'RpcError', -32602, false],
      [new TxError('x'), 'TxError', 'INVALID_TX', false],
      [new EnvelopeError('x'), 'EnvelopeError', 'INVALID_ENVELOPE', false],
      [new ExecutionTimeout('x'), 'ExecutionTimeout', 'EXECUTION_TIMEOUT', false],
      [new L1InconsistencyError('x'), 'L1InconsistencyError', 'L1_INCONSISTENT', false],
      [new BreakpointTrap(0x1000), 'BreakpointTrap', 'BREAKPOINT', false],
      [new StepsAbandoned('x'), 'StepsAbandoned', 'STEPS_ABANDONED', false],
    ];
    for (const [e, name, code, user] of all) {
      assert.ok(e instanceof QvmError, name);
      assert.equal(e.name, name);
      assert.equal((e as QvmError).code, code, name);
      assert.equal(isUserError(e), user, name);
      assert.ok(e.stack?.startsWith(`${name}: `), `${name}: the stack names the class`);
    }
  });

  it('messages stay the short message alone (they are stored in receipts)', () => {
    const e = new UserError('argument list too long', { hint: 'use --stdin', details: '300000 bytes', code: 'E2BIG' });
    assert.equal(e.message, 'argument list too long');
    assert.equal(e.code, 'E2BIG');
    assert.equal(errorLine(e), 'argument list too long: 300000 bytes (use --stdin)');
    // a fault thrown on a hot path carries nothing but its own fields
    assert.deepEqual(Object.keys(new MemoryFault(1, 'write', 'protection')), ['addr', 'access', 'kind']);
  });

  it('real failures raise the right classes: parseElf → ElfError, parseState → StateFileError', () => {
    assert.throws(() => parseElf(new Uint8Array(10)), (e: unknown) => e instanceof ElfError && isUserError(e));
    assert.throws(() => parseState('{'), (e: unknown) => e instanceof StateFileError && /not JSON/.test((e as Error).message));
  });

  it('errorReport keeps the stack and every cause', () => {
    const root = new SysError(13);
    const mid = new QvmError('cannot open the database', { cause: root });
    const top = new Error('node start failed', { cause: mid });
    const r = errorReport(top);
    assert.match(r, /^Error: node start failed\n\s+at /);
    assert.match(r, /caused by: QvmError: cannot open the database\n\s+at [^]*\[QVM_ERROR\]/);
    assert.match(r, /caused by: SysError: EACCES[^]*\[SYSCALL_ERRNO\]/);
    assert.equal(errorReport('plain string'), 'plain string');
  });

  it('reportInternalError hands the report to the sink', () => {
    const got: string[] = [];
    setInternalErrorSink((r) => got.push(r));
    try {
      reportInternalError('a JSON-RPC request', new Error('boom', { cause: new Error('underneath') }));
    } finally {
      setInternalErrorSink((r) => console.error(r));
    }
    assert.equal(got.length, 1);
    assert.match(got[0]!, /^qvm: internal error in a JSON-RPC request: Error: boom\n[^]*caused by: Error: underneath/);
  });
});

describe('errors: the CLI prints them (a real process)', () => {
  const io = join(ROOT, 'dist', 'src', 'cli', 'io.js');
  const run = (body: string, env: Record<string, string> = {}): { status: number | null; stderr: string } => {
    const script = `const io = await import(${JSON.stringify(io)}); const errors = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'errors.js'))}); ${body}`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, QVM_VERBOSE: '', ...env } });
    return { status: r.status, stderr: r.stderr };
  };

  it('a user error: one line with its hint, exit status 2', () => {
    const r = run(`io.fatal(new errors.UserError('argument list too long', { hint: 'use --stdin' }));`);
    assert.equal(r.stderr, 'qvm: argument list too long (use --stdin)\n');
    assert.equal(r.status, 2);
  });

  it('an internal error: one line, exit status 70; the stack and causes with QVM_VERBOSE=1', () => {
    const body = `io.fatal(new Error('table corrupt', { cause: new RangeError('index 7') }));`;
    const quiet = run(body);
    assert.equal(quiet.stderr, 'qvm: internal error: table corrupt (run with --verbose for the stack)\n');
    assert.equal(quiet.status, 70);
    const loud = run(body, { QVM_VERBOSE: '1' });
    assert.equal(loud.status, 70);
    assert.match(loud.stderr, /^qvm: internal error: table corrupt\nError: table corrupt\n\s+at [^]*caused by: RangeError: index 7\n\s+at /);
  });
});
