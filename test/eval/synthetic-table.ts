/** Synthetic embeddings tables with planted signals, for the probe and brain-age tests. */
import { parseEmbeddingsCsv, type EmbeddingsTable } from '../../src/eval/embeddings-csv.js';
import { createRng } from '../../src/rng.js';

export interface SyntheticOptions {
  subjects?: number;
  visits?: number;
  dim?: number;
  seed?: number;
  /** z0 = ±shift by diagnosis (AD +, CN −) plus unit noise */
  labelShift?: number;
  /** z1 grows by this many units per year in AD subjects only (a longitudinal signal) */
  adRate?: number;
  /** z2 = ageWeight·(age − 70) plus unit noise */
  ageWeight?: number;
  /** tau_proj = tauPerYear·age (+ tauPerYearAdExtra·years since baseline for AD) + noise·N(0,1) */
  tauPerYear?: number;
  tauAdExtra?: number;
  tauNoise?: number;
}

export function syntheticCsv(options: SyntheticOptions = {}): string {
  const rng = createRng(options.seed ?? 0);
  const subjects = options.subjects ?? 40;
  const visits = options.visits ?? 3;
  const dim = options.dim ?? 6;
  const header = [
    'subject',
    'session',
    'age',
    'diagnosis',
    'sex',
    ...Array.from({ length: dim }, (_, k) => `z${k}`),
    'tau_proj',
  ];
  const lines = [header.join(',')];
  for (let s = 0; s < subjects; s++) {
    const ad = s % 2 === 0;
    const baseAge = 60 + rng.uniform(0, 20);
    const sex = rng.next() < 0.5 ? 'F' : 'M';
    const offsets = Array.from({ length: dim }, () => rng.normal());
    for (let v = 0; v < visits; v++) {
      const years = v * (1 + rng.uniform(0, 0.5));
      const age = baseAge + years;
      const z = offsets.map((o) => o + 0.3 * rng.normal());
      z[0] += (ad ? 1 : -1) * (options.labelShift ?? 0);
      if (dim > 1 && ad) z[1] += (options.adRate ?? 0) * years;
      if (dim > 2) z[2] += (options.ageWeight ?? 0) * (age - 70);
      const tau =
        (options.tauPerYear ?? 0.1) * age +
        (ad ? (options.tauAdExtra ?? 0) : 0) * years +
        (options.tauNoise ?? 0.05) * rng.normal();
      lines.push(
        [
          `sub-${s}`,
          `ses-${v + 1}`,
          age.toFixed(4),
          ad ? 'AD' : 'CN',
          sex,
          ...z.map((x) => x.toFixed(6)),
          tau.toFixed(6),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function syntheticTable(options: SyntheticOptions = {}): EmbeddingsTable {
  return parseEmbeddingsCsv(syntheticCsv(options), 'synthetic.csv');
}
