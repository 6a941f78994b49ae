import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { olsSlope } from '../../../src/eval/compare/progression.js';
import { readEmbeddingsCsv } from '../../../src/eval/embeddings-csv.js';
import { writeReport, type ReportResult } from '../../../src/eval/report/report.js';
import { makeFakeRun } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'lssl-report-compare-'));
// lssl carries a planted longitudinal signal of diagnosis (z1 grows in AD only); ae and none carry noise
const SIGNAL = { subjects: 30, visits: 3, dim: 4, seed: 3, adRate: 2.0, tauPerYear: 0.1, tauAdExtra: 0.5 };
let result: ReportResult;
let out: string;
let lsslDir: string;

const csvRows = (text: string) => Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;

/** The cells of every row of an HTML table (header row included), tags stripped, entities of escapeHtml undone. */
function tableCells(table: string): string[][] {
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return [...table.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...row[1].matchAll(/<t[hd]>(.*?)<\/t[hd]>/gs)].map((c) => text(c[1])),
  );
}

beforeAll(async () => {
  lsslDir = makeFakeRun(join(root, 'lssl'), { method: 'lssl', embeddings: SIGNAL, tau: true });
  const ae = makeFakeRun(join(root, 'ae'), { method: 'ae', embeddings: { ...SIGNAL, adRate: 0, seed: 4 } });
  const none = makeFakeRun(join(root, 'none'), { method: 'none', embeddings: { ...SIGNAL, adRate: 0, seed: 5 } });
  out = join(root, 'out');
  result = await writeReport([lsslDir, ae, none], {
    out,
    targets: ['diagnosis', 'age'],
    folds: 3,
    resamples: 1999,
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('report.html opens with the verdict table', () => {
  test('the first table of the page is the verdict, lssl ahead of ae and none on diagnosis from Δz', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const body = html.slice(html.indexOf('<body>'));
    const firstTable = /<table[^>]*>.*?<\/table>/s.exec(body)![0];
    expect(firstTable.startsWith('<table class="data verdict">')).toBe(true);
    expect(body.indexOf('<section id="verdict">')).toBeLessThan(body.indexOf('<section id="comparison">'));
    const [header, ...rows] = tableCells(firstTable);
    expect(header).toEqual(['target', 'features', 'comparison', 'metric', 'difference', '95 % CI', 'p', 'verdict']);
    for (const other of ['ae', 'none']) {
      const row = rows.find(
        (r) => r[0] === 'diagnosis' && r[1] === 'delta' && r[2] === `lssl vs ${other}` && r[3] === 'balanced accuracy',
      )!;
      expect(row).toBeDefined();
      const [low, high] = row[5].slice(1, -1).split(', ').map(Number);
      expect(Number(row[4])).toBeGreaterThan(0.2);
      expect(low).toBeGreaterThan(0);
      expect(high).toBeGreaterThanOrEqual(Number(row[4]));
      expect(row[6] === '< 0.001' || Number(row[6]) < 0.01).toBe(true);
      expect(row[7]).toMatch(new RegExp(`^lssl vs ${other}: \\+0\\.\\d\\d balanced accuracy \\[`));
    }
    // ae against none: both noise, compared once, method named first
    expect(rows.some((r) => r[2] === 'ae vs none')).toBe(true);
    expect(rows.some((r) => r[2] === 'none vs ae')).toBe(false);
    expect(result.verdict.find((v) => v.target === 'diagnosis' && v.features === 'delta')!.lines[0]).toMatch(
      /^lssl vs ae: \+/,
    );
  });
});

describe('summary.csv comparison columns', () => {
  test('CIs around the estimate, differences that match the estimates, p-values in (0, 1]', () => {
    const rows = csvRows(readFileSync(join(out, 'summary.csv'), 'utf8'));
    const at = (run: string, target: string, features: string) =>
      rows.find((r) => r.run === run && r.target === target && r.features === features)!;
    for (const row of rows) {
      const metrics = row.kind === 'class' ? ['balanced_accuracy', 'auc'] : ['mae', 'r'];
      for (const m of metrics) {
        const [estimate, low, high] = [row[`${m}_estimate`], row[`${m}_ci_low`], row[`${m}_ci_high`]].map(Number);
        expect(low).toBeLessThanOrEqual(estimate);
        expect(high).toBeGreaterThanOrEqual(estimate);
        for (const reference of ['lssl', 'none']) {
          const p = row[`${m}_p_vs_${reference}`];
          if (row.method === reference) expect(p).toBe('');
          else expect(Number(p) > 0 && Number(p) <= 1).toBe(true);
        }
      }
    }
    // one seed, the same folds (seed 0, 3 folds): the balanced accuracy estimate is the fold mean itself
    const lssl = at('lssl', 'diagnosis', 'delta');
    expect(Number(lssl.balanced_accuracy_estimate)).toBeCloseTo(Number(lssl.balanced_accuracy_mean), 12);
    const ae = at('ae', 'diagnosis', 'delta');
    expect(Number(ae.balanced_accuracy_diff_vs_lssl)).toBeCloseTo(
      Number(ae.balanced_accuracy_estimate) - Number(lssl.balanced_accuracy_estimate),
      12,
    );
    expect(Number(ae.balanced_accuracy_diff_vs_lssl_ci_high)).toBeLessThan(0);
    expect(Number(ae.balanced_accuracy_p_vs_lssl)).toBeLessThan(0.01);
    expect(Number(lssl.balanced_accuracy_diff_vs_none)).toBeGreaterThan(0.2);
    // every existing column is still there, before the new ones
    const columns = Object.keys(rows[0]);
    expect(columns.slice(0, 8)).toEqual([
      'run',
      'method',
      'target',
      'features',
      'kind',
      'n_rows',
      'n_subjects',
      'folds',
    ]);
    expect(columns.indexOf('balanced_accuracy_ci_low')).toBeGreaterThan(columns.indexOf('r2_sd'));
  });
});

describe('progression.csv and the progression section', () => {
  test('per-subject OLS slopes of tau_proj on age, by diagnosis, for the run with tau_proj only', () => {
    const rows = csvRows(readFileSync(join(out, 'progression.csv'), 'utf8'));
    expect(Object.keys(rows[0])).toEqual(['run', 'subject', 'group', 'rate_per_year', 'visits']);
    expect(new Set(rows.map((r) => r.run))).toEqual(new Set(['lssl']));
    expect(rows).toHaveLength(30);
    const table = readEmbeddingsCsv(join(lsslDir, 'embeddings.csv'));
    const scans = table.rows.filter((r) => r.subject === 'sub-7');
    const row = rows.find((r) => r.subject === 'sub-7')!;
    expect(Number(row.rate_per_year)).toBeCloseTo(
      olsSlope(
        scans.map((s) => s.age),
        scans.map((s) => s.tauProj!),
      ),
      12,
    );
    expect(row).toMatchObject({ group: 'CN', visits: '3' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const section = html.slice(html.indexOf('<section id="progression">'));
    // AD subjects progress 0.5 per year faster on tau_proj: the AD − CN difference is shown with its CI
    const differences = tableCells(/<table[^>]*>.*?<\/table>.*?(<table[^>]*>.*?<\/table>)/s.exec(section)![1]);
    expect(differences[1][1]).toBe('AD − CN');
    const [low, high] = differences[1][3].slice(1, -1).split(', ').map(Number);
    expect(low).toBeLessThan(0.5);
    expect(high).toBeGreaterThan(0.5);
  });
});

describe('runs that do not pool by method', () => {
  test('two lssl runs of the same seed are compared under their labels', async () => {
    const other = makeFakeRun(join(root, 'lssl-b'), { method: 'lssl', embeddings: { ...SIGNAL, seed: 6 }, tau: true });
    const r = await writeReport([lsslDir, other], {
      out: join(root, 'out-labels'),
      targets: ['diagnosis'],
      features: ['delta'],
      folds: 3,
      resamples: 499,
    });
    expect(r.comparisons[0].comparison!.methods).toEqual(['lssl', 'lssl-b']);
    expect(r.verdict[0].lines[0]).toMatch(/^lssl vs lssl-b: /);
  });
});
