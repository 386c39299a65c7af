// Deterministic fault injection: a seeded PRNG decides which requests fail and how.
import { prng as mulberry32 } from '../prng.js';

/** Fault kinds: error statuses, a dropped connection, a slow answer, or an applied-but-unanswered request. */
export type FaultKind = '500' | '503' | 'reset' | 'delay' | 'lost-response';

/** All fault kinds. */
export const FAULT_KINDS: readonly FaultKind[] = ['500', '503', 'reset', 'delay', 'lost-response'];

/** Fault configuration. */
export interface FaultOptions {
  /** Fraction of eligible requests to fault, 0..1. */
  rate: number;
  /** Kinds to choose from (uniformly); default all. */
  kinds?: FaultKind[];
  /** PRNG seed; the same seed and request sequence give the same faults. Default 1. */
  seed?: number;
  /** Delay for 'delay' faults, capped at 10 s. Default 200 ms. */
  delayMs?: number;
  /** Only fault POST/PUT/DELETE. */
  mutatingOnly?: boolean;
  /** After this many faults in a row the next request passes, so bounded retries always succeed. Default 2. */
  maxConsecutive?: number;
  /** Stop injecting after this many faults in total. */
  maxFaults?: number;
}

/** Decides faults request by request and counts what it injected. */
export class FaultInjector {
  readonly counts: Record<FaultKind, number> = { '500': 0, '503': 0, reset: 0, delay: 0, 'lost-response': 0 };
  private opts: FaultOptions | undefined;
  private rand: () => number = mulberry32(1);
  private streak = 0;
  private total = 0;

  /** Replaces the configuration (undefined or rate 0 turns faults off) and reseeds the PRNG. */
  configure(opts: FaultOptions | undefined): void {
    if (opts && (!(opts.rate >= 0 && opts.rate <= 1) || opts.kinds?.some((k) => !FAULT_KINDS.includes(k))))
      throw new Error(`invalid fault options: ${JSON.stringify(opts)}`);
    this.opts = opts && opts.rate > 0 ? opts : undefined;
    this.rand = mulberry32(opts?.seed ?? 1);
    this.streak = 0;
    this.total = 0;
  }

  /** Current configuration, for the control endpoint. */
  get options(): FaultOptions | undefined {
    return this.opts;
  }

  /** Delay applied by 'delay' faults. */
  get delayMs(): number {
    return Math.min(Math.max(this.opts?.delayMs ?? 200, 0), 10_000);
  }

  /** Picks the fault for a request, or undefined to let it through. */
  decide(method: string): FaultKind | undefined {
    const o = this.opts;
    if (!o) return undefined;
    if (o.mutatingOnly && !['POST', 'PUT', 'DELETE'].includes(method)) return undefined;
    if (o.maxFaults !== undefined && this.total >= o.maxFaults) return undefined;
    const roll = this.rand();
    const pick = this.rand();
    if (this.streak >= (o.maxConsecutive ?? 2) || roll >= o.rate) {
      this.streak = 0;
      return undefined;
    }
    const kinds = o.kinds?.length ? o.kinds : FAULT_KINDS;
    const kind = kinds[Math.floor(pick * kinds.length)]!;
    this.streak++;
    this.total++;
    this.counts[kind]++;
    return kind;
  }
}
