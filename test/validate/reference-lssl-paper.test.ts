/**
 * bench/reference/lssl_paper.py (the LSSL reference written from Zhao et al., MedIA 2021) and
 * bench/reference/score.py, run with Debian's python3 + torch on a tiny phantom. Training runs
 * live (nothing to replay from a file): skipped and counted where /usr/bin/python3 has no torch.
 */
import { describe, expect, it, beforeAll, afterAll, beforeEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCohort } from '../../src/sim/simulate.js';
import { readEmbeddingsCsv, type EmbeddingsTable } from '../../src/eval/embeddings-csv.js';
import { hasTools, skipUnless } from '../helpers/references.js';
import { PYTHON } from '../helpers/reference-tools.js';

const TORCH = ['numpy', 'scipy', 'nibabel', 'torch'] as const;
const hasTorch = hasTools(...TORCH);

function runScript(name: string, args: string[]): string {
  const r = spawnSync(PYTHON, [join('bench', 'reference', name), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  return r.stdout;
}

interface EpochRecord {
  loss: number;
  recon: number;
  cos?: number;
  kl?: number;
}

describe('lssl_paper.py', () => {
  let root: string;
  let summary: { tau: number[]; epochs: EpochRecord[]; latent_size: number; train_subjects: string[]; torch: string };
  let table: EmbeddingsTable;
  const subjects = 4;
  const visits = 3;

  beforeEach((context) => skipUnless(context, ...TORCH));
  beforeAll(async () => {
    if (!hasTorch) return;
    root = mkdtempSync(join(tmpdir(), 'lssl-reference-'));
    await simulateCohort({ out: join(root, 'cohort'), subjects, visits, seed: 7, shape: 16 });
    const csv = join(root, 'lssl.csv');
    summary = JSON.parse(
      runScript('lssl_paper.py', [
        '--cohort',
        join(root, 'cohort'),
        '--train-subjects',
        '01,02,03',
        '--out',
        csv,
        '--method',
        'lssl',
        '--shape',
        '16',
        '--epochs',
        '2',
        '--batch',
        '4',
        '--seed',
        '1',
      ]),
    );
    table = readEmbeddingsCsv(csv);
  });
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it('writes one row per scan of the embedded cohort in lssl format, read back by lssl', () => {
    expect(summary.train_subjects).toEqual(['01', '02', '03']);
    expect(table.rows).toHaveLength(subjects * visits); // all scans of --cohort, training or not
    expect(new Set(table.rows.map((r) => `${r.subject}/${r.session}`)).size).toBe(subjects * visits);
    expect(table.latentDim).toBe(summary.latent_size);
    expect(table.latentDim).toBe(16); // flat latent: 16 channels × (16/16)³
    expect(table.covariateNames).toEqual(expect.arrayContaining(['diagnosis', 'sex']));
    expect(table.hasTauProj).toBe(true);
    const sessions = readFileSync(join(root, 'cohort', 'sub-02', 'sub-02_sessions.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const ages = sessions.map((line) => Number(line.split('\t')[1]));
    expect(table.rows.filter((r) => r.subject === '02').map((r) => r.age)).toEqual(ages);
  });

  it('writes tau_proj = z·τ/‖τ‖ for the τ it prints', () => {
    const tau = summary.tau;
    expect(tau).toHaveLength(table.latentDim);
    const norm = Math.hypot(...tau);
    for (const row of table.rows) {
      const projection = row.z.reduce((sum, v, k) => sum + v * tau[k], 0) / norm;
      expect(row.tauProj).toBeCloseTo(projection, 9);
    }
  });

  it('reports finite loss parts with the cosine term in [0, 2] and loss = recon + λ·cos', () => {
    expect(summary.epochs).toHaveLength(2);
    expect(summary.torch).toMatch(/^\d+\.\d+/);
    for (const e of summary.epochs) {
      for (const v of [e.loss, e.recon, e.cos!]) expect(Number.isFinite(v)).toBe(true);
      expect(e.cos!).toBeGreaterThanOrEqual(0);
      expect(e.cos!).toBeLessThanOrEqual(2);
      expect(e.recon).toBeGreaterThan(0);
      expect(e.loss).toBeCloseTo(e.recon + e.cos!, 5); // λ = 1
    }
    // whole-volume z-score: predicting 0 everywhere costs MSE 1 per scan, 2 per pair; a fresh net is near that
    expect(summary.epochs[0].recon).toBeGreaterThan(0.5);
    expect(summary.epochs[0].recon).toBeLessThan(4);
  });

  it('score.py pairs the held-out visits and recomputes r(Δtau_proj, Δatrophy) from the CSV and ground truth', () => {
    const scored = JSON.parse(
      runScript('score.py', [join(root, 'lssl.csv'), join(root, 'cohort', 'ground_truth.tsv'), '--subjects', '04']),
    );
    expect(scored.subjects).toBe(1);
    expect(scored.pairs).toBe(3); // 3 visits → 3 ordered pairs
    const truth = readFileSync(join(root, 'cohort', 'ground_truth.tsv'), 'utf8')
      .trim()
      .split('\n');
    const header = truth[0].split('\t');
    const atrophy = new Map(
      truth
        .slice(1)
        .map((l) => l.split('\t'))
        .filter((f) => f[0] === 'sub-04')
        .map((f) => [f[1].replace('ses-', ''), Number(f[header.indexOf('atrophy')])]),
    );
    const rows = table.rows.filter((r) => r.subject === '04').sort((a, b) => a.age - b.age);
    const dTau: number[] = [];
    const dAtrophy: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        dTau.push(rows[j].tauProj! - rows[i].tauProj!);
        dAtrophy.push(atrophy.get(rows[j].session)! - atrophy.get(rows[i].session)!);
      }
    }
    expect(scored.r_delta_tau_delta_atrophy).toBeCloseTo(pearson(dTau, dAtrophy), 9);
  });

  it('trains the AE and the VAE on single scans and writes no tau_proj', () => {
    for (const method of ['ae', 'vae']) {
      const csv = join(root, `${method}.csv`);
      const s = JSON.parse(
        runScript('lssl_paper.py', [
          '--cohort',
          join(root, 'cohort'),
          '--out',
          csv,
          '--method',
          method,
          '--shape',
          '16',
          '--epochs',
          '1',
          '--batch',
          '4',
          '--latent',
          'dense',
          '--dense-size',
          '8',
        ]),
      );
      const t = readEmbeddingsCsv(csv);
      expect(t.hasTauProj).toBe(false);
      expect(t.latentDim).toBe(8);
      expect(s.tau).toBeNull();
      expect(Number.isFinite(s.epochs[0].recon)).toBe(true);
      if (method === 'vae') expect(s.epochs[0].kl).toBeGreaterThanOrEqual(0);
    }
  });
});

function pearson(x: number[], y: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i] - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
