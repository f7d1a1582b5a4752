/**
 * The host CPU the differential tests compare against. QVM's own behaviour is fixed; only the
 * host differs, so a test that compares with the host compares bit for bit what every vendor
 * defines alike, and vendor-specific results only when the host is the vendor QVM follows.
 */
import { readFileSync } from 'node:fs';
import { CPU_VENDOR } from '../src/cpu/x86_64/cpuid.js';

export interface HostCpu {
  /** CPUID leaf 0 vendor string, e.g. GenuineIntel or AuthenticAMD ('unknown' off x86-64 Linux). */
  vendor: string;
  /** The brand string (CPUID leaves 0x80000002-4) as Linux shows it. */
  model: string;
}

let cached: HostCpu | undefined;

/** The host's vendor and model, read from /proc/cpuinfo (which Linux fills from CPUID). */
export function hostCpu(): HostCpu {
  if (cached !== undefined) return cached;
  let vendor = 'unknown', model = 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    vendor = /^vendor_id\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? vendor;
    model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? model;
  } catch {
    // not Linux: the native comparisons skip themselves
  }
  cached = { vendor, model };
  return cached;
}

/** True when vendor-specific results can be compared: the host is the vendor QVM follows. */
export function hostFollowsQvmVendor(): boolean {
  return hostCpu().vendor === CPU_VENDOR;
}

/** Counts of comparisons skipped because the host's vendor differs from QVM's, by point. */
export class VendorSkips {
  readonly counts = new Map<string, number>();

  add(point: string): void {
    this.counts.set(point, (this.counts.get(point) ?? 0) + 1);
  }

  /** One line for the test output, e.g. "vendor-specific (host AuthenticAMD, QVM follows GenuineIntel), skipped: a32-rep-zero-count=12". */
  summary(): string {
    const list = [...this.counts].map(([k, v]) => `${k}=${v}`).join(' ');
    return `vendor-specific (host ${hostCpu().vendor}, QVM follows ${CPU_VENDOR}), skipped: ${list || 'none'}`;
  }
}
