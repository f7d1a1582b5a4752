/**
 * eth_call, eth_estimateGas and qvm_call: dry runs of a call object. The RPC server runs them off
 * its thread when it has an executor (rpc.ts handleOffloaded), with the same parameter checks.
 */
import { quantity, type Hex } from './bytes.js';
import type { Chain, DryRunInput, DryRunResult } from './chain.js';
import { invalid, optional, p, RpcError, type Params } from './rpc-params.js';
import { checkArgs, method, type Args, type MethodTable, type ParamSpec, type RpcHost } from './rpc-table.js';
import { dryRunResult, stderrLine } from './result-json.js';

/** Methods whose contract run the server may give to its executor. */
export const OFFLOADED = new Set(['eth_call', 'eth_estimateGas', 'qvm_call']);

/** A failed run as JSON-RPC error 3, with the contract's stderr as data (as a revert's data in geth). */
export function reverted(exec: { failure: { reason: string } | null; stderr: Hex }): RpcError {
  const err = stderrLine(exec.stderr);
  return new RpcError(3, `execution reverted: ${exec.failure?.reason ?? ''}${err ? `: ${err}` : ''}`, exec.stderr);
}

/** A gas estimate from a dry run that succeeded. */
export function estimateFrom(chain: Chain, r: DryRunResult): bigint {
  if (r.exec.kind === 'transfer') return r.gasUsed;
  // the block context of the real run differs (number, time, tx hash): leave a margin
  const est = r.gasUsed + BigInt(r.exec.vmGasUsed) / 4n + 10_000n;
  return est > chain.blockGasLimit ? chain.blockGasLimit : est;
}

/** geth's third parameter: QVM has no state overrides, so one that would change anything is refused. */
const noOverrides: ParamSpec<undefined> = {
  name: 'state overrides',
  optional: true,
  check: (v) => {
    if (typeof v === 'object' && v !== null && Object.keys(v).length === 0) return undefined;
    throw invalid('state overrides are not supported');
  },
};

const dryParams = [p.call(), optional(p.block()), noOverrides] as const;

/** The checked parameters of eth_call / eth_estimateGas (for the server's executor path). */
export function dryArgs(name: string, params: Params, host: RpcHost): Args<typeof dryParams> {
  return checkArgs(name, callMethods[name]!, params, host) as Args<typeof dryParams>;
}

/** The dry run of eth_call / eth_estimateGas, its gas capped (callGasCap), and the block whose state it reads. */
export function dryCall(name: string, [input, block]: Args<typeof dryParams>, host: RpcHost): { input: DryRunInput; atBlock: number | undefined } {
  if (input.gas === undefined || input.gas > host.callGasCap) input.gas = host.callGasCap;
  // as before the table: eth_call names the head block, eth_estimateGas without a block reads the chain itself
  const atBlock = name === 'eth_call' && block === undefined ? host.chain.latest().number : block;
  return { input, atBlock };
}

/** The answer of eth_call / eth_estimateGas from its dry run. */
export function dryAnswer(name: string, r: DryRunResult, host: RpcHost): unknown {
  if (r.exec.failure) throw reverted(r.exec);
  if (name === 'eth_call') return r.exec.stdout;
  return quantity(estimateFrom(host.chain, r));
}

const dry = (name: string) =>
  method(dryParams, (args, host) => {
    const { input, atBlock } = dryCall(name, args, host);
    return dryAnswer(name, host.chain.dryRun(input, atBlock), host);
  });

const qvmCallParams = [p.call(), optional(p.block())] as const;

/** The checked parameters of qvm_call (for the server's executor path): its gas as asked, and the block. */
export function qvmCallArgs(params: Params, host: RpcHost): Args<typeof qvmCallParams> {
  return checkArgs('qvm_call', callMethods.qvm_call!, params, host) as Args<typeof qvmCallParams>;
}

export const callMethods: MethodTable = {
  eth_call: dry('eth_call'),
  eth_estimateGas: dry('eth_estimateGas'),
  qvm_call: method(qvmCallParams, ([input, block], host) => dryRunResult(host.chain.dryRun(input, block))),
};
