/**
 * Writing a GasProfile out: speedscope's JSON file format (a "sampled" profile whose samples are
 * the distinct call stacks and whose weights are their gas) and folded stacks (one
 * `frame;frame;frame gas` line per stack, the input of flamegraph.pl and most flame-graph tools).
 * Pure functions: the browser pages use them too.
 */
import type { GasProfile } from './types.js';

export type ProfileFormat = 'speedscope' | 'folded';
export const PROFILE_FORMATS: readonly ProfileFormat[] = ['speedscope', 'folded'];

export interface SpeedscopeFile {
  $schema: string;
  exporter: string;
  name: string;
  activeProfileIndex: number;
  shared: { frames: Array<{ name: string }> };
  profiles: Array<{
    type: 'sampled';
    name: string;
    unit: 'none';
    startValue: number;
    endValue: number;
    samples: number[][];
    weights: number[];
  }>;
}

export function toSpeedscope(p: GasProfile, name: string): SpeedscopeFile {
  const index = new Map<string, number>();
  const frames: Array<{ name: string }> = [];
  const samples: number[][] = [];
  const weights: number[] = [];
  for (const s of p.stacks) {
    samples.push(s.frames.map((f) => {
      let i = index.get(f);
      if (i === undefined) {
        index.set(f, (i = frames.length));
        frames.push({ name: f });
      }
      return i;
    }));
    weights.push(s.gas);
  }
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    exporter: 'qvm',
    name,
    activeProfileIndex: 0,
    shared: { frames },
    profiles: [{ type: 'sampled', name: `${name} (gas)`, unit: 'none', startValue: 0, endValue: p.gasUsed, samples, weights }],
  };
}

/** Folded stacks; a ';' or newline inside a name would break the format, so they become '_'. */
export function toFolded(p: GasProfile): string {
  return p.stacks.map((s) => `${s.frames.map((f) => f.replace(/[;\n]/g, '_')).join(';')} ${s.gas}\n`).join('');
}

export function formatProfile(p: GasProfile, format: ProfileFormat, name: string): string {
  return format === 'folded' ? toFolded(p) : JSON.stringify(toSpeedscope(p, name)) + '\n';
}
