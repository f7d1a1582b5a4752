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

  it('anvil_mine of hundreds of blocks is refused at once instead of stalling the node (requests 58656, 76084)', async () => {
    const started = Date.now();
    const r = await rpcRaw(node.url, 'anvil_mine', ['0x14dd', null]);
    const r2 = await rpcRaw(node.url, 'anvil_mine', [942]);
    assert.equal(r2.error?.code, -32602, JSON.stringify(r2));
    assert.equal(r.error?.code, -32602, JSON.stringify(r));
    assert.match(r.error!.message, /block count must be 1 to 100\b/);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(await rpc(node.url, 'eth_blockNumber', []), '0x0');
    assert.equal(await rpc(node.url, 'anvil_mine', ['0x3']), null);
    assert.equal(await rpc(node.url, 'eth_blockNumber', []), '0x3');
  });
});
