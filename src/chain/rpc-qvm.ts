/** QVM's own state queries and controls (`qvm_*`, docs/chain.md); the explorer's are in rpc-explorer.ts. */
import { quantity, toHex, type Hex } from './bytes.js';
import { reexecuteAsked, traceOf } from './rpc-explorer.js';
import { invalid, optional, p } from './rpc-params.js';
import { method, then, type MethodTable, type ParamSpec } from './rpc-table.js';
import { receiptResult } from './result-json.js';

const MAX_KEYS = 10_000;

/** qvm_getStorage's keys: an array of strings; absent or null: every key, sorted. */
const storageKeys: ParamSpec<readonly string[] | undefined> = {
  name: 'keys',
  optional: true,
  check: (v) => {
    if (!Array.isArray(v) || !v.every((k) => typeof k === 'string')) throw invalid('keys must be an array of strings');
    if (v.length > MAX_KEYS) throw invalid(`at most ${MAX_KEYS} keys per request`);
    return v as string[];
  },
};

/** qvm_traceTransaction's options: `{ reexecute: true }` adds the re-executed trace. */
const traceOptions: ParamSpec<boolean> = { name: 'options', optional: true, check: reexecuteAsked };

export const qvmMethods: MethodTable = {
  qvm_getStorage: method([p.address('address'), storageKeys, optional(p.block())], ([a, keys, n], host) => {
    const st = host.chain.stateAt(n ?? host.chain.latest().number).storageOf(a);
    const out: Record<string, Hex | null> = {};
    for (const k of keys ?? [...st.keys()].sort()) {
      const v = st.get(k);
      out[k] = v === undefined ? null : toHex(v);
    }
    return out;
  }),
  qvm_getContract: method([p.address('address'), optional(p.block())], ([a, n], host) => {
    const view = host.chain.stateAt(n ?? host.chain.latest().number);
    const info = view.contract(a);
    if (!info) return null;
    return { ...info, storageKeys: view.storageOf(a).size, balance: quantity(view.account(a).balance) };
  }),
  qvm_traceTransaction: method([p.hash('transaction hash'), traceOptions], ([h, reexecute], host) => {
    const r = host.chain.receipt(h);
    if (!r) return null;
    // { reexecute: true }: run it again for what the receipt does not keep (rpc-explorer.ts)
    return reexecute ? { ...receiptResult(r), reexecuted: traceOf(host.chain, h) } : receiptResult(r);
  }),
  qvm_stateRoot: method([], (_a, host) => host.chain.stateRoot()),
  qvm_mine: method([], (_a, host) => then(host.mine(), (b) => quantity(b.number))),
};
