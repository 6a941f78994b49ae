/**
 * The design matrix of a linear probe: which rows and which features.
 *
 * - `z`: one row per scan, its latent z, its own target value.
 * - `delta`: one row per pair of consecutive visits of a subject (sorted by age),
 *   (z_later − z_earlier)/Δt with Δt in years: the longitudinal feature of the LSSL line of
 *   work (Zhao et al. 2021; Ouyang et al. 2021). A class target takes the subject's label
 *   (its value at the last visit where it is known: follow-up makes diagnoses more specific,
 *   e.g. MCI → AD); a numeric target takes the mean of the pair's two values (for `age`, the
 *   pair's mean age; note that a rate of change says little about absolute age).
 * - `both`: the earlier scan's z followed by the delta, one row per pair (targets as delta).
 */
import { inputError } from '../../errors.js';
import { columnText, type EmbeddingRow, type EmbeddingsTable } from '../embeddings-csv.js';

export type ProbeFeatures = 'z' | 'delta' | 'both';
export const PROBE_FEATURES: readonly ProbeFeatures[] = ['z', 'delta', 'both'];

export interface DesignRow {
  subject: string;
  /** features: [latentDim] for z and delta, [2·latentDim] for both */
  x: Float64Array;
  /** raw target text; undefined when missing */
  target: string | undefined;
  /** age of the (later) scan, years */
  age: number;
  /** line of the (later) scan in the file, for messages */
  line: number;
}

/** Each subject's scans sorted by age (then session), in order of first appearance. */
export function scansBySubject(table: EmbeddingsTable): Map<string, EmbeddingRow[]> {
  const bySubject = new Map<string, EmbeddingRow[]>();
  for (const row of table.rows) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
  for (const scans of bySubject.values()) scans.sort((a, b) => a.age - b.age || a.session.localeCompare(b.session));
  return bySubject;
}

/** Consecutive visit pairs (earlier, later) of every subject, with Δt = age difference > 0. */
export function consecutivePairs(
  table: EmbeddingsTable,
): { subject: string; earlier: EmbeddingRow; later: EmbeddingRow; years: number }[] {
  const pairs: { subject: string; earlier: EmbeddingRow; later: EmbeddingRow; years: number }[] = [];
  for (const [subject, scans] of scansBySubject(table)) {
    for (let i = 0; i + 1 < scans.length; i++) {
      const years = scans[i + 1].age - scans[i].age;
      if (!(years > 0)) {
        throw inputError(
          `subject ${subject} has two visits at the same age ${scans[i].age} (sessions ${scans[i].session} and ${scans[i + 1].session}); a change per year needs increasing ages`,
          table.file,
          scans[i + 1].line,
        );
      }
      pairs.push({ subject, earlier: scans[i], later: scans[i + 1], years });
    }
  }
  return pairs;
}

/** The subject's label: its value at the last visit where the target is known. */
function subjectLabel(table: EmbeddingsTable, scans: EmbeddingRow[], target: string): string | undefined {
  for (let i = scans.length - 1; i >= 0; i--) {
    const value = columnText(table, scans[i], target);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Builds the probe's rows. `numericTarget` selects how a pair gets its target (mean of the
 * two visits) versus a class (the subject's label).
 */
export function probeDesign(
  table: EmbeddingsTable,
  target: string,
  features: ProbeFeatures,
  numericTarget: boolean,
): DesignRow[] {
  if (!PROBE_FEATURES.includes(features))
    throw inputError(`features must be one of ${PROBE_FEATURES.join(', ')}, not '${features}'`);
  if (table.rows.length > 0) columnText(table, table.rows[0], target); // unknown column → error naming it
  if (features === 'z') {
    return table.rows.map((row) => ({
      subject: row.subject,
      x: row.z,
      target: columnText(table, row, target),
      age: row.age,
      line: row.line,
    }));
  }
  const pairs = consecutivePairs(table);
  if (pairs.length === 0)
    throw inputError(
      `'${features}' features need subjects with at least two visits; every subject has one`,
      table.file,
    );
  const bySubject = scansBySubject(table);
  const d = table.latentDim;
  return pairs.map(({ subject, earlier, later, years }) => {
    const x = new Float64Array(features === 'both' ? 2 * d : d);
    const offset = features === 'both' ? d : 0;
    if (features === 'both') x.set(earlier.z);
    for (let k = 0; k < d; k++) x[offset + k] = (later.z[k] - earlier.z[k]) / years;
    let value: string | undefined;
    if (numericTarget) {
      const a = columnText(table, earlier, target);
      const b = columnText(table, later, target);
      value = a === undefined || b === undefined ? undefined : String((Number(a) + Number(b)) / 2);
    } else {
      value = subjectLabel(table, bySubject.get(subject)!, target);
    }
    return { subject, x, target: value, age: later.age, line: later.line };
  });
}
