/** Amounts with units for `--value` (`1ether`, `2.5gwei`, `100`, `0x10`): plain numbers are wei. */
import { UserError } from '../errors.js';

/** Decimal places of each unit, as in ethers/viem/cast. */
const UNITS: Readonly<Record<string, number>> = { wei: 0, kwei: 3, mwei: 6, gwei: 9, szabo: 12, finney: 15, ether: 18, eth: 18 };

/** Parses an amount into wei; throws a UserError with a one-line message. */
export function parseAmount(v: string): bigint {
  const s = v.trim().toLowerCase();
  if (/^0x[0-9a-f]+$/.test(s)) return BigInt(s);
  const m = /^([0-9]+)(?:\.([0-9]+))?\s*([a-z]*)$/.exec(s);
  if (!m) throw new UserError(`"${v}" is not an amount (e.g. 1000, 1ether, 2.5gwei, 0x10)`);
  const [, whole, frac = '', unit = ''] = m;
  const places = unit === '' ? 0 : UNITS[unit];
  if (places === undefined) throw new UserError(`unknown unit "${unit}" (use ${Object.keys(UNITS).join(', ')})`);
  if (frac.replace(/0+$/, '').length > places) throw new UserError(`"${v}" is not a whole number of wei`);
  return BigInt(whole! + frac.padEnd(places, '0').slice(0, places));
}

/** wei as ether, exactly ("1.5 ETH", "0 ETH"). */
export function formatEther(wei: bigint): string {
  const s = wei.toString().padStart(19, '0');
  const frac = s.slice(-18).replace(/0+$/, '');
  return `${s.slice(0, -18)}${frac ? `.${frac}` : ''} ETH`;
}
