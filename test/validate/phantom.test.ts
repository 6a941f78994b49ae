import { describe, expect, it, beforeAll, afterAll, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/select.js';
import { phantomCheck, scoreDirection, type HeldOutPair } from '../../src/validate/phantom.js';
import { hasTools, skipUnless } from '../helpers/references.js';
import { MRICRON_TEMPLATES as TEMPLATES } from '../helpers/reference-tools.js';

const pair = (group: string, earlier: string, later: string, dAtrophy: number, dAge: number): HeldOutPair => ({
  group,
  earlier,
  later,
  dAtrophy,
  dAge,
});

describe('scoreDirection', () => {
  // Two groups of three pairs; tau_proj worked out so that Δtau = 2·Δatrophy exactly.
  const pairs = [
    pair('AD', 'a/1', 'a/2', 0.03, 1),
    pair('AD', 'a/2', 'a/3', 0.05, 2),
    pair('AD', 'a/1', 'a/3', 0.08, 3),
    pair('CN', 'c/1', 'c/2', 0.01, 1),
    pair('CN', 'c/2', 'c/3', 0.01, 1.5),
    pair('CN', 'c/1', 'c/3', 0.02, 2.5),
  ];
  const tau = new Map([
    ['a/1', 1],
    ['a/2', 1.06],
    ['a/3', 1.16],
    ['c/1', -1],
    ['c/2', -0.98],
    ['c/3', -0.96],
  ]);

  it('gives r = 1 with atrophy when Δtau is proportional to it, and the hand-worked r with Δage', () => {
    const s = scoreDirection(pairs, tau, 2.5);
    expect(s.r_delta_atrophy).toBeCloseTo(1, 12);
    expect(s.r_delta_atrophy_by_group.AD).toBeCloseTo(1, 12);
    // Pearson r worked out with numpy.corrcoef: AD Δtau (0.06, 0.10, 0.16) vs Δage (1, 2, 3)
    expect(s.r_delta_age_by_group.AD).toBeCloseTo(0.9933992677987828, 9);
    // CN Δtau (0.02, 0.02, 0.04) vs Δage (1, 1.5, 2.5)
    expect(s.r_delta_age_by_group.CN).toBeCloseTo(0.944911182523068, 9);
    expect(s.seconds_per_epoch).toBe(2.5);
  });
});

// the PyTorch mirror of lssl's network trains live: too slow and too large to replay from a file
const TORCH = ['numpy', 'scipy', 'nibabel', 'torch'] as const;

describe('phantomCheck', () => {
  let out: string;
  beforeEach((context) => skipUnless(context, ...TORCH));
  beforeAll(async () => {
    if (!hasTools(...TORCH)) return;
    await initBackend('wasm');
    out = mkdtempSync(join(tmpdir(), 'lssl-phantom-bench-'));
  });
  afterAll(() => out && rmSync(out, { recursive: true, force: true }));

  it('trains lssl and the PyTorch reference on the same pairs and scores both on unseen subjects', async () => {
    const result = await phantomCheck({
      out,
      subjects: 4,
      testSubjects: 3,
      shape: 16,
      epochs: 1,
      batch: 4,
      torch: true,
    });
    expect(result.held_out_pairs).toBe(9); // 3 subjects × 3 ordered pairs of 3 visits
    for (const scores of [result, result.torch!]) {
      expect(Math.abs(scores.r_delta_atrophy)).toBeLessThanOrEqual(1);
      expect(Number.isFinite(scores.r_delta_atrophy)).toBe(true);
    }
    expect(result.torch!.version).toMatch(/^1\./);
    expect(result.settings.network).toEqual({});
    // 3 held-out subjects are too few for 5 subject folds: the figure is n/a, not an error
    expect(result.delta_balanced_accuracy).toBeNaN();
  });
});

describe('phantomCheck on the template phantom with the paper reference', () => {
  let out: string;
  beforeEach((context) => skipUnless(context, 'mricron', ...TORCH));
  beforeAll(async () => {
    if (!hasTools('mricron', ...TORCH)) return;
    await initBackend('wasm');
    out = mkdtempSync(join(tmpdir(), 'lssl-phantom-template-'));
  });
  afterAll(() => out && rmSync(out, { recursive: true, force: true }));

  it('scores lssl, its AE and the LSSL and AE of the reference on the same unseen subjects', async () => {
    const result = await phantomCheck({
      out,
      subjects: 5,
      testSubjects: 3,
      shape: 16,
      epochs: 1,
      batch: 4,
      template: join(TEMPLATES, 'ch2bet.nii.gz'),
      atlas: join(TEMPLATES, 'aal.nii.gz'),
      voxelMm: 6,
      baselines: ['ae'],
      reference: true,
    });
    expect(result.settings.template).toContain('ch2bet');
    expect(result.held_out_pairs).toBe(9);
    expect(Object.keys(result.baselines)).toEqual(['ae']);
    const reference = result.reference!;
    expect(reference.version).toMatch(/^PyTorch 1\./);
    // the reference learnt a τ and embedded every held-out scan: Δtau_proj varies, so r is defined
    expect(Number.isFinite(reference.lssl.r_delta_atrophy)).toBe(true);
    expect(Object.keys(reference.baselines)).toEqual(['ae']);
    expect(reference.baselines.ae!.seconds_per_epoch).toBeGreaterThan(0);
  });
});
