/** Every JSON-RPC method served from the table (rpc-table.ts); rpc.ts's switch serves the rest. */
import { blockMethods } from './rpc-blocks.js';
import { devMethods } from './rpc-dev.js';
import { explorerMethods } from './rpc-explorer.js';
import { filterMethods } from './rpc-filters.js';
import type { MethodTable } from './rpc-table.js';

export const METHODS: MethodTable = { ...blockMethods, ...devMethods, ...filterMethods, ...explorerMethods };
