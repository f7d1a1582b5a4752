/**
 * Hostile contracts on a running node: each is deployed and called through JSON-RPC while another
 * client polls eth_blockNumber. Every call must end with its expected outcome and a clear reason
 * (a failure receipt whose reason names the limit, or the program's own error), never an
 * internal error, and the node must keep answering.
 */
import { encodeCall, encodeDeploy, type RpcReceipt } from '../../src/chain/index.js';
import { readFileSync } from 'node:fs';
import { KEYS, startNode } from '../chain-helpers.js';
import { campaign, percentile } from './campaign.js';
import { buildHostile, Poller, sendAndWait } from './node-client.js';

interface Expectation {
  /** What the receipt's failure reason (or stderr, or events) must match; null: success. */
  failure: RegExp | null;
  /** Text an event (OUT=) must contain on success. */
  event?: RegExp;
  gas?: bigint;
}

const GAS = 100_000_000n;

const EXPECT: Record<string, Expectation> = {
  fork_bomb: { failure: /exit status 1|fork failed/ },
  thread_bomb: { failure: /exit status 1|pthread_create failed/ },
  memory_bomb: { failure: /memory limit exceeded/ },
  mmap_bomb: { failure: /exit status 1|mmap failed/ },
  stack_overflow: { failure: /segmentation fault|SIGSEGV/ },
  infinite_loop: { failure: /out of gas/ },
  stdout_flood: { failure: /stdout limit exceeded/ },
  stderr_flood: { failure: /stderr limit exceeded|stderr/ },
  tiny_writes: { failure: null, gas: 300_000_000n },
  nested_signals: { failure: /segmentation fault|SIGSEGV/ },
  self_modifying: { failure: null },
  tmp_fill: { failure: /exit status 1|write failed|open failed/ },
  open_files: { failure: null, event: /open files \d+/ },
};

function describe(rc: RpcReceipt): string {
  const q = rc.qvm;
  const stderr = Buffer.from(q.stderr.slice(2), 'hex').toString('utf8').slice(0, 120);
  return `${q.status} ${q.failure ? `${q.failure.kind}: ${q.failure.reason}` : ''} ${stderr}`.trim();
}

export const hostile = campaign(
  'hostile-contracts',
  'fork/thread/memory/mmap bombs, stack overflow, infinite loop, floods, 10^6 writes, nested signals, self-modifying code, /tmp fill, open files, 10^4-key reads — on a node',
  null,
  async (t, _size, opts) => {
    const built = buildHostile();
    const node = await startNode(['--in-memory']);
    const poller = new Poller(node.url);
    const key = KEYS[0]!;
    try {
      for (const [name, exe] of built) {
        if (name === 'read_all_keys') continue;
        const exp = EXPECT[name];
        if (!exp) { t.fail(`${name}: no expectation`); continue; }
        const dep = await sendAndWait(node.url, key, { to: null, data: encodeDeploy(readFileSync(exe), []), gas: 50_000_000n });
        if (!dep.contractAddress) {
          // a contract that misbehaves already in its constructor run is refused at deploy: that is its outcome
          t.add('calls');
          if (exp.failure && exp.failure.test(describe(dep))) t.add('clear outcomes');
          else t.fail(`${name}: deploy ${describe(dep)}`);
          opts.log(`${name}: deploy ${describe(dep)}`);
          continue;
        }
        const started = performance.now();
        const rc = await sendAndWait(node.url, key, { to: dep.contractAddress, data: encodeCall(['run']), gas: exp.gas ?? GAS });
        const ms = Math.round(performance.now() - started);
        t.add('calls');
        const text = describe(rc);
        opts.log(`${name}: ${ms} ms, ${text}`);
        if (rc.qvm.failure?.kind === 'internal') { t.fail(`${name}: internal error ${text}`); continue; }
        if (exp.failure === null) {
          const events = rc.logs.map((l) => Buffer.from(l.data.slice(2), 'hex').toString('utf8')).join(' ');
          if (rc.qvm.status !== 'success') t.fail(`${name}: expected success, got ${text}`);
          else if (exp.event && !exp.event.test(events)) t.fail(`${name}: no event matching ${exp.event} (${events})`);
          else t.add('clear outcomes');
        } else if (rc.qvm.status === 'failure' && exp.failure.test(text)) t.add('clear outcomes');
        else t.fail(`${name}: expected ${exp.failure}, got ${text}`);
      }
      // a contract reading every key of a 10^4-key storage
      const reader = built.get('read_all_keys')!;
      const dep = await sendAndWait(node.url, key, { to: null, data: encodeDeploy(readFileSync(reader), []), gas: 50_000_000n });
      const addr = dep.contractAddress!;
      for (let from = 0; from < 10_000; from += 2_500) {
        const rc = await sendAndWait(node.url, key, { to: addr, data: encodeCall(['fill', String(from), String(from + 2_500)]), gas: 900_000_000n });
        if (rc.qvm.status !== 'success') t.fail(`read_all_keys fill ${from}: ${describe(rc)}`);
      }
      const started = performance.now();
      const rc = await sendAndWait(node.url, key, { to: addr, data: encodeCall(['readall']), gas: 900_000_000n });
      const ms = Math.round(performance.now() - started);
      t.add('calls');
      const events = rc.logs.map((l) => Buffer.from(l.data.slice(2), 'hex').toString('utf8')).join(' ');
      opts.log(`read_all_keys: ${ms} ms, ${describe(rc)} ${events}`);
      if (rc.qvm.status === 'success' && /keys 10001 /.test(events)) t.add('clear outcomes');
      else if (rc.qvm.status === 'failure' && /out of gas|limit/.test(describe(rc))) t.add('clear outcomes');
      else t.fail(`read_all_keys: ${describe(rc)} ${events}`);
    } finally {
      await poller.stop();
      await node.stop();
    }
    if (poller.errors > 0) t.fail(`eth_blockNumber failed ${poller.errors} times during the calls`);
    const max = Math.round(Math.max(0, ...poller.latencies));
    return t.result(['calls', 'clear outcomes'], [
      ['eth_blockNumber polls', poller.latencies.length],
      ['p50 ms', Math.round(percentile(poller.latencies, 50))],
      ['p99 ms', Math.round(percentile(poller.latencies, 99))],
      ['max ms', max],
    ]);
  },
);
