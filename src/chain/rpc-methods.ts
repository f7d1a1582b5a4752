/** Every JSON-RPC method the node serves, with its parameters (rpc-table.ts): one family per file. */
import { blockMethods } from './rpc-blocks.js';
import { callMethods } from './rpc-call.js';
import { devMethods } from './rpc-dev.js';
import { ethMethods } from './rpc-eth.js';
import { explorerMethods } from './rpc-explorer.js';
import { filterMethods } from './rpc-filters.js';
import { qvmMethods } from './rpc-qvm.js';
import type { MethodTable } from './rpc-table.js';

const families: readonly MethodTable[] = [ethMethods, blockMethods, callMethods, qvmMethods, devMethods, filterMethods, explorerMethods];

function join(tables: readonly MethodTable[]): MethodTable {
  const out: Record<string, MethodTable[string]> = Object.create(null) as Record<string, MethodTable[string]>;
  for (const t of tables) {
    for (const [name, m] of Object.entries(t)) {
      // a method in two families would answer with whichever came last: refuse it at load
      if (name in out) throw new Error(`JSON-RPC method ${name} is defined twice`);
      out[name] = m;
    }
  }
  return out;
}

export const METHODS: MethodTable = join(families);
