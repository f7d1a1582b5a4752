/** The contract layer (SPEC §2, §4): calls and deploys of contracts, the stdout protocol, gas. */
export * from './call.js';
export * from './protocol.js';
export * from './gas.js';
export * from './state.js';
