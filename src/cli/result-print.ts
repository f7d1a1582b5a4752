/**
 * How the chain clients show what a run did (a receipt, a call, a dry run): one summary for
 * people, and one JSON shape (src/chain/result-json.ts) with bytes as text when they are UTF-8.
 */
import { bytesToJson, plainLines } from '../contract/index.js';
import type { QvmResult } from '../chain/result-json.js';

const bytesOf = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.slice(2), 'hex'));

/** Text when it is printable UTF-8, else 0x-hex; with `multiline`, newlines are text too. */
export function shown(h: string, multiline = false): string {
  const b = bytesOf(h);
  const s = Buffer.from(b).toString('utf8');
  // eslint-disable-next-line no-control-regex -- control characters are what this test looks for
  const control = multiline ? /[\x00-\x08\x0b-\x1f\x7f]/ : /[\x00-\x08\x0a-\x1f\x7f]/;
  return Buffer.from(s, 'utf8').equals(Buffer.from(b)) && !control.test(s) ? s : h;
}

/** A labelled value of several lines: the first after the label, the rest indented under it. */
function labelled(label: string, text: string): string[] {
  const lines = text.replace(/\n+$/, '').split('\n');
  return [`${label.padEnd(10)}${lines[0]}`, ...lines.slice(1).map((l) => `${' '.repeat(10)}${l}`)];
}

export function resultText(r: QvmResult): string {
  const ok = r.status === 'success';
  const lines = [`status    ${ok ? 'success' : 'failure'}${r.failure ? ` (${r.failure.reason})` : ''}`];
  if (r.transactionHash) lines.push(`tx        ${r.transactionHash}`, `block     ${r.blockNumber}`);
  else lines.push('dry run   (no transaction: nothing was stored)');
  lines.push(`gas used  ${r.gasUsed} (vm ${r.vmGasUsed}, intrinsic ${r.intrinsicGas})`);
  if (r.contractAddress) lines.push(`contract  ${r.contractAddress}`);
  if (r.reads.length) lines.push(`reads     ${r.reads.join(', ')}`);
  for (const w of r.writes) lines.push(`write     ${w.key} = ${w.value === null ? '(value not recorded)' : shown(w.value)}`);
  if (r.deletes.length) lines.push(`deletes   ${r.deletes.join(', ')}`);
  // a failure's event is its reason or the start of its stderr: several lines, shown as they are
  for (const e of r.events) lines.push(...(ok ? [`event     ${shown(e.data)}`] : labelled('error', shown(e.data, true))));
  for (const l of plainLines(bytesOf(r.stdout))) lines.push(`output    ${shown(`0x${Buffer.from(l).toString('hex')}`)}`);
  if (!ok && r.stderr !== '0x' && !r.events.some((e) => e.data === r.stderr)) lines.push(...labelled('stderr', shown(r.stderr, true)));
  return lines.join('\n') + '\n';
}

/** The JSON shape with bytes as text (or {base64}), as `qvm run --json` shows them. */
export function resultJson(r: QvmResult): Record<string, unknown> {
  const j = (h: string): unknown => bytesToJson(bytesOf(h));
  return {
    ...r,
    writes: r.writes.map((w) => ({ key: w.key, value: w.value === null ? null : j(w.value) })),
    events: r.events.map((e) => ({ topic0: e.topic0, data: j(e.data) })),
    stdout: j(r.stdout),
    stderr: j(r.stderr),
  };
}
