import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { brainAgeAxis } from '../../../src/eval/ageaxis.js';
import { readEmbeddingsCsv } from '../../../src/eval/embeddings-csv.js';
import { probe } from '../../../src/eval/probe/probe.js';
import { writeReport, type ReportResult } from '../../../src/eval/report/report.js';
import { LsslError } from '../../../src/errors.js';
import { DEFAULT_HISTORY, makeFakeRun } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'lssl-report-'));
const SIGNAL = {
  subjects: 24,
  visits: 3,
  dim: 4,
  seed: 3,
  adRate: 2.0,
  ageWeight: 0.3,
  tauPerYear: 0.1,
  tauAdExtra: 0.5,
};
const NOISE = { subjects: 24, visits: 3, dim: 4, seed: 4 };
// Two folds of a fine-tuning history; the report averages them per epoch.
const FINETUNE =
  [
    'fold,epoch,split,loss,balanced_accuracy',
    '1,1,validation,0.7,0.6',
    '2,1,validation,0.5,0.8',
    '1,2,validation,0.4,0.9',
    '2,2,validation,0.2,0.7',
  ].join('\n') + '\n';

let lsslDir: string;
let aeDir: string;
let out: string;
let result: ReportResult;
const csvRows = (text: string) => Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;

beforeAll(async () => {
  lsslDir = makeFakeRun(join(root, 'lssl'), {
    method: 'lssl',
    embeddings: SIGNAL,
    tau: true,
    finetune: { diagnosis: FINETUNE },
  });
  aeDir = makeFakeRun(join(root, 'ae<&>'), { method: 'ae', embeddings: NOISE });
  out = join(root, 'out');
  result = await writeReport([lsslDir, aeDir], { out, targets: ['diagnosis', 'age'], folds: 3 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('summary.csv', () => {
  test('one row per run × target × feature set, every metric as mean and sd', () => {
    const rows = csvRows(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(rows.map((r) => `${r.run}/${r.target}/${r.features}`)).toEqual([
      'lssl/diagnosis/z',
      'lssl/diagnosis/delta',
      'lssl/age/z',
      'lssl/age/delta',
      'ae<&>/diagnosis/z',
      'ae<&>/diagnosis/delta',
      'ae<&>/age/z',
      'ae<&>/age/delta',
    ]);
    const columns = Object.keys(rows[0]);
    for (const m of ['balanced_accuracy', 'auc', 'sensitivity', 'specificity', 'mae', 'r', 'r2'])
      expect(columns).toEqual(expect.arrayContaining([`${m}_mean`, `${m}_sd`]));
    expect(rows.map((r) => r.method)).toEqual(['lssl', 'lssl', 'lssl', 'lssl', 'ae', 'ae', 'ae', 'ae']);
    expect(rows[0].kind).toBe('class');
    expect(rows[0].mae_mean).toBe('');
    expect(rows[2].kind).toBe('numeric');
    expect(rows[2].balanced_accuracy_mean).toBe('');
  });

  test('values are those of calling the probe directly (mean, and sample sd over folds by hand)', () => {
    const rows = csvRows(readFileSync(join(out, 'summary.csv'), 'utf8'));
    const table = readEmbeddingsCsv(join(lsslDir, 'embeddings.csv'));
    const direct = probe(table, { target: 'diagnosis', features: 'delta', folds: 3 });
    if (direct.kind !== 'class') throw new Error('expected a class probe');
    const row = rows[1];
    expect(Number(row.balanced_accuracy_mean)).toBe(direct.balanced_accuracy);
    expect(Number(row.auc_mean)).toBe(direct.auc);
    const v = direct.per_fold.balanced_accuracy;
    const m = (v[0] + v[1] + v[2]) / 3;
    const sd = Math.sqrt(((v[0] - m) ** 2 + (v[1] - m) ** 2 + (v[2] - m) ** 2) / 2);
    expect(Number(row.balanced_accuracy_sd)).toBeCloseTo(sd, 12);
    expect(Number(row.n_subjects)).toBe(24);
    expect(Number(row.n_rows)).toBe(48); // 24 subjects × 2 consecutive pairs
    const age = probe(table, { target: 'age', features: 'z', folds: 3 });
    if (age.kind !== 'numeric') throw new Error('expected a numeric probe');
    expect(Number(rows[2].mae_mean)).toBe(age.mae);
  });

  test('the planted longitudinal signal shows in delta features of the signal run only', () => {
    const rows = csvRows(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(Number(rows[1].balanced_accuracy_mean)).toBeGreaterThan(0.9);
    expect(Number(rows[5].balanced_accuracy_mean)).toBeLessThan(0.75);
  });

  test('brain-age axis columns for the run with tau_proj, empty for the other', () => {
    const rows = csvRows(readFileSync(join(out, 'summary.csv'), 'utf8'));
    const axis = brainAgeAxis(readEmbeddingsCsv(join(lsslDir, 'embeddings.csv')));
    expect(Number(rows[0].axis_r_tau_age)).toBe(axis.r_tau_age);
    expect(Number(rows[3].axis_age_mae)).toBe(axis.age_mae);
    const ad = axis.per_label.find((l) => l.label === 'AD')!;
    expect(Number(rows[0].axis_rate_AD_mean)).toBe(ad.rate_mean);
    expect(rows[0].axis_rate_p_AD_vs_CN).not.toBe('');
    expect(rows[4].axis_r_tau_age).toBe('');
  });
});

describe('convergence.csv', () => {
  test('training rows reproduce history.csv, probe rows every iteration, fine-tuning averaged over folds', () => {
    const rows = csvRows(readFileSync(join(out, 'convergence.csv'), 'utf8'));
    expect(Object.keys(rows[0])).toEqual([
      'run',
      'method',
      'curve',
      'target',
      'features',
      'split',
      'metric',
      'unit',
      'step',
      'value',
    ]);
    const training = rows.filter((r) => r.run === 'lssl' && r.curve === 'training');
    expect(training).toHaveLength(6 * 2); // 6 history rows × (loss, recon)
    const historyLines = DEFAULT_HISTORY.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    for (const [epoch, split, loss] of historyLines) {
      expect(training.find((r) => r.step === epoch && r.split === split && r.metric === 'loss')?.value).toBe(loss);
    }
    const probeRows = rows.filter(
      (r) =>
        r.run === 'lssl' &&
        r.curve === 'probe' &&
        r.target === 'diagnosis' &&
        r.features === 'delta' &&
        r.metric === 'balanced_accuracy',
    );
    const direct = probe(readEmbeddingsCsv(join(lsslDir, 'embeddings.csv')), {
      target: 'diagnosis',
      features: 'delta',
      folds: 3,
    });
    expect(probeRows.map((r) => Number(r.value))).toEqual(
      direct.curve.map((p) => (p as { balanced_accuracy: number }).balanced_accuracy),
    );
    expect(probeRows.every((r) => r.unit === 'iteration' && r.split === 'test')).toBe(true);
    const finetune = rows.filter((r) => r.curve === 'finetune');
    expect(finetune.map((r) => [r.run, r.target, r.metric, r.step, Number(r.value)])).toEqual([
      ['lssl', 'diagnosis', 'balanced_accuracy', '1', 0.7],
      ['lssl', 'diagnosis', 'balanced_accuracy', '2', 0.8],
      ['lssl', 'diagnosis', 'loss', '1', 0.6],
      ['lssl', 'diagnosis', 'loss', '2', 0.30000000000000004],
    ]);
  });
});

describe('report.html', () => {
  test('one <svg> per plot, the comparison table, and every run name escaped', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const figures = html.match(/<figure class="plot"/g) ?? [];
    // training loss, probe convergence, fine-tuning, tau_proj vs age, progression rate
    expect(figures).toHaveLength(5);
    expect(result.plots).toHaveLength(5);
    expect((html.match(/<svg[\s>]/g) ?? []).length).toBe(5);
    for (const id of ['plot-training', 'plot-probe', 'plot-finetune', 'plot-tau-age', 'plot-rates'])
      expect(html).toContain(`id="${id}"`);
    expect(html).toContain('<table class="data comparison">');
    expect(html).toContain('ae&lt;&amp;&gt;');
    expect(html).not.toContain('ae<&>');
  });

  test('self-contained: no http(s) reference outside SVG xmlns attributes, no scripts, no external sources', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const withoutXmlns = html.replace(/\sxmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '');
    expect(withoutXmlns).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script|<link[^>]+stylesheet|@import|url\(/i);
    for (const m of html.matchAll(/\s(?:src|href)="([^"]*)"/g)) expect(m[1]).toMatch(/^(data:|#)/);
  });

  test('writes atomically: only the four files (progression.csv for the tau_proj run), no temporary names left', () => {
    expect(readdirSync(out).sort()).toEqual(['convergence.csv', 'progression.csv', 'report.html', 'summary.csv']);
  });
});

describe('errors', () => {
  test('a run without embeddings.csv is an input error naming the run and saying how to make it', async () => {
    const bare = makeFakeRun(join(root, 'bare'), { method: 'vae', noEmbeddings: true });
    const error = await writeReport([lsslDir, bare], { out: join(root, 'out-bare') }).catch((e) => e);
    expect(error).toBeInstanceOf(LsslError);
    expect(error.message).toContain("run 'bare' has no embeddings.csv");
    expect(error.message).toContain('lssl embed');
    expect(error.exitCode).toBe(2);
  });

  test('an unknown target names the run and the column', async () => {
    const error = await writeReport([aeDir], { out: join(root, 'out-target'), targets: ['grade'], folds: 3 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LsslError);
    expect(error.message).toMatch(/run 'ae<&>', probe of 'grade'.*no column 'grade'/);
  });

  test('a lab folder is shown as a theory-checks table', async () => {
    const labs = join(root, 'labs');
    (await import('node:fs')).mkdirSync(labs, { recursive: true });
    (await import('node:fs')).writeFileSync(
      join(labs, 'hltm.json'),
      JSON.stringify({ experiment: 'hltm', best_corr: { mean: 0.93 }, note: '<b>' }),
    );
    const r = await writeReport([aeDir], {
      out: join(root, 'out-labs'),
      targets: ['age'],
      features: ['z'],
      folds: 3,
      labs,
    });
    expect(r.html).toContain('id="theory"');
    expect(r.html).toContain('<td>best_corr.mean</td><td>0.9300</td>');
    expect(r.html).toContain('&lt;b&gt;');
  });
});
