/**
 * End to end: a `qvm node` process, the example contracts deployed and called over JSON-RPC,
 * storage, logs and receipts read back, the failure paths, and the CLI client commands.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { TOPIC_STDERR, TOPIC_STDOUT } from '../src/contract/index.js';
import { encodeCall, encodeDeploy, type Hex, type RpcReceipt } from '../src/chain/index.js';
import { ADDRS, CLI, example, KEYS, rpc, rpcRaw, send, signTx, startNode, text, type NodeProc } from './chain-helpers.js';

const REGISTRY = example('registry-c');
const REGISTRY_GLIBC = example('registry-glibc');
const TOKEN = example('token-c');
const TOKEN_GO = example('token-go');

describe('qvm node over JSON-RPC', { skip: !REGISTRY || !TOKEN ? 'example contracts not built (bash test/setup.sh)' : false }, () => {
  let node: NodeProc;
  let url: string;
  let registry: Hex;
  let token: Hex;

  before(async () => {
    node = await startNode(['--in-memory']);
    url = node.url;
  });
  after(async () => {
    await node?.stop();
  });

  const receipt = (h: Hex): Promise<RpcReceipt> => rpc<RpcReceipt>(url, 'eth_getTransactionReceipt', [h]);

  it('answers the basic eth_/net_/web3_ methods', async () => {
    assert.equal(await rpc(url, 'eth_chainId'), '0x539');
    assert.equal(await rpc(url, 'net_version'), '1337');
    assert.match(await rpc<string>(url, 'web3_clientVersion'), /^qvm\//);
    assert.equal(await rpc(url, 'eth_blockNumber'), '0x0');
    assert.equal(BigInt(await rpc<string>(url, 'eth_getBalance', [ADDRS[0], 'latest'])), 10_000n * 10n ** 18n);
    const b0 = await rpc<{ hash: Hex; stateRoot: Hex; number: Hex }>(url, 'eth_getBlockByNumber', ['0x0', false]);
    assert.equal(b0.number, '0x0');
    const same = await rpc<{ hash: Hex }>(url, 'eth_getBlockByHash', [b0.hash, false]);
    assert.equal(same.hash, b0.hash);
    assert.equal(await rpc(url, 'qvm_stateRoot'), b0.stateRoot);
  });

  it('deploys the C registry and token (CREATE addresses, code by eth_getCode)', async () => {
    const h1 = await send(url, KEYS[0]!, { to: null, data: encodeDeploy(readFileSync(REGISTRY!), ['3']) });
    const r1 = await receipt(h1);
    assert.equal(r1.status, '0x1', JSON.stringify(r1.qvm));
    assert.equal(r1.contractAddress, '0x5fbdb2315678afecb367f032d93f642f64180aa3');
    registry = r1.contractAddress!;
    const h2 = await send(url, KEYS[0]!, { to: null, data: encodeDeploy(readFileSync(TOKEN!), ['1000']) });
    const r2 = await receipt(h2);
    assert.equal(r2.status, '0x1');
    token = r2.contractAddress!;
    assert.equal(token, '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512');
    assert.equal(r2.logs.length, 1);
    assert.equal(r2.logs[0]!.topics[0], TOPIC_STDOUT);
    assert.equal(text(r2.logs[0]!.data), `mint ${ADDRS[0]} 1000`);
    const code = await rpc<string>(url, 'eth_getCode', [token, 'latest']);
    assert.equal(code, '0x' + readFileSync(TOKEN!).toString('hex'));
    const info = await rpc<{ codeSize: number; deployer: Hex; deployTx: Hex }>(url, 'qvm_getContract', [token]);
    assert.equal(info.codeSize, readFileSync(TOKEN!).length);
    assert.equal(info.deployer, ADDRS[0]);
    assert.equal(info.deployTx, h2);
    assert.equal(await rpc(url, 'eth_blockNumber'), '0x2');
  });

  it('calls contracts, charges fees, and keeps storage, logs, receipts and blocks', async () => {
    const before = BigInt(await rpc<string>(url, 'eth_getBalance', [ADDRS[1], 'latest']));
    const h = await send(url, KEYS[1]!, { to: registry, data: encodeCall(['register', 'alice'], ['USER_CURRENT', 'TOTALUSERS']) });
    const r = await receipt(h);
    assert.equal(r.status, '0x1');
    assert.deepEqual(r.qvm.writes.sort(), ['TOTALUSERS', 'USER_1', 'USER_CURRENT']);
    const after = BigInt(await rpc<string>(url, 'eth_getBalance', [ADDRS[1], 'latest']));
    assert.equal(before - after, BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice));
    assert.equal(await rpc(url, 'eth_getTransactionCount', [ADDRS[1], 'latest']), '0x1');
    const st = await rpc<Record<string, Hex | null>>(url, 'qvm_getStorage', [registry, ['USER_1', 'TOTALUSERS', 'NOPE']]);
    assert.equal(text(st.USER_1!), 'alice');
    assert.equal(text(st.TOTALUSERS!), '1');
    assert.equal(st.NOPE, null);

    const t = await send(url, KEYS[0]!, { to: token, data: encodeCall(['transfer', ADDRS[1]!, '300']) });
    const tr = await receipt(t);
    assert.equal(tr.status, '0x1');
    assert.equal(text(tr.logs[0]!.data), `transfer ${ADDRS[0]} ${ADDRS[1]} 300`);
    const tx = await rpc<{ hash: Hex; from: Hex; to: Hex; blockHash: Hex; input: Hex }>(url, 'eth_getTransactionByHash', [t]);
    assert.equal(tx.from, ADDRS[0]);
    assert.equal(tx.to, token);
    assert.equal(tx.blockHash, tr.blockHash);
    const block = await rpc<{ transactions: Hex[]; stateRoot: Hex; receiptsRoot: Hex }>(url, 'eth_getBlockByNumber', [tr.blockNumber, false]);
    assert.deepEqual(block.transactions, [t]);
    assert.equal(block.stateRoot, await rpc(url, 'qvm_stateRoot'));

    const logs = await rpc<Array<{ transactionHash: Hex; data: Hex; address: Hex }>>(url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest', address: token, topics: [TOPIC_STDOUT] }]);
    assert.deepEqual(logs.map((l) => text(l.data)), [`mint ${ADDRS[0]} 1000`, `transfer ${ADDRS[0]} ${ADDRS[1]} 300`]);
    const none = await rpc<unknown[]>(url, 'eth_getLogs', [{ fromBlock: '0x0', address: token, topics: [TOPIC_STDERR] }]);
    assert.equal(none.length, 0);

    const dry = await rpc<{ status: string; events: Array<{ data: Hex }> }>(url, 'qvm_call', [{ to: token, args: ['balance', ADDRS[1]] }]);
    assert.equal(dry.status, 'success');
    assert.equal(text(dry.events[0]!.data), `balance ${ADDRS[1]} 300`);
    const out = await rpc<Hex>(url, 'eth_call', [{ to: token, data: '0x' + Buffer.from(encodeCall(['balance', ADDRS[1]!])).toString('hex') }, 'latest']);
    assert.match(text(out), /OUT=balance 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 300/);
    const trace = await rpc<{ kind: string; instructions: number; reads: string[] }>(url, 'qvm_traceTransaction', [t]);
    assert.equal(trace.kind, 'call');
    assert.ok(trace.instructions > 1000);
  });

  it('records a failing call (stderr) with status 0 and a QVM_CONTRACT_STDERR log, applying nothing', async () => {
    const rootBefore = await rpc<Hex>(url, 'qvm_getStorage', [token]);
    const h = await send(url, KEYS[1]!, { to: token, data: encodeCall(['transfer', ADDRS[2]!, '5000']), gas: 10_000_000n });
    const r = await receipt(h);
    assert.equal(r.status, '0x0');
    assert.equal(r.logs.length, 1);
    assert.equal(r.logs[0]!.topics[0], TOPIC_STDERR);
    assert.match(text(r.logs[0]!.data), /insufficient funds/);
    assert.equal(r.qvm.failure?.kind, 'stderr');
    assert.deepEqual(await rpc(url, 'qvm_getStorage', [token]), rootBefore);
    const est = await rpcRaw(url, 'eth_estimateGas', [{ from: ADDRS[1], to: token, data: '0x' + Buffer.from(encodeCall(['transfer', ADDRS[2]!, '5000'])).toString('hex') }]);
    assert.equal(est.error?.code, 3);
    assert.match(est.error!.message, /insufficient funds/);
  });

  it('fails a call that runs out of gas, and a deploy whose constructor fails (no contract)', async () => {
    const h = await send(url, KEYS[1]!, { to: token, data: encodeCall(['transfer', ADDRS[2]!, '1']), gas: 21_000n + 2_000n + 16n * 200n });
    const r = await receipt(h);
    assert.equal(r.status, '0x0');
    assert.equal(r.qvm.failure?.kind, 'out-of-gas');
    const d = await send(url, KEYS[1]!, { to: null, data: encodeDeploy(new Uint8Array([1, 2, 3])) });
    const dr = await receipt(d);
    assert.equal(dr.status, '0x0');
    assert.equal(dr.contractAddress, null);
    assert.equal(dr.qvm.failure?.kind, 'invalid-code');
    const e = await send(url, KEYS[1]!, { to: token, data: new TextEncoder().encode('not an envelope') });
    assert.equal((await receipt(e)).qvm.failure?.kind, 'envelope');
  });

  it('rejects bad transactions with clear JSON-RPC errors', async () => {
    const good = await signTx(url, KEYS[2]!, { to: ADDRS[0], value: 1n, gas: 21_000n });
    // bad signature: flip a byte of s
    const bad = good.slice(0, -6) + (good.slice(-6, -4) === 'ff' ? '00' : 'ff') + good.slice(-4);
    const r1 = await rpcRaw(url, 'eth_sendRawTransaction', [bad]);
    assert.ok(r1.error, 'bad signature accepted');
    const r2 = await rpcRaw(url, 'eth_sendRawTransaction', [await signTx(url, KEYS[2]!, { to: ADDRS[0], value: 1n, gas: 21_000n, nonce: 7 })]);
    assert.match(r2.error!.message, /nonce too high/);
    const r3 = await rpcRaw(url, 'eth_sendRawTransaction', [await signTx(url, KEYS[2]!, { to: ADDRS[0], value: 10n ** 30n, gas: 21_000n })]);
    assert.match(r3.error!.message, /insufficient funds/);
    const r4 = await rpcRaw(url, 'eth_sendRawTransaction', [await signTx(url, KEYS[2]!, { to: ADDRS[0], value: 1n, gas: 21_000n, chainId: 1 })]);
    assert.match(r4.error!.message, /chain id/);
    const r5 = await rpcRaw(url, 'eth_sendRawTransaction', [await signTx(url, KEYS[2]!, { to: ADDRS[0], value: 1n, gas: 20_000n })]);
    assert.match(r5.error!.message, /intrinsic gas too low/);
    const big = await signTx(url, KEYS[2]!, { to: ADDRS[0], data: new Uint8Array(9 * 1024 * 1024), gas: 900_000_000n });
    const r6 = await rpcRaw(url, 'eth_sendRawTransaction', [big]);
    assert.match(r6.error!.message, /too large/);
    const ok = await rpc<Hex>(url, 'eth_sendRawTransaction', [good]);
    assert.equal((await receipt(ok)).status, '0x1');
    const again = await rpcRaw(url, 'eth_sendRawTransaction', [good]);
    assert.match(again.error!.message, /already known|nonce too low/);
    // malformed requests
    const res = await fetch(url, { method: 'POST', body: '{not json' });
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32700);
    assert.equal((await rpcRaw(url, 'eth_nope')).error?.code, -32601);
    assert.equal((await rpcRaw(url, 'eth_getBalance', ['0x12'])).error?.code, -32602);
    assert.equal((await rpcRaw(url, 'eth_sendRawTransaction', ['0xdeadbeef'])).error?.code, -32602);
    const batch = await fetch(url, { method: 'POST', body: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { jsonrpc: '2.0', id: 2, method: 'eth_blockNumber' }]) });
    assert.equal(((await batch.json()) as unknown[]).length, 2);
  });

  it('deploys and calls the Go token when it was built', { skip: TOKEN_GO ? false : 'token-go not built' }, async () => {
    const h = await send(url, KEYS[0]!, { to: null, data: encodeDeploy(readFileSync(TOKEN_GO!), ['500']) });
    const r = await receipt(h);
    if (r.status !== '0x1' && /thread|clone|epoll/.test(JSON.stringify(r.qvm))) return; // kernel feature still missing
    assert.equal(r.status, '0x1', JSON.stringify(r.qvm.failure));
    const t = await receipt(await send(url, KEYS[0]!, { to: r.contractAddress!, data: encodeCall(['transfer', ADDRS[2]!, '7']) }));
    assert.equal(t.status, '0x1', JSON.stringify(t.qvm.failure));
    assert.equal(text(t.logs[0]!.data), `transfer ${ADDRS[0]} ${ADDRS[2]} 7`);
  });

  it('works from the CLI: deploy, call, query, receipt, balance', async () => {
    const q = (...args: string[]): { code: number | null; out: string; err: string } => {
      const p = spawnSync(process.execPath, [CLI, ...args, '--rpc', url], { encoding: 'utf8' });
      return { code: p.status, out: p.stdout, err: p.stderr };
    };
    const d = q('deploy', REGISTRY!, '2', '--json');
    assert.equal(d.code, 0, d.err);
    const dr = JSON.parse(d.out) as RpcReceipt;
    const addr = dr.contractAddress!;
    const c = q('call', addr, 'register', 'zed', '--read', 'USER_CURRENT,TOTALUSERS');
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /status\s+success/);
    const qu = q('query', addr, 'USER_1,TOTALUSERS,MISSING');
    assert.equal(qu.out, 'USER_1=zed\nTOTALUSERS=1\nMISSING (missing)\n');
    const rc = q('receipt', dr.transactionHash);
    assert.match(rc.out, new RegExp(`contract\\s+${addr}`));
    const b = q('balance', '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc', '--json');
    assert.equal(JSON.parse(b.out).wei, (10_000n * 10n ** 18n).toString());
    const fail = q('call', token, 'transfer', ADDRS[2]!, '999999', '--key', KEYS[1]!, '--gas', '10000000');
    assert.equal(fail.code, 1);
    assert.match(fail.out, /status\s+failure/);
    const kg = spawnSync(process.execPath, [CLI, 'keygen', '--json'], { encoding: 'utf8' });
    const key = JSON.parse(kg.stdout) as { address: string; privateKey: string };
    assert.match(key.address, /^0x[0-9a-fA-F]{40}$/);
    assert.match(key.privateKey, /^0x[0-9a-f]{64}$/);
    const none = q('call', ADDRS[2]!, 'x');
    assert.equal(none.code, 2);
    assert.match(none.err, /no contract at/);
    const bad = q('call', '0x1234', 'x');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^qvm: /);
  });

  it('shows upload progress when deploying a large binary from the CLI', { skip: REGISTRY_GLIBC ? false : 'registry-glibc not built' }, () => {
    const p = spawnSync(process.execPath, [CLI, 'deploy', REGISTRY_GLIBC!, '2', '--rpc', url], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /status\s+success/);
    // stderr is not a terminal here: one line per quarter, ending at 100%
    const lines = p.stderr.trim().split('\n');
    assert.ok(lines.length >= 2, p.stderr);
    assert.match(lines[0]!, /^uploading \[#*\.+\]\s+\d+%/);
    // the size shown is the transaction's (about the ELF's), not its hex encoding's
    const mib = (statSync(REGISTRY_GLIBC!).size / (1024 * 1024)).toFixed(1);
    assert.equal(lines[lines.length - 1]!, `uploading [${'#'.repeat(24)}] 100%  ${mib}/${mib} MiB`);
  });
});

describe('qvm node --block-time', () => {
  it('mines the waiting transactions together every interval', async () => {
    const node = await startNode(['--in-memory', '--block-time', '1']);
    try {
      const hashes: Hex[] = [];
      for (let i = 0; i < 3; i++) {
        const raw = await signTx(node.url, KEYS[1]!, { to: ADDRS[2], value: BigInt(i + 1), gas: 21_000n, nonce: i });
        hashes.push(await rpc<Hex>(node.url, 'eth_sendRawTransaction', [raw]));
      }
      assert.equal(await rpc(node.url, 'eth_getTransactionCount', [ADDRS[1], 'pending']), '0x3');
      let receipts: Array<RpcReceipt | null> = [null];
      for (let i = 0; i < 50 && !receipts.every((r) => r); i++) {
        await new Promise((r) => setTimeout(r, 100));
        receipts = await Promise.all(hashes.map((h) => rpc<RpcReceipt | null>(node.url, 'eth_getTransactionReceipt', [h])));
      }
      assert.ok(receipts.every((r) => r?.status === '0x1'), 'not mined');
      // sent within milliseconds: one block, or two if an interval ended in between
      assert.ok(new Set(receipts.map((r) => r!.blockNumber)).size <= 2);
    } finally {
      await node.stop();
    }
  });
});

describe('qvm node robustness and viem', () => {
  it('answers garbage parameters of every method with an error, and viem works against it', async () => {
    const node = await startNode(['--in-memory']);
    try {
      const methods = ['eth_chainId', 'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getTransactionByHash', 'eth_getTransactionReceipt',
        'eth_getLogs', 'eth_sendRawTransaction', 'eth_getBalance', 'eth_getTransactionCount', 'eth_call', 'eth_estimateGas', 'eth_getCode',
        'eth_feeHistory', 'qvm_getStorage', 'qvm_getContract', 'qvm_call', 'qvm_traceTransaction', 'eth_getBlockTransactionCountByNumber'];
      const garbage: unknown[][] = [[], [null], [{}], ['0x'], [123], [[]], ['latest', 'latest'], [{ to: 5, data: 'zz' }], ['0x' + 'f'.repeat(64), true],
        [{ fromBlock: 'earliest', topics: [[], null, '0x1'] }], ['0x' + 'ab'.repeat(20), ['K', 5]], [-1, -1, -1], ['0xc0'], ['0x02c0']];
      for (const m of methods) {
        for (const g of garbage) {
          const r = await rpcRaw(node.url, m, g);
          assert.ok('result' in r || r.error, `${m}(${JSON.stringify(g)}): no result and no error`);
          if (r.error) assert.notEqual(r.error.code, -32603, `${m}(${JSON.stringify(g)}): internal error ${r.error.message}`);
        }
      }
      const res = await fetch(node.url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: 'x' }) });
      assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32602);
      assert.equal(await rpc(node.url, 'eth_chainId'), '0x539');

      const { createPublicClient, createWalletClient, defineChain, http } = await import('viem');
      const { privateKeyToAccount } = await import('viem/accounts');
      const chain = defineChain({ id: 1337, name: 'qvm', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
      const wallet = createWalletClient({ account: privateKeyToAccount(KEYS[1]!), chain, transport: http(node.url) });
      const pub = createPublicClient({ chain, transport: http(node.url) });
      const hash = await wallet.sendTransaction({ to: ADDRS[2] as `0x${string}`, value: 42n });
      const r = await pub.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      assert.equal(r.status, 'success');
      const b = await pub.getBlock({ blockNumber: r.blockNumber, includeTransactions: true });
      assert.equal(b.transactions[0]!.hash, hash);
      assert.equal(await pub.getTransactionCount({ address: ADDRS[1] as `0x${string}` }), 1);
      assert.equal((await pub.getLogs({ fromBlock: 0n })).length, 0);
    } finally {
      await node.stop();
    }
  });
});
