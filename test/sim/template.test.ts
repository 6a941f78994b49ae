/**
 * The template phantom on Debian's mricron-data (Colin27 ch2bet and AAL). Where those files
 * are absent every test here is skipped and counted (test/helpers/references.ts); the real
 * brain is too large to keep as a golden file, so its nibabel/scipy checks run live only.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cohortCommand } from '../../cli/cohort.js';
import { preprocessCommand } from '../../cli/preprocess.js';
import { simulateCommand } from '../../cli/simulate.js';
import type { LsslError } from '../../src/errors.js';
import { readNifti, writeNifti } from '../../src/io/nifti.js';
import { storageGrid } from '../../src/sim/storage.js';
import { drawScans, drawSubject } from '../../src/sim/subject.js';
import { drawSubjectShape, renderTemplateScan } from '../../src/sim/template-render.js';
import {
  scaledStorage,
  simulateTemplateCohort,
  templateModel,
  type TemplateSimulationReport,
} from '../../src/sim/template-simulate.js';
import { runCommand } from '../cli/run-command.js';
import { hasTools, skipUnless } from '../helpers/references.js';
import { runPythonLive } from '../io/python-reference.js';

const TEMPLATE = '/usr/share/mricron/templates/ch2bet.nii.gz';
const ATLAS = '/usr/share/mricron/templates/aal.nii.gz';
const HAVE_DATA = hasTools('mricron');
const VOXEL_MM = 3;
const SEED = 3;

const root = mkdtempSync(join(tmpdir(), 'lssl-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function readTsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = head.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [columns[i], v])));
}

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i] - my);
    sxx += (v - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** The regions of subject `index` rendered on its grid at its last visit, for measuring written images. */
async function subjectRegions(index: number, visits: number) {
  const model = await templateModel(TEMPLATE, ATLAS);
  const subject = drawSubject(SEED, index);
  const grid = storageGrid(scaledStorage(subject.storage, VOXEL_MM), model.fovMm);
  const scans = drawScans(SEED, subject, visits, model.fovMm / 2, 0);
  const shape = drawSubjectShape(model, SEED, subject);
  const first = renderTemplateScan(model, shape, scans[0], grid, model.fovMm / 2, {
    labels: ['ventricles', 'hippocampus'],
  }).labels;
  const last = renderTemplateScan(model, shape, scans[visits - 1], grid, model.fovMm / 2, {
    labels: ['ventricles'],
  }).labels;
  const white = model.regions.classMeans[2];
  return {
    /** voxels where the last (largest) ventricles have any partial volume */
    ventricles: Uint8Array.from(last.ventricles!, (v) => (v > 0 ? 1 : 0)),
    /** voxels mostly hippocampus at baseline */
    hippocampus: Uint8Array.from(first.hippocampus!, (v) => (v > 0.5 ? 1 : 0)),
    csf: model.regions.classMeans[0] / white,
    grey: model.regions.classMeans[1] / white,
  };
}

/** Soft count of CSF-dark voxels in `region`, ml: 1 at the CSF level, 0 at grey matter. */
function darkVolume(
  data: Float32Array,
  gain: number,
  region: Uint8Array,
  csf: number,
  grey: number,
  voxelMl: number,
): number {
  let s = 0;
  for (let i = 0; i < data.length; i++)
    if (region[i]) s += Math.min(1, Math.max(0, (grey - data[i] / gain) / (grey - csf)));
  return s * voxelMl;
}

/** Soft count of grey-matter-like voxels in `region`: 1 at the grey level, 0 a CSF–GM gap away. */
function greyMass(data: Float32Array, gain: number, region: Uint8Array, csf: number, grey: number): number {
  let s = 0;
  for (let i = 0; i < data.length; i++)
    if (region[i]) s += Math.max(0, 1 - Math.abs(data[i] / gain - grey) / (grey - csf));
  return s;
}

