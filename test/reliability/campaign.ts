/**
 * What a reliability campaign is and what it reports. Each campaign is seeded and replayable
 * (`scripts/reliability.sh --only NAME --seed N`), runs a bounded number of iterations, and
 * reports its figures (runs, crashes of the VM, hangs, …) with a verdict.
 */
export interface CampaignOptions {
  /** The ≤ 10-minute variant: fewer iterations, same checks. */
  quick: boolean;
  seed: number;
  /** Iterations instead of the campaign's default (`--size N`), for campaigns that take one. */
  size?: number;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export interface CampaignResult {
  ok: boolean;
  /** The figures, in the order they are printed (e.g. runs, crashes, hangs). */
  figures: Array<[string, number | string]>;
  /** Why it failed, or notable observations (each a short line). */
  notes: string[];
}

export interface Campaign {
  name: string;
  /** One line: what is tried. */
  what: string;
  run(opts: CampaignOptions): Promise<CampaignResult>;
}

/** A campaign's iterations: `--size N`, else the quick or the full default. */
export interface Sizes { quick: number; full: number }

/**
 * Builds a campaign from its name, its one-line description and its body; the body gets a fresh
 * tally and the number of iterations to run (0 where the campaign takes no size).
 */
export function campaign(
  name: string,
  what: string,
  sizes: Sizes | null,
  body: (t: Tally, size: number, opts: CampaignOptions) => Promise<CampaignResult>,
): Campaign {
  return {
    name,
    what,
    run: (opts) => body(new Tally(), opts.size ?? (sizes === null ? 0 : opts.quick ? sizes.quick : sizes.full), opts),
  };
}

/** Collects figures and failure notes while a campaign runs. */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly notes: string[] = [];
  private failed = false;

  add(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Record a failure (the first 10 are kept as notes). */
  fail(note: string): void {
    this.failed = true;
    if (this.notes.length < 10) this.notes.push(note);
  }

  note(line: string): void {
    this.notes.push(line);
  }

  result(order: string[], extra: Array<[string, number | string]> = []): CampaignResult {
    const figures: Array<[string, number | string]> = order.map((k) => [k, this.get(k)]);
    for (const [k, v] of this.counts) if (!order.includes(k)) figures.push([k, v]);
    return { ok: !this.failed, figures: [...figures, ...extra], notes: this.notes };
  }
}

/** Percentile of a sample (nearest rank), in the sample's unit. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
