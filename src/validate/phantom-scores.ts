/**
 * How well a representation of held-out phantom subjects follows the phantom's ground truth:
 * Δtau_proj against the true change in atrophy (ground_truth.tsv) over every ordered visit pair,
 * and within each diagnosis group against Δage; and the diagnosis from the change features Δz
 * (`lssl probe --features delta`), the LSSL paper's downstream use of a longitudinal encoder.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { LsslError } from '../errors.js';
import type { Cohort } from '../io/cohort.js';
import { makePairs } from '../io/pairs.js';
import { scanKey } from '../train/cohort-data.js';
import { pearsonR } from '../eval/metrics.js';
import type { EmbeddingsTable } from '../eval/embeddings-csv.js';
import { probe, type ClassProbeResult } from '../eval/probe/probe.js';

/** How well Δtau_proj of held-out pairs follows the ground truth. */
export interface DirectionScores {
  /** r(Δtau_proj, Δatrophy) over all held-out pairs */
  r_delta_atrophy: number;
  /** r(Δtau_proj, Δage) within each diagnosis group */
  r_delta_age_by_group: Record<string, number>;
  /** r(Δtau_proj, Δage) over all held-out pairs (weaker: diagnosis changes the rate) */
  r_delta_age: number;
  /** r(Δtau_proj, Δatrophy) within each diagnosis group */
  r_delta_atrophy_by_group: Record<string, number>;
  seconds_per_epoch: number;
}

/** A pair of held-out visits with its true change. */
export interface HeldOutPair {
  group: string;
  earlier: string;
  later: string;
  dAtrophy: number;
  dAge: number;
}

/** (subject, session) → atrophy, from the phantom's ground_truth.tsv. */
async function atrophyOf(cohortDir: string): Promise<Map<string, number>> {
  const text = await readFile(join(cohortDir, 'ground_truth.tsv'), 'utf8');
  const rows = Papa.parse<Record<string, string>>(text, { header: true, delimiter: '\t', skipEmptyLines: true }).data;
  const strip = (id: string, prefix: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  return new Map(
    rows.map((r) => [`${strip(r.participant_id, 'sub-')}/${strip(r.session_id, 'ses-')}`, Number(r.atrophy)]),
  );
}

/** Every ordered visit pair of `cohort` (simulated into `cohortDir`) with its true Δatrophy and Δage. */
export async function heldOutPairs(cohort: Cohort, cohortDir: string): Promise<HeldOutPair[]> {
  const atrophy = await atrophyOf(cohortDir);
  return makePairs(cohort).map((p) => {
    const [earlier, later] = [scanKey(p.earlier), scanKey(p.later)];
    return {
      group: String(p.earlier.covariates.diagnosis ?? 'n/a'),
      earlier,
      later,
      dAtrophy: atrophy.get(later)! - atrophy.get(earlier)!,
      dAge: p.gapYears,
    };
  });
}

const groupsOf = (pairs: readonly HeldOutPair[]) => [...new Set(pairs.map((p) => p.group))].sort();

export function byGroup(pairs: readonly HeldOutPair[], score: (xs: HeldOutPair[]) => number): Record<string, number> {
  return Object.fromEntries(groupsOf(pairs).map((g) => [g, score(pairs.filter((p) => p.group === g))]));
}

/** Pearson r, or NaN where it is undefined (a representation that does not move gives a constant Δtau_proj). */
function pearsonOrNaN(x: number[], y: number[]): number {
  try {
    return pearsonR(x, y);
  } catch {
    return Number.NaN;
  }
}

/** Scores the projections `tauProj` (scan key → z·τ/‖τ‖) on the held-out pairs. */
export function scoreDirection(
  pairs: readonly HeldOutPair[],
  tauProj: ReadonlyMap<string, number>,
  secondsPerEpoch: number,
): DirectionScores {
  const dTau = (xs: HeldOutPair[]) => xs.map((p) => tauProj.get(p.later)! - tauProj.get(p.earlier)!);
  const r = (xs: HeldOutPair[], key: 'dAtrophy' | 'dAge') =>
    pearsonOrNaN(
      dTau(xs),
      xs.map((p) => p[key]),
    );
  return {
    r_delta_atrophy: r([...pairs], 'dAtrophy'),
    r_delta_age_by_group: byGroup(pairs, (xs) => r(xs, 'dAge')),
    r_delta_age: r([...pairs], 'dAge'),
    r_delta_atrophy_by_group: byGroup(pairs, (xs) => r(xs, 'dAtrophy')),
    seconds_per_epoch: secondsPerEpoch,
  };
}

/** The within-group ceiling of r(Δtau_proj, Δage): r(Δatrophy, Δage), below 1 since every subject has its own rate. */
export function ceilingByGroup(pairs: readonly HeldOutPair[]): Record<string, number> {
  return byGroup(pairs, (xs) =>
    pearsonOrNaN(
      xs.map((p) => p.dAtrophy),
      xs.map((p) => p.dAge),
    ),
  );
}

/**
 * Balanced accuracy of diagnosis from the change features Δz/Δt of consecutive visits, by a
 * linear probe over 5 subject folds of the held-out subjects (`lssl probe --features delta`);
 * NaN for a cohort too small to fold (fewer than 5 subjects in a class).
 */
export function deltaBalancedAccuracy(table: EmbeddingsTable, seed: number): number {
  try {
    return (probe(table, { target: 'diagnosis', features: 'delta', seed, kind: 'class' }) as ClassProbeResult)
      .balanced_accuracy;
  } catch (error) {
    if (error instanceof LsslError) return Number.NaN;
    throw error;
  }
}
