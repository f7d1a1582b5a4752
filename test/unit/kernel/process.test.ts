/**
 * Identity and process calls: uname, ids, limits, arch_prctl, exit, abort, rt_sigaction.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, E, BUF, setup, dec } from './harness.js';

describe('kernel: identity and process', () => {
  it('uname reports the fixed identity', () => {
    const { sys, mem } = setup();
    assert.equal(sys('uname', BUF), 0n);
    const field = (i: number): string => {
      const b = mem.read(BUF + i * 65, 65);
      return dec(b.subarray(0, b.indexOf(0)));
    };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(field), ['Linux', 'qvm', '6.1.0', '#1 SMP QVM', 'x86_64', '(none)']);
  });

  it('ids, affinity and limits are fixed', () => {
    const { sys, mem } = setup();
    assert.equal(sys('getpid'), 1000n);
    assert.equal(sys('gettid'), 1000n);
    assert.equal(sys('getppid'), 1n);
    assert.equal(sys('getuid'), 1000n);
    assert.equal(sys('getegid'), 1000n);
    assert.equal(sys('set_tid_address', BUF), 1000n);
    assert.equal(sys('sched_getaffinity', 0, 128, BUF), 8n);
    assert.deepEqual(mem.read(BUF, 8), new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
    assert.equal(sys('prlimit64', 0, 3, 0, BUF), 0n); // RLIMIT_STACK
    const r = new DataView(mem.read(BUF, 16).buffer);
    assert.equal(r.getBigUint64(0, true), 8n * 1024n * 1024n);
    assert.equal(r.getBigUint64(8, true), 2n ** 64n - 1n);
    assert.equal(sys('getrlimit', 7, BUF), 0n); // RLIMIT_NOFILE
    assert.equal(new DataView(mem.read(BUF, 16).buffer).getBigUint64(0, true), BigInt(DEFAULT_LIMITS.openFiles));
    assert.equal(sys('fork'), -11n); // EAGAIN
    assert.equal(sys('wait4', -1, 0, 0, 0), -10n); // ECHILD
  });

  it('real-time policies are refused as for an unprivileged process (EPERM); bad ones are EINVAL', () => {
    const { sys, mem } = setup();
    mem.write32(BUF, 0);
    assert.equal(sys('sched_setscheduler', 0, 1, BUF), -1n); // SCHED_FIFO: EPERM
    assert.equal(sys('sched_setscheduler', 0, 6, BUF), -1n); // SCHED_DEADLINE
    assert.equal(sys('sched_setscheduler', 0, 3, BUF), 0n); // SCHED_BATCH, priority 0
    assert.equal(sys('sched_setscheduler', 0, 4, BUF), -E.INVAL);
    mem.write32(BUF, 1);
    assert.equal(sys('sched_setscheduler', 0, 0, BUF), -E.INVAL); // SCHED_OTHER takes priority 0 only
    assert.equal(sys('sched_setscheduler', 0, 2, BUF), -1n); // SCHED_RR: EPERM before the priority
  });

  it('arch_prctl sets and reads FS and GS', () => {
    const { t, sys, mem } = setup();
    assert.equal(sys('arch_prctl', 0x1002, 0x7000_1234_0000), 0n);
    assert.equal(t.fs, 0x7000_1234_0000);
    assert.equal(sys('arch_prctl', 0x1003, BUF), 0n);
    assert.equal(new DataView(mem.read(BUF, 8).buffer).getBigUint64(0, true), 0x7000_1234_0000n);
    assert.equal(sys('arch_prctl', 0x1001, 0x5000), 0n);
    assert.equal(t.gs, 0x5000);
    assert.equal(sys('arch_prctl', 0x3001, BUF), -E.INVAL); // ARCH_CET_STATUS
    assert.equal(sys('arch_prctl', 0x1002, 2n ** 48n), -1n); // EPERM
  });

  it('exit_group records the status', () => {
    const { k, sys } = setup();
    sys('exit_group', 3);
    assert.deepEqual(k.exited, { status: 3 });
    assert.equal(k.killed, null);
  });

  it('abort(): SIGABRT raised while blocked kills when unblocked', () => {
    const { k, sys, mem } = setup();
    mem.write(BUF, new Uint8Array(8).fill(0xff));
    assert.equal(sys('rt_sigprocmask', 0, BUF, BUF + 8, 8), 0n); // block all
    assert.equal(sys('tgkill', 1000, 1000, 6), 0n);
    assert.equal(k.killed, null);
    mem.write(BUF, new Uint8Array([0x20, 0, 0, 0, 0, 0, 0, 0])); // SIGABRT bit
    assert.equal(sys('rt_sigprocmask', 1, BUF, 0, 8), 0n); // unblock
    assert.deepEqual(k.killed, { kind: 'signal', reason: 'killed by SIGABRT', signal: 6 });
  });

  it('rt_sigaction stores and returns handlers; ignored signals do nothing', () => {
    const { k, sys, mem } = setup();
    const act = new DataView(new ArrayBuffer(32));
    act.setBigUint64(0, 1n, true); // SIG_IGN
    mem.write(BUF, new Uint8Array(act.buffer));
    assert.equal(sys('rt_sigaction', 10, BUF, 0, 8), 0n);
    assert.equal(sys('rt_sigaction', 10, 0, BUF + 64, 8), 0n);
    assert.equal(new DataView(mem.read(BUF + 64, 8).buffer).getBigUint64(0, true), 1n);
    assert.equal(sys('kill', 1000, 10), 0n);
    assert.equal(k.killed, null);
    assert.equal(sys('rt_sigaction', 9, BUF, 0, 8), -E.INVAL); // SIGKILL
    assert.equal(sys('kill', 4242, 0), -3n); // ESRCH
    assert.equal(sys('kill', 1000, 15), 0n); // SIGTERM, default action
    assert.deepEqual(k.killed, { kind: 'signal', reason: 'killed by SIGTERM', signal: 15 });
  });
});
