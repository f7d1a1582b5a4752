/** JSON-RPC 2.0 over HTTP POST to a QVM node. */

export class RpcClient {
  private id = 0;
  constructor(readonly url: string) {}

  async call<T>(method: string, ...params: unknown[]): Promise<T> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  }
}
