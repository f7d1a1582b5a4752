/**
 * The L2 command line against a real anvil: `qvm l1 deploy`, `qvm node --l1`, `qvm deposit`,
 * `qvm deploy --l1` (the Go registry in chunks, with a progress bar; --json gives the L2 address),
 * `qvm call --l1`, `qvm query` and `qvm l2 status` on the L2 node, clear errors for bad input, and
 * `qvm devnet` starting and stopping everything.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hex } from '../src/chain/index.js';
import { ADDRS, CLI, example, startNode } from './chain-helpers.js';
import { qvm, rpc, startAnvil, syncStatus } from './l2-helpers.js';

const TOKEN = example('token-c');
const REGISTRY_GO = example('registry-go');

async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 60_000;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('L2 command line', { skip: TOKEN && REGISTRY_GO ? false : 'examples not built (test/setup.sh)' }, () => {
  it('l1 deploy, node --l1, deposit, chunked deploy, call, query, l2 status', async () => {
    const anvil = await startAnvil();
    const dir = mkdtempSync(join(tmpdir(), 'qvm-l2-cli-'));
    try {
      const dep = await qvm(['l1', 'deploy', '--l1', anvil.url, '--json']);
      assert.equal(dep.status, 0, dep.stderr);
      const { inbox, oracle } = JSON.parse(dep.stdout) as { inbox: Hex; oracle: Hex };
      // this node reads L1 over a websocket (anvil serves one on the same port); the other tests use http
      const node = await startNode(['--l1', anvil.url.replace(/^http/, 'ws'), '--inbox', inbox, '--oracle', oracle, '--data-dir', dir, '--l1-poll-ms', '100']);
      try {
        const l1 = ['--l1', anvil.url, '--inbox', inbox];
        assert.equal((await qvm(['deposit', ...l1, '--value', '12345'])).status, 0);
        const big = await qvm(['deploy', REGISTRY_GO!, '5', ...l1]);
        assert.equal(big.status, 0, big.stderr);
        assert.match(big.stderr, /uploading to the Inbox \[#+\] 100%/);
        const reg = /contract +(0x[0-9a-f]{40})/.exec(big.stdout)![1]! as Hex;
        const small = await qvm(['deploy', TOKEN!, '777', ...l1, '--json']);
        assert.equal(small.status, 0, small.stderr);
        const token = JSON.parse(small.stdout) as { contractAddress: Hex; l2TransactionHash: Hex; chunks: number };
        assert.equal(token.chunks, 0);
        const filter = await rpc<Hex>(node.url, 'eth_newBlockFilter');
        assert.equal((await qvm(['call', reg, 'register', 'bob', '--read', 'USER_CURRENT,TOTALUSERS,QVM_INIT_MAXUSER', ...l1])).status, 0);
        await until('the L2 node to derive the call', async () => (await rpc<Record<string, Hex | null>>(node.url, 'qvm_getStorage', [reg, ['USER_1']])).USER_1 !== null);
        const head = await rpc<{ hash: Hex }>(node.url, 'eth_getBlockByNumber', ['latest', false]);
        assert.ok((await rpc<Hex[]>(node.url, 'eth_getFilterChanges', [filter])).includes(head.hash), 'a block filter sees derived blocks');
        const q = await qvm(['query', reg, 'USER_1,TOTALUSERS', '--rpc', node.url]);
        assert.equal(q.stdout, 'USER_1=bob\nTOTALUSERS=1\n');
        const r = await qvm(['receipt', token.l2TransactionHash, '--rpc', node.url, '--json']);
        assert.equal(JSON.parse(r.stdout).contractAddress, token.contractAddress, 'the address --json printed is where the contract is');
        assert.equal(JSON.parse((await qvm(['balance', ADDRS[0]!, '--rpc', node.url, '--json'])).stdout).wei, '12345');
        const st = await qvm(['l2', 'status', '--rpc', node.url]);
        assert.equal(st.status, 0, st.stdout + st.stderr);
        assert.match(st.stdout, /L2 head +\d+/);
        assert.equal((await syncStatus(node.url)).mismatches.length, 0);

        // bad input: one line, exit 2
        for (const [args, msg] of [
          [['deploy', TOKEN!, '--l1', anvil.url], /needs --inbox/],
          [['node', '--l1', anvil.url, '--inbox', '0x' + '11'.repeat(20), '--port', '0', '--in-memory'], /no contract at 0x1111/],
          [['l2', 'status', '--rpc', anvil.url], /is not an L2 node|not supported|Method not found/i],
          [['deposit', ...l1], /--value/],
        ] as Array<[string[], RegExp]>) {
          const b = await qvm(args);
          assert.equal(b.status, 2, `${args.join(' ')}: ${b.stdout}${b.stderr}`);
          assert.match(b.stderr, msg);
          assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);
        }
      } finally {
        await node.stop();
      }
    } finally {
      await anvil.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('qvm devnet starts anvil, a sequencer and a follower with the examples, and stops them', async () => {
    const proc = spawn(process.execPath, [CLI, 'devnet', '--port', '0', '--deploy', `${TOKEN},1000`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until('devnet', async () => out.includes('Ctrl-C stops everything') || proc.exitCode !== null);
      const follower = /L2 follower RPC: +(http:\/\/[0-9.:]+)/.exec(out)?.[1];
      const token = /Deployed through L1: .* at (0x[0-9a-f]{40})/.exec(out)?.[1];
      assert.ok(follower && token, out);
      await until('the follower to derive the token', async () => (await rpc<unknown>(follower, 'qvm_getContract', [token])) !== null);
    } finally {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    assert.equal(proc.exitCode, 0, out);
  });
});
