/**
 * Requests the JSON-RPC fuzzer (scripts/reliability.sh, campaign fuzz-rpc) found answered badly,
 * kept as regression tests: each must get a one-line JSON-RPC error promptly, never an internal
 * error, and leave the node answering.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rpc, rpcRaw, startNode, type NodeProc } from './chain-helpers.js';

describe('JSON-RPC fuzzer regressions', () => {
  let node: NodeProc;
  before(async () => { node = await startNode(['--in-memory']); });
  after(async () => { await node.stop(); });

  it('eth_signTypedData_v4 without a primary type is invalid params, not an internal error (fuzz-rpc seed 1, request 45476)', async () => {
    const [account] = await rpc<string[]>(node.url, 'eth_accounts', []);
    const r = await rpcRaw(node.url, 'eth_signTypedData_v4', [account, { types: { EIP712Domain: [] }, domain: {}, message: {} }]);
    assert.equal(r.error?.code, -32602, JSON.stringify(r));
    assert.match(r.error!.message, /^invalid typed data: /);
    assert.ok(!r.error!.message.includes('\n'));
  });

  it('anvil_mine of thousands of blocks keeps the node answering meanwhile; beyond the cap it is refused (requests 58656, 76084)', async () => {
    const over = await rpcRaw(node.url, 'anvil_mine', [10_001]);
    assert.equal(over.error?.code, -32602, JSON.stringify(over));
    assert.match(over.error!.message, /block count must be 1 to 10000\b/);
    // 5,341 blocks (the fuzzer's request) are mined in slices; reads are answered between them
    let mined = false;
    const mine = rpcRaw(node.url, 'anvil_mine', ['0x14dd', null]).then((r) => { mined = true; return r; });
    const seen: number[] = [];
    while (!mined) seen.push(Number(await rpc<string>(node.url, 'eth_blockNumber', [])));
    assert.equal((await mine).result, null);
    assert.ok(seen.some((n) => n > 0 && n < 5341), `eth_blockNumber answered while the blocks were mined (saw ${seen.slice(0, 20).join(', ')}…)`);
    assert.equal(await rpc(node.url, 'eth_blockNumber', []), '0x14dd');
    assert.equal(await rpc(node.url, 'anvil_mine', ['0x3']), null);
    assert.equal(await rpc(node.url, 'eth_blockNumber', []), '0x14e0');
  });
});
