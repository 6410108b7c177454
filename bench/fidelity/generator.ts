/**
 * The fidelity traffic: a deterministic, seeded mix of benign requests, attacks and
 * protocol oddities (see benign.ts, attacks.ts, protocol.ts).
 *
 *   generateTraffic({ seed: 1, count: 6000 })
 */
import { Rng } from './prng.js';
import type { FidelityRequest } from './types.js';
import { BENIGN } from './benign.js';
import { ATTACKS } from './attacks.js';
import { PROTOCOL } from './protocol.js';

export interface TrafficOptions {
  seed?: number;
  count?: number;
  /** Shares of benign / attack / protocol traffic (default 0.45 / 0.45 / 0.10). */
  mix?: { benign: number; attack: number; protocol: number };
}

export const DEFAULT_SEED = 20240611;
export const DEFAULT_COUNT = 6000;

export function generateTraffic(options: TrafficOptions = {}): FidelityRequest[] {
  const rng = new Rng(options.seed ?? DEFAULT_SEED);
  const count = options.count ?? DEFAULT_COUNT;
  const mix = options.mix ?? { benign: 0.45, attack: 0.45, protocol: 0.1 };
  const benign = BENIGN.map(([w, , g]) => [w, g] as const);
  const attack = ATTACKS.map(([w, , g]) => [w, g] as const);
  const protocol = PROTOCOL.map(([w, , g]) => [w, g] as const);
  const out: FidelityRequest[] = [];
  for (let i = 0; i < count; i++) {
    const pool = rng.weighted([[mix.benign, benign], [mix.attack, attack], [mix.protocol, protocol]] as const);
    // Each request draws from its own sub-generator seeded from the main stream, so a change
    // in one generator does not reshuffle every later request.
    const sub = new Rng(Math.floor(rng.next() * 0xffffffff));
    const gen = sub.weighted(pool);
    const r = gen(sub);
    out.push({ id: `r${String(i).padStart(5, '0')}`, ...r });
  }
  return out;
}

/** Counts by kind and family, for the report. */
export function trafficMix(requests: readonly FidelityRequest[]): { kinds: Record<string, number>; families: Record<string, number>; carriers: Record<string, number> } {
  const kinds: Record<string, number> = {};
  const families: Record<string, number> = {};
  const carriers: Record<string, number> = {};
  for (const r of requests) {
    kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    families[`${r.kind}/${r.family}`] = (families[`${r.kind}/${r.family}`] ?? 0) + 1;
    carriers[r.carrier] = (carriers[r.carrier] ?? 0) + 1;
  }
  return { kinds, families, carriers };
}
