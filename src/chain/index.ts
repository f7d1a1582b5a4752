/** The local chain (SPEC §5): state, blocks, transactions, SQLite storage and the JSON-RPC server. */
export * from './bytes.js';
export * from './chain.js';
export * from './dev.js';
export * from './envelope.js';
export * from './merkle.js';
export * from './rpc.js';
export * from './tx.js';
export * from './result-json.js';
