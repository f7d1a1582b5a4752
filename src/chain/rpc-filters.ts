/** JSON-RPC filter methods: eth_newFilter & co. (filters.ts keeps their state). */
import type { RpcLog } from './chain.js';
import { quantity } from './bytes.js';
import { invalid, p, RpcError } from './rpc-params.js';
import { method, type MethodTable, type ParamSpec, type RpcHost } from './rpc-table.js';

const filterId: ParamSpec<string> = {
  name: 'filter id',
  optional: false,
  check: (v) => {
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw invalid('filter id must be a hex quantity');
    return v.toLowerCase();
  },
};

const noFilter = (): RpcError => new RpcError(-32000, 'filter not found');

/** eth_getLogs of `criteria` limited to blocks [from, to] (and to the criteria's own range). */
function logsBetween(host: RpcHost, criteria: Record<string, unknown>, from: number, to: number): RpcLog[] {
  if (criteria.blockHash !== undefined) {
    return host.getLogs(criteria).filter((l) => Number(l.blockNumber) >= from && Number(l.blockNumber) <= to);
  }
  const end = criteria.toBlock === undefined ? to : Math.min(to, host.blockNumberOf(criteria.toBlock));
  if (end < from) return [];
  return host.getLogs({ ...criteria, fromBlock: quantity(from), toBlock: quantity(end) });
}

function created(make: () => string): string {
  try {
    return make();
  } catch (e) {
    throw new RpcError(-32000, (e as Error).message);
  }
}

export const filterMethods: MethodTable = {
  eth_newFilter: method([p.object('filter')], ([criteria], host) => {
    // check it once now, so that a bad filter is refused here rather than at each poll
    host.getLogs({ ...criteria, fromBlock: 'latest', toBlock: 'latest' });
    // as in geth: polls report the logs of blocks mined after the filter was made (eth_getFilterLogs has the range)
    const first = criteria.blockHash !== undefined ? 0 : host.chain.latest().number + 1;
    return created(() => host.filters.newLogFilter(criteria, first));
  }),
  eth_newBlockFilter: method([], (_a, host) => created(() => host.filters.newBlockFilter())),
  eth_newPendingTransactionFilter: method([], (_a, host) => created(() => host.filters.newPendingFilter())),
  eth_getFilterChanges: method([filterId], ([id], host) => {
    const out = host.filters.changes(id, host.chain.latest().number, (c, from, to) => logsBetween(host, c, from, to));
    if (out === null) throw noFilter();
    return out;
  }),
  eth_getFilterLogs: method([filterId], ([id], host) => {
    const c = host.filters.criteria(id);
    if (c === null) throw noFilter();
    return host.getLogs(c);
  }),
  eth_uninstallFilter: method([filterId], ([id], host) => host.filters.uninstall(id)),
};