describe('template phantom', () => {
  let main: TemplateSimulationReport;
  beforeEach((context) => skipUnless(context, 'mricron'));
  beforeAll(async () => {
    if (!HAVE_DATA) return;
    main = await simulateTemplateCohort({
      template: TEMPLATE,
      atlas: ATLAS,
      out: join(root, 'main'),
      subjects: 6,
      visits: 3,
      seed: SEED,
      voxelMm: VOXEL_MM,
      nuisance: 0,
    });
  }, 240_000);

  it('writes the BIDS layout and ground truth of the procedural phantom', () => {
    const participants = readTsv(join(main.out, 'participants.tsv'));
    expect(participants.map((p) => p.participant_id)).toEqual([
      'sub-01',
      'sub-02',
      'sub-03',
      'sub-04',
      'sub-05',
      'sub-06',
    ]);
    expect(participants.filter((p) => p.diagnosis === 'AD')).toHaveLength(2);
    const truth = readTsv(join(main.out, 'ground_truth.tsv'));
    expect(truth).toHaveLength(18);
    for (const column of [
      'participant_id',
      'session_id',
      'atrophy',
      'ventricles_ml',
      'hippocampus_ml',
      'amygdala_ml',
      'cortex_ml',
    ])
      expect(Object.keys(truth[0])).toContain(column);
    for (const p of participants) {
      const sessions = readTsv(join(main.out, p.participant_id, `${p.participant_id}_sessions.tsv`));
      const rows = truth.filter((t) => t.participant_id === p.participant_id);
      expect(rows.map((r) => r.age)).toEqual(sessions.map((s) => s.age));
      for (const r of rows) expect(existsSync(join(main.out, r.path))).toBe(true);
    }
    // the same subjects, ages and atrophy as the procedural phantom of this seed
    const subject = drawSubject(SEED, 4);
    const scans = drawScans(SEED, subject, 3, 100, 0);
    expect(truth.filter((t) => t.participant_id === 'sub-05').map((t) => Number(t.atrophy))).toEqual(
      scans.map((s) => Number(s.atrophy.toFixed(4))),
    );
  });

  it('nibabel reads every scan with the orientation, shape and datatype the ground truth states', (context) => {
    skipUnless(context, 'numpy', 'nibabel');
    const truth = readTsv(join(main.out, 'ground_truth.tsv')).filter((t) => t.session_id === 'ses-01');
    const read = runPythonLive(
      `import nibabel as nib
out = []
for p in inp['paths']:
    img = nib.load(p)
    out.append([''.join(nib.aff2axcodes(img.affine)), list(img.shape), str(img.get_data_dtype())])`,
      { paths: truth.map((t) => join(main.out, t.path)) },
    );
    truth.forEach((t, i) => {
      expect(read[i][0]).toBe(t.orientation);
      expect(read[i][1].join('x')).toBe(t.dims);
      expect(read[i][2]).toBe(t.datatype === 'int16' ? 'int16' : 'float32');
    });
    expect(new Set(truth.map((t) => t.orientation)).size).toBeGreaterThanOrEqual(3);
  });

  it('ventricles measured in the written images grow with atrophy, faster for AD than CN, as the ground truth says', async () => {
    const truth = readTsv(join(main.out, 'ground_truth.tsv'));
    const measured: number[] = [];
    const growth: Record<string, number[]> = { CN: [], MCI: [], AD: [] };
    const changes: { measured: number; truth: number }[] = [];
    for (let index = 0; index < 6; index++) {
      const rows = truth.filter((t) => t.participant_id === `sub-0${index + 1}`);
      const regions = await subjectRegions(index, 3);
      const volumes: number[] = [];
      for (const row of rows) {
        const image = await readNifti(join(main.out, row.path));
        const voxelMl = row.voxel_mm.split('x').reduce((a, b) => a * Number(b), 1) / 1000;
        volumes.push(darkVolume(image.data, Number(row.gain), regions.ventricles, regions.csf, regions.grey, voxelMl));
      }
      measured.push(...volumes);
      // atrophy grows at every visit, and so do the measured ventricles
      for (let v = 1; v < 3; v++) {
        expect(Number(rows[v].atrophy)).toBeGreaterThan(Number(rows[v - 1].atrophy));
        expect(volumes[v]).toBeGreaterThan(volumes[v - 1]);
        changes.push({
          measured: volumes[v] - volumes[v - 1],
          truth: Number(rows[v].ventricles_ml) - Number(rows[v - 1].ventricles_ml),
        });
      }
      const years = Number(rows[2].age) - Number(rows[0].age);
      growth[rows[0].diagnosis].push((100 * Math.log(volumes[2] / volumes[0])) / years);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `measured ventricle growth %/year: CN ${growth.CN.map((g) => g.toFixed(2))}, MCI ${growth.MCI.map((g) => g.toFixed(2))}, AD ${growth.AD.map((g) => g.toFixed(2))}`,
    );
    expect(mean(growth.AD)).toBeGreaterThan(1.5 * mean(growth.CN));
    // the rendered volumes the ground truth reports are what the images show
    expect(
      pearson(
        measured,
        truth.map((t) => Number(t.ventricles_ml)),
      ),
    ).toBeGreaterThan(0.95);
    expect(
      pearson(
        changes.map((c) => c.measured),
        changes.map((c) => c.truth),
      ),
    ).toBeGreaterThan(0.9);
  }, 60_000);

  it('hippocampal grey matter measured in the written images shrinks, as the ground truth says', async () => {
    const truth = readTsv(join(main.out, 'ground_truth.tsv'));
    for (let index = 0; index < 6; index++) {
      const rows = truth.filter((t) => t.participant_id === `sub-0${index + 1}`);
      const regions = await subjectRegions(index, 3);
      const mass: number[] = [];
      for (const row of rows)
        mass.push(
          greyMass(
            (await readNifti(join(main.out, row.path))).data,
            Number(row.gain),
            regions.hippocampus,
            regions.csf,
            regions.grey,
          ),
        );
      for (let v = 1; v < 3; v++) {
        expect(mass[v]).toBeLessThan(mass[v - 1]);
        expect(Number(rows[v].hippocampus_ml)).toBeLessThan(Number(rows[v - 1].hippocampus_ml));
      }
    }
  }, 60_000);

  it('finds the same lateral ventricles as the rule run with scipy (exact distance transform, ndimage.label)', async (context) => {
    skipUnless(context, 'numpy', 'nibabel', 'scipy');
    const model = await templateModel(TEMPLATE, ATLAS);
    const ventricles: number[] = [];
    model.regions.bits.forEach((b, i) => {
      if (b & 1) ventricles.push(i);
    });
    const [csf, grey] = model.regions.classMeans;
    const reference = runPythonLive(
      `import nibabel as nib
from scipy import ndimage as nd
img = nib.as_closest_canonical(nib.load(inp['template']))
t = img.get_fdata()
lo = np.rint(np.linalg.solve(img.affine, np.array(inp['origin'] + [1.0]))[:3]).astype(int)
n = inp['shape']
t = t[lo[0]:lo[0] + n[0], lo[1]:lo[1] + n[1], lo[2]:lo[2] + n[2]]
positive = np.sort(t[t > 0])
brain = t > 0.05 * positive[int(0.99 * (len(positive) - 1))]
depth = nd.distance_transform_edt(brain)
cand = brain & (t < inp['threshold']) & (depth >= 10)
lab, count = nd.label(cand)
idx = np.array(np.nonzero(brain)); blo = idx.min(1); bhi = idx.max(1); c = (blo + bhi) / 2
half = np.array([0.12, 0.15, 0.15]) * (bhi - blo)
box = np.zeros_like(cand)
box[tuple(slice(int(np.ceil(c[a] - half[a])), int(np.floor(c[a] + half[a])) + 1) for a in range(3))] = True
sizes = nd.sum(cand, lab, range(1, count + 1))
central = [l for l in np.unique(lab[box & (lab > 0)])]
largest = max(sizes[l - 1] for l in central)
large = [l for l in central if sizes[l - 1] >= 0.05 * largest]
lateral = [l for l in large if abs(np.nonzero(lab == l)[0].mean() - c[0]) >= 4]
mask = np.isin(lab, lateral)
ts = np.zeros(int(np.prod(n)), bool); ts[inp['ventricles']] = True; ts = ts.reshape(n, order='F')
out = {'reference': int(mask.sum()), 'both': int((mask & ts).sum()), 'components': len(lateral)}`,
      {
        template: TEMPLATE,
        origin: model.t1.affine.slice(0, 3).map((row) => row[3]),
        shape: model.t1.shape,
        threshold: csf - 0.25 * (grey - csf),
        ventricles,
      },
    );
    console.log(
      `ventricles: lssl ${ventricles.length} voxels, scipy ${reference.reference} in ${reference.components} components, ${reference.both} in both`,
    );
    expect(reference.components).toBe(2);
    const dice = (2 * reference.both) / (ventricles.length + reference.reference);
    expect(dice).toBeGreaterThan(0.97);
    // Colin27's lateral ventricles: 10–25 ml is the plausible range for a young adult
    expect(ventricles.length / 1000).toBeGreaterThan(10);
    expect(ventricles.length / 1000).toBeLessThan(25);
  }, 60_000);

  it('regional volumes in the ground truth follow V(A) = V(0)·e^{kA} between visits (k = 1, −1, −0.5)', () => {
    const truth = readTsv(join(main.out, 'ground_truth.tsv'));
    const slopes: Record<string, number[]> = { ventricles_ml: [], hippocampus_ml: [], cortex_ml: [] };
    for (let index = 0; index < 6; index++) {
      const rows = truth.filter((t) => t.participant_id === `sub-0${index + 1}`);
      const dA = Number(rows[2].atrophy) - Number(rows[0].atrophy);
      for (const column of Object.keys(slopes))
        slopes[column].push(Math.log(Number(rows[2][column]) / Number(rows[0][column])) / dA);
    }
    console.log(
      `d log V / dA: ${Object.entries(slopes)
        .map(([c, s]) => `${c} ${s.map((v) => v.toFixed(2)).join(' ')}`)
        .join('; ')}`,
    );
    // neighbouring fields push on each other (ventricles on the hippocampus), so within 35%
    for (const s of slopes.ventricles_ml) expect(s).toBeGreaterThan(0.65);
    for (const s of slopes.ventricles_ml) expect(s).toBeLessThan(1.35);
    for (const s of slopes.hippocampus_ml) expect(s).toBeLessThan(-0.65);
    for (const s of slopes.hippocampus_ml) expect(s).toBeGreaterThan(-1.35);
    for (const s of slopes.cortex_ml) expect(s).toBeLessThan(-0.5 * 0.65);
    for (const s of slopes.cortex_ml) expect(s).toBeGreaterThan(-0.5 * 1.35);
  });

  it('is deterministic for a seed, and subject i does not depend on the cohort size', async () => {
    const options = { template: TEMPLATE, atlas: ATLAS, visits: 2, seed: 11, voxelMm: 4 };
    const a = await simulateTemplateCohort({ ...options, out: join(root, 'a'), subjects: 2 });
    const b = await simulateTemplateCohort({ ...options, out: join(root, 'b'), subjects: 2 });
    const c = await simulateTemplateCohort({ ...options, out: join(root, 'c'), subjects: 3 });
    const [ha, hb, hc] = [a, b, c].map((r) => hashes(r.out));
    expect(hb).toEqual(ha);
    const images = Object.keys(ha).filter((p) => p.includes('_T1w.nii'));
    expect(images).toHaveLength(4);
    for (const p of images) expect(hc[p]).toBe(ha[p]);
    expect(c.groundTruth.slice(0, 4)).toEqual(a.groundTruth);
    // another seed is another cohort
    const d = await simulateTemplateCohort({ ...options, out: join(root, 'd'), subjects: 2, seed: 12 });
    expect(hashes(d.out)[images[0]]).not.toBe(ha[images[0]]);
  }, 120_000);

  it('reads the template and atlas in any orientation and datatype: a PSR float32 / LPI int16 copy writes the same scans', async (context) => {
    skipUnless(context, 'numpy', 'nibabel');
    const copies = { template: join(root, 'ch2bet-psr.nii.gz'), atlas: join(root, 'aal-lpi.nii.gz') };
    runPythonLive(
      `import nibabel as nib
from nibabel.orientations import axcodes2ornt, ornt_transform
def copy(src, dst, codes, dtype):
    img = nib.load(src)
    out = img.as_reoriented(ornt_transform(axcodes2ornt(nib.aff2axcodes(img.affine)), axcodes2ornt(codes)))
    nib.save(nib.Nifti1Image(np.asarray(out.dataobj).astype(dtype), out.affine), dst)
copy(inp['template'], inp['copies']['template'], 'PSR', np.float32)
copy(inp['atlas'], inp['copies']['atlas'], 'LPI', np.int16)`,
      { template: TEMPLATE, atlas: ATLAS, copies },
    );
    const options = { subjects: 2, visits: 1, seed: 11, voxelMm: 4 };
    const original = await simulateTemplateCohort({
      ...options,
      template: TEMPLATE,
      atlas: ATLAS,
      out: join(root, 'orientation-ras'),
    });
    const copied = await simulateTemplateCohort({ ...options, ...copies, out: join(root, 'orientation-psr') });
    const images = (h: Record<string, string>) =>
      Object.fromEntries(Object.entries(h).filter(([p]) => p.includes('_T1w.nii')));
    expect(images(hashes(copied.out))).toEqual(images(hashes(original.out)));
    expect(copied.groundTruth).toEqual(original.groundTruth);
  }, 120_000);

  it('without an atlas finds hippocampus, amygdala and cortex from the T1, and they shrink', async () => {
    const r = await simulateTemplateCohort({
      template: TEMPLATE,
      out: join(root, 'no-atlas'),
      subjects: 3,
      visits: 2,
      seed: SEED,
      voxelMm: 4,
      nuisance: 0,
    });
    expect(r.regions).toBe('intensity (no atlas)');
    for (let s = 0; s < 3; s++) {
      const [first, second] = r.groundTruth.slice(2 * s, 2 * s + 2);
      expect(Number(first.hippocampus_ml)).toBeGreaterThan(2);
      expect(Number(first.amygdala_ml)).toBeGreaterThan(0.5);
      expect(Number(second.hippocampus_ml)).toBeLessThan(Number(first.hippocampus_ml));
      expect(Number(second.cortex_ml)).toBeLessThan(Number(first.cortex_ml));
      expect(Number(second.ventricles_ml)).toBeGreaterThan(Number(first.ventricles_ml));
    }
  }, 120_000);

  it('lssl simulate --template writes a folder that lssl cohort and lssl preprocess accept', async () => {
    const out = join(root, 'cli');
    const cache = join(root, 'cli-cache');
    const run = (command: unknown, argv: string[]) => runCommand(command as CommandModule, argv);
    const written = JSON.parse(
      await run(simulateCommand, [
        'simulate',
        '--template',
        TEMPLATE,
        '--atlas',
        ATLAS,
        '--out',
        out,
        '--subjects',
        '3',
        '--visits',
        '2',
        '--voxel',
        '4',
        '--json',
      ]),
    );
    expect(written).toMatchObject({ scans: 6, subjects: 3, rows: 6 });
    const summary = JSON.parse(await run(cohortCommand, ['cohort', out, '--json']));
    expect(summary).toMatchObject({ kind: 'bids', subjects: 3, scans: 6, pairs: 3 });
    const preprocessed = JSON.parse(
      await run(preprocessCommand, ['preprocess', out, '--cache', cache, '--shape', '16', '--json']),
    );
    expect(preprocessed).toMatchObject({ scans: 6, built: 6 });
    expect(preprocessed.failed).toEqual([]);
  }, 120_000);
});

