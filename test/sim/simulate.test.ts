import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LsslError } from '../../src/errors.js';
import { loadCohort } from '../../src/io/cohort.js';
import { writeNifti } from '../../src/io/nifti.js';
import { drawAnatomy } from '../../src/sim/anatomy.js';
import { createRng } from '../../src/rng.js';
import { headToWorld, renderScan, type ScanState } from '../../src/sim/render.js';
import { storageGrid, type Storage } from '../../src/sim/storage.js';
import { simulateCohort, type SimulationReport } from '../../src/sim/simulate.js';
import { runPython } from '../io/python-reference.js';

const SHAPE = 28;
const root = mkdtempSync(join(tmpdir(), 'lssl-sim-'));
let four: SimulationReport;

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

function readTsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = head.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [columns[i], v])));
}

beforeAll(async () => {
  four = await simulateCohort({ out: join(root, 'four'), subjects: 4, visits: 2, seed: 5, shape: SHAPE });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('simulateCohort', () => {
  it('writes a BIDS folder: participants, sessions with ages, one T1w per session, ground truth', () => {
    const dir = four.out;
    expect(four.scans).toBe(8);
    const participants = readTsv(join(dir, 'participants.tsv'));
    expect(participants.map((p) => p.participant_id)).toEqual(['sub-01', 'sub-02', 'sub-03', 'sub-04']);
    expect(Object.keys(participants[0])).toEqual(['participant_id', 'sex', 'diagnosis']);
    // the first block of three is a permutation of the three labels
    expect(
      participants
        .slice(0, 3)
        .map((p) => p.diagnosis)
        .sort(),
    ).toEqual(['AD', 'CN', 'MCI']);
    const truth = readTsv(join(dir, 'ground_truth.tsv'));
    expect(truth).toHaveLength(8);
    for (const p of participants) {
      const sessions = readTsv(join(dir, p.participant_id, `${p.participant_id}_sessions.tsv`));
      expect(sessions.map((s) => s.session_id)).toEqual(['ses-01', 'ses-02']);
      const rows = truth.filter((t) => t.participant_id === p.participant_id);
      expect(rows.map((r) => r.age)).toEqual(sessions.map((s) => s.age));
      const gap = Number(sessions[1].age) - Number(sessions[0].age);
      expect(gap).toBeGreaterThanOrEqual(0.49);
      expect(gap).toBeLessThanOrEqual(3.01);
      expect(rows.every((r) => r.diagnosis === p.diagnosis && r.sex === p.sex)).toBe(true);
    }
    for (const file of four.files) expect(statSync(join(dir, file)).size).toBeGreaterThan(1000);
    const description = JSON.parse(readFileSync(join(dir, 'dataset_description.json'), 'utf8'));
    expect(description.BIDSVersion).toBeDefined();
  });

  it('is deterministic for a seed, and subject i is the same whatever the number of subjects', async () => {
    const again = await simulateCohort({ out: join(root, 'again'), subjects: 4, visits: 2, seed: 5, shape: SHAPE });
    const three = await simulateCohort({ out: join(root, 'three'), subjects: 3, visits: 2, seed: 5, shape: SHAPE });
    const other = await simulateCohort({ out: join(root, 'other'), subjects: 1, visits: 1, seed: 6, shape: SHAPE });
    const a = hashes(four.out);
    expect(hashes(again.out)).toEqual(a);
    const b = hashes(three.out);
    for (const file of three.files) expect(b[file]).toBe(a[file]);
    expect(three.groundTruth).toEqual(four.groundTruth.slice(0, 6));
    expect(hashes(other.out)[other.files[0]]).not.toBe(a[other.files[0]]);
  });

  it('stores subjects differently (orientation, datatype, compression, voxel size) and nibabel reads every file as the ground truth says', () => {
    const truth = four.groundTruth;
    const paths = truth.map((t) => join(four.out, String(t.path)));
    const result = runPython(
      `
import nibabel as nib
from nibabel.orientations import aff2axcodes
res = []
for row, path in zip(inp['rows'], inp['paths']):
    img = nib.load(path)
    a = img.affine
    data = img.get_fdata(dtype=np.float64)
    # dark voxels near the true ventricle centre (midpoint of the two ventricles), in world mm
    c = np.array([row['ventricle_x_mm'], row['ventricle_y_mm'], row['ventricle_z_mm']])
    ijk = np.indices(data.shape).reshape(3, -1)
    world = (a[:3, :3] @ ijk + a[:3, 3:4])
    near = np.linalg.norm(world - c[:, None], axis=0) < inp['radius']
    values = data.reshape(-1, order='C')
    # np.indices is C-ordered like reshape(-1) in C order
    local = values[near]
    wm = np.percentile(local, 90)
    dark = near.copy()
    dark[near] = local < 0.45 * wm
    centroid = world[:, dark].mean(axis=1)
    vox = float(abs(np.linalg.det(a[:3, :3])))
    res.append({
        'codes': ''.join(aff2axcodes(a)), 'shape': list(data.shape), 'dtype': str(img.get_data_dtype()),
        'slope': float(img.dataobj.slope), 'zooms': [float(z) for z in img.header.get_zooms()],
        'centroid': centroid.tolist(), 'dark_ml': float(dark.sum()) * vox / 1000, 'min': float(data.min()),
    })
out = res
`,
      { paths, rows: truth, radius: 0.3 * SHAPE * 0.625 },
      { files: paths },
    );
    // biome-ignore lint/suspicious/noExplicitAny: rows of the Python reference's JSON
    result.forEach((r: any, n: number) => {
      const t = truth[n];
      expect(r.codes).toBe(t.orientation);
      expect(r.shape.join('x')).toBe(t.dims);
      expect(r.dtype).toBe(t.datatype);
      if (t.datatype === 'int16') expect(r.slope).not.toBe(1);
      expect(r.min).toBeGreaterThanOrEqual(0);
      const distance = Math.hypot(
        r.centroid[0] - Number(t.ventricle_x_mm),
        r.centroid[1] - Number(t.ventricle_y_mm),
        r.centroid[2] - Number(t.ventricle_z_mm),
      );
      expect(distance).toBeLessThan(1.5);
    });
    const bySubject = truth.filter((t) => t.session_id === 'ses-01');
    expect(new Set(bySubject.map((t) => t.orientation)).size).toBe(4);
    expect(new Set(bySubject.map((t) => t.datatype)).size).toBe(2);
    expect(new Set(four.files.filter((f) => f.includes('ses-01')).map((f) => f.endsWith('.gz'))).size).toBe(2);
    // the dark-voxel volume seen by nibabel follows the hidden ventricle volume
    // biome-ignore lint/suspicious/noExplicitAny: rows of the Python reference's JSON
    const seen = result.map((r: any) => r.dark_ml);
    const hidden = truth.map((t) => Number(t.ventricles_grid_ml));
    expect(correlation(seen, hidden)).toBeGreaterThan(0.9);
  });

  it('grows the ventricles with age, faster for AD than for CN (model volumes; the grid ones are too coarse at 28³)', () => {
    const rows = four.groundTruth;
    const growth: Record<string, number[]> = { CN: [], MCI: [], AD: [] };
    for (let s = 0; s < 4; s++) {
      const [first, second] = rows.slice(2 * s, 2 * s + 2);
      expect(Number(second.ventricles_ml)).toBeGreaterThan(Number(first.ventricles_ml));
      expect(Number(second.grey_matter_ml)).toBeLessThan(Number(first.grey_matter_ml));
      const perYear =
        (Number(second.ventricles_ml) / Number(first.ventricles_ml) - 1) / (Number(second.age) - Number(first.age));
      growth[String(first.diagnosis)].push(perYear);
    }
    expect(Math.min(...growth.AD)).toBeGreaterThan(Math.max(...growth.CN));
  });

  it('refuses bad counts and a folder that holds other files', async () => {
    await expect(simulateCohort({ out: join(root, 'bad'), subjects: 0 })).rejects.toThrow(
      /subjects must be an integer from 1 to 9999, not 0/,
    );
    await expect(simulateCohort({ out: join(root, 'bad'), shape: 30.5 })).rejects.toBeInstanceOf(LsslError);
    await expect(simulateCohort({ out: join(root, 'bad'), nuisance: -1 })).rejects.toThrow(
      /nuisance must be a number in \[0, 10\], not -1/,
    );
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(simulateCohort({ out: foreign, subjects: 1, visits: 1, shape: 16 })).rejects.toThrow(
      /earlier lssl phantom/,
    );
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });

  it('replaces an earlier phantom in the same folder, leaving no stale subjects', async () => {
    const out = join(root, 'rewrite');
    await simulateCohort({ out, subjects: 3, visits: 1, shape: 16 });
    await simulateCohort({ out, subjects: 2, visits: 1, shape: 16 });
    expect(
      readdirSync(out)
        .filter((f) => f.startsWith('sub-'))
        .sort(),
    ).toEqual(['sub-01', 'sub-02']);
  });

  it('is read back by loadCohort as 4 subjects with 2 scans each, ages and labels intact', async () => {
    const cohort = await loadCohort(four.out);
    expect(cohort.subjects.map((s) => s.id)).toEqual(['01', '02', '03', '04']);
    for (const subject of cohort.subjects) {
      expect(subject.scans).toHaveLength(2);
      const truth = four.groundTruth.filter((t) => t.participant_id === `sub-${subject.id}`);
      expect(subject.scans.map((s) => s.age)).toEqual(truth.map((t) => t.age));
      expect(subject.covariates.diagnosis).toBe(truth[0].diagnosis);
    }
  });
});

describe('storage variants of one scan', () => {
  it('show the same physical head: nibabel samples every variant alike at the same world points', async () => {
    const unit = 16;
    const anatomy = drawAnatomy(createRng(9), 'M');
    const scan: ScanState = {
      atrophy: 0.2,
      pose: { rotationDeg: [4, -3, 6], translationMm: [1.5, -1, 2] },
      gain: 800,
      bias: new Array(9).fill(0),
      noiseSd: 0,
    };
    const variants: Storage[] = [
      { axcodes: 'RAS', voxelMm: [1, 1, 1], tiltDeg: 0, datatype: 'float32', compressed: false },
      { axcodes: 'LAS', voxelMm: [1, 1, 1.5], tiltDeg: 0, datatype: 'int16', compressed: true },
      { axcodes: 'LPS', voxelMm: [1.2, 1.2, 1.2], tiltDeg: 7, datatype: 'int16', compressed: false },
      { axcodes: 'PSR', voxelMm: [1.5, 1.1, 1.1], tiltDeg: 0, datatype: 'float32', compressed: true },
    ];
    const dir = join(root, 'variants');
    mkdirSync(dir, { recursive: true });
    const paths: string[] = [];
    for (const [n, storage] of variants.entries()) {
      const grid = storageGrid(storage, 2 * unit);
      const { data } = renderScan(anatomy, scan, grid, unit);
      const path = join(dir, `v${n}.nii${storage.compressed ? '.gz' : ''}`);
      await writeNifti(path, { data, shape: [...grid.dims], affine: grid.affine }, { datatype: storage.datatype });
      paths.push(path);
    }
    const ventricle = headToWorld(
      [anatomy.ventricleCenter[0], anatomy.ventricleCenter[1], anatomy.ventricleCenter[2]],
      scan.pose,
      unit,
    );
    const out = runPython(
      `
import nibabel as nib
from scipy.ndimage import map_coordinates
g = np.linspace(-10, 10, 15)
pts = np.stack(np.meshgrid(g, g, g, indexing='ij')).reshape(3, -1)
pts = np.concatenate([pts, np.array(inp['ventricle'])[:, None]], axis=1)
samples = []
for p in inp['paths']:
    img = nib.load(p)
    inv = np.linalg.inv(img.affine)
    ijk = inv[:3, :3] @ pts + inv[:3, 3:4]
    samples.append(map_coordinates(img.get_fdata(), ijk, order=1).tolist())
out = samples
`,
      { paths, ventricle },
      { files: paths },
    );
    const last = out[0].length - 1;
    for (const s of out) {
      expect(correlation(s, out[0])).toBeGreaterThan(0.95);
      // the right ventricle's centre is CSF in every variant
      expect(s[last]).toBeLessThan((800 * (anatomy.contrast.csf + anatomy.contrast.gm)) / 2);
    }
  });
});

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
