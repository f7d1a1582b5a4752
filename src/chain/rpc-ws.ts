/**
 * JSON-RPC over WebSocket on the HTTP port (the `ws` package): every method, plus eth_subscribe
 * (newHeads, logs, newPendingTransactions) and eth_unsubscribe. Notifications are sent as
 * `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":ID,"result":…}}`.
 */
import type { Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BlockHeader } from './chain.js';
import { quantity, type Hex } from './bytes.js';
import { invalid, optional, p, RpcError } from './rpc-params.js';
import { invoke, method, type MethodTable, type RpcHost } from './rpc-table.js';

/** What the WebSocket side needs of the server. */
export interface WsHost extends RpcHost {
  readonly server: Server;
  readonly blockListeners: Set<(b: BlockHeader) => void>;
  readonly pendingListeners: Set<(hash: Hex) => void>;
  handleAsync(r: unknown): Promise<Record<string, unknown> | null>;
  handleBatchAny(batch: readonly unknown[]): Promise<Array<Record<string, unknown> | null>>;
}

const isSubscription = (r: unknown): boolean => {
  const m = typeof r === 'object' && r !== null ? (r as { method?: unknown }).method : undefined;
  return m === 'eth_subscribe' || m === 'eth_unsubscribe';
};

const MAX_SUBSCRIPTIONS = 100;

/** A connection's subscriptions: id → stop. */
type Subs = Map<string, () => void>;

let nextSub = 0;

function subscribe(host: WsHost, ws: WebSocket, subs: Subs, kind: unknown, filter: unknown): string {
  if (subs.size >= MAX_SUBSCRIPTIONS) throw new RpcError(-32000, `too many subscriptions on this connection (limit ${MAX_SUBSCRIPTIONS})`);
  const id = quantity(++nextSub);
  const notify = (result: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: id, result } }));
  };
  if (kind === 'newHeads') {
    const l = (b: BlockHeader): void => {
      const { transactions: _t, uncles: _u, withdrawals: _w, ...header } = host.blockJson(b, false);
      notify(header);
    };
    host.blockListeners.add(l);
    subs.set(id, () => host.blockListeners.delete(l));
  } else if (kind === 'logs') {
    const c = filter ?? {};
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw invalid('the logs filter must be an object');
    const { fromBlock: _f, toBlock: _to, blockHash: _h, ...criteria } = c as Record<string, unknown>;
    host.getLogs({ ...criteria, fromBlock: 'latest', toBlock: 'latest' }); // a bad filter is refused now
    const l = (b: BlockHeader): void => {
      for (const log of host.getLogs({ ...criteria, blockHash: b.hash })) notify(log);
    };
    host.blockListeners.add(l);
    subs.set(id, () => host.blockListeners.delete(l));
  } else if (kind === 'newPendingTransactions') {
    const l = (h: Hex): void => notify(h);
    host.pendingListeners.add(l);
    subs.set(id, () => host.pendingListeners.delete(l));
  } else throw invalid(`unknown subscription ${JSON.stringify(kind)}: newHeads, logs and newPendingTransactions are supported`);
  return id;
}

/**
 * The methods of one connection, answered before the node's table (rpc-methods.ts): eth_subscribe
 * and eth_unsubscribe need the connection, so they live here, with their parameters checked alike.
 */
function connectionMethods(host: WsHost, ws: WebSocket, subs: Subs): MethodTable {
  return {
    // the kind is checked by subscribe, which names the kinds there are
    eth_subscribe: method([p.any('subscription kind'), optional(p.any('filter'))], ([kind, filter]) => subscribe(host, ws, subs, kind, filter)),
    eth_unsubscribe: method([p.any('subscription id')], ([sub]) => {
      const key = String(sub).toLowerCase();
      const stop = subs.get(key);
      subs.delete(key);
      stop?.();
      return stop !== undefined;
    }),
  };
}

function onMessage(host: WsHost, own: MethodTable, ws: WebSocket, data: RawData): void {
  let body: unknown;
  try {
    body = JSON.parse(data.toString());
  } catch {
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: the message is not JSON' } }));
    return;
  }
  const one = async (r: unknown): Promise<Record<string, unknown> | null> => {
    const o = r as { id?: unknown; method?: unknown; params?: unknown };
    const m = typeof r === 'object' && r !== null && typeof o.method === 'string' && Object.hasOwn(own, o.method) ? own[o.method] : undefined;
    if (m === undefined) return host.handleAsync(r);
    const id = o.id ?? null;
    try {
      const params = o.params === undefined ? [] : o.params;
      if (!Array.isArray(params)) throw invalid('params must be an array');
      return { jsonrpc: '2.0', id, result: invoke(o.method as string, m, params, host) };
    } catch (e) {
      const err = e instanceof RpcError ? e : new RpcError(-32603, (e as Error).message);
      return { jsonrpc: '2.0', id, error: { code: err.code, message: err.message } };
    }
  };
  const send = (reply: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  };
  if (Array.isArray(body) && !body.some(isSubscription)) {
    // as over HTTP: with automine, the batch's transactions go into one block after it
    void host.handleBatchAny(body).then((all) => {
      const replies = all.filter((r) => r !== null);
      if (replies.length) send(replies);
    });
  } else if (Array.isArray(body)) {
    void (async () => {
      // in order: a later request of the batch sees what an earlier one wrote
      const replies: Array<Record<string, unknown>> = [];
      for (const r of body) {
        const reply = await one(r);
        if (reply) replies.push(reply);
      }
      if (replies.length) send(replies);
    })();
  } else {
    void one(body).then((reply) => reply && send(reply));
  }
}

/** Serves WebSocket upgrades on the host's HTTP server; returns what closes every connection. */
export function attachWebSocket(host: WsHost, maxPayload: number): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  host.server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const subs: Subs = new Map();
      const own = connectionMethods(host, ws, subs);
      ws.on('message', (d) => onMessage(host, own, ws, d));
      ws.on('error', () => undefined);
      ws.on('close', () => {
        for (const stop of subs.values()) stop();
        subs.clear();
      });
    });
  });
  return () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  };
}