describe('template phantom: refusals', () => {
  const affine = [
    [2, 0, 0, -10],
    [0, 2, 0, -10],
    [0, 0, 2, -10],
    [0, 0, 0, 1],
  ];
  const refusal = (options: { template: string; atlas?: string }) =>
    simulateTemplateCohort({ ...options, out: join(root, 'refused'), subjects: 1, visits: 1 }).then(
      () => 'accepted',
      (error: LsslError) => `${error.exitCode} ${error.describe()}`,
    );

  it('refuses a 4D or a 2D template with an input error naming the file', async () => {
    const fourD = join(root, 'four-d.nii');
    await writeNifti(
      fourD,
      { data: new Float32Array(8 * 8 * 8 * 2).fill(1), shape: [8, 8, 8, 2], affine },
      { datatype: 'float32' },
    );
    expect(await refusal({ template: fourD })).toBe(
      `2 template must be a single 3D volume, not 8×8×8×2 (2 frames) (${fourD})`,
    );
    const twoD = join(root, 'two-d.nii');
    await writeNifti(
      twoD,
      { data: new Float32Array(16 * 16).fill(1), shape: [16, 16, 1], affine },
      { datatype: 'float32' },
    );
    expect(await refusal({ template: twoD })).toBe(`2 template must be a 3D image, not 16×16×1 (a 2D image) (${twoD})`);
    expect(existsSync(join(root, 'refused'))).toBe(false);
  });

  it('refuses an atlas whose grid is not the template’s', async (context) => {
    skipUnless(context, 'mricron');
    const atlas = join(root, 'small-atlas.nii');
    await writeNifti(
      atlas,
      { data: new Float32Array(8 * 8 * 8).fill(37), shape: [8, 8, 8], affine },
      { datatype: 'float32' },
    );
    expect(await refusal({ template: TEMPLATE, atlas })).toMatch(
      new RegExp(`^2 atlas grid 8×8×8 does not match the template's 181×217×181 .*\\(${atlas}\\)$`),
    );
  });

  it('refuses an atlas on the grid with no hippocampus or amygdala label', async (context) => {
    skipUnless(context, 'mricron');
    const template = await readNifti(TEMPLATE);
    const atlas = join(root, 'blank-atlas.nii');
    await writeNifti(
      atlas,
      {
        data: new Float32Array(template.data.length).fill(0).map((_, i) => (template.data[i] > 0 ? 5 : 0)),
        shape: template.shape,
        affine: template.affine,
      },
      { datatype: 'float32' },
    );
    expect(await refusal({ template: TEMPLATE, atlas })).toMatch(
      /^2 atlas has no hippocampus or amygdala label \(read as AAL indices\).*blank-atlas\.nii\)$/,
    );
  });
});
