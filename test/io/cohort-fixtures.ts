/**
 * Small cohorts written to temp folders, as BIDS and as the equivalent manifest.
 * loadCohort never opens the images, so cohort tests use placeholder bytes; the cache
 * tests write real NIfTI files with nibabel.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pythonReference } from '../helpers/references.js';

export interface FixtureScan {
  session: string;
  age: number | string;
  extra?: Record<string, string>;
}
export interface FixtureSubject {
  id: string;
  covariates: Record<string, string>;
  scans: FixtureScan[];
}

export const SMALL_COHORT: FixtureSubject[] = [
  {
    id: '01',
    covariates: { sex: 'F', diagnosis: 'CN' },
    scans: [
      { session: 'm00', age: 70.5 },
      { session: 'm12', age: 71.5 },
      { session: 'm36', age: 73.25 },
    ],
  },
  {
    id: '02',
    covariates: { sex: 'M', diagnosis: 'AD' },
    scans: [
      { session: 'm12', age: 81 },
      { session: 'm00', age: 80 },
    ],
  },
  { id: '10', covariates: { sex: 'M', diagnosis: 'MCI' }, scans: [{ session: 'm00', age: 66 }] },
];

export function tempFolder(prefix = 'lssl-cohort-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFile(path: string, content: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function bidsImagePath(root: string, subject: string, session: string, suffix = ''): string {
  return join(root, `sub-${subject}`, `ses-${session}`, 'anat', `sub-${subject}_ses-${session}${suffix}_T1w.nii.gz`);
}

/** Writes a BIDS tree; `image(path)` writes each image (placeholder bytes by default). */
export function writeBids(
  root: string,
  subjects: FixtureSubject[],
  image: (path: string, subject: string, session: string) => void = placeholder,
): string {
  const names = Object.keys(subjects[0]?.covariates ?? {});
  const participants = [
    ['participant_id', ...names].join('\t'),
    ...subjects.map((s) => [`sub-${s.id}`, ...names.map((n) => s.covariates[n] ?? 'n/a')].join('\t')),
  ];
  writeFile(join(root, 'participants.tsv'), `${participants.join('\n')}\n`);
  for (const s of subjects) {
    const extras = Object.keys(s.scans[0]?.extra ?? {});
    const rows = [
      ['session_id', 'age', ...extras].join('\t'),
      ...s.scans.map((scan) =>
        [`ses-${scan.session}`, String(scan.age), ...extras.map((e) => scan.extra?.[e] ?? 'n/a')].join('\t'),
      ),
    ];
    writeFile(join(root, `sub-${s.id}`, `sub-${s.id}_sessions.tsv`), `${rows.join('\n')}\n`);
    for (const scan of s.scans) image(bidsImagePath(root, s.id, scan.session), s.id, scan.session);
  }
  return root;
}

/** Writes a manifest pointing at the BIDS images (relative paths), with CSV quoting. */
export function writeManifest(
  file: string,
  bidsRoot: string,
  subjects: FixtureSubject[],
  relativeTo = dirname(file),
): string {
  const names = Object.keys(subjects[0]?.covariates ?? {});
  const lines = [['subject', 'session', 'age', 'path', ...names].join(',')];
  for (const s of subjects) {
    for (const scan of s.scans) {
      const rel = relativePath(relativeTo, bidsImagePath(bidsRoot, s.id, scan.session));
      lines.push(
        [`sub-${s.id}`, scan.session, String(scan.age), `"${rel}"`, ...names.map((n) => s.covariates[n] ?? 'NA')].join(
          ',',
        ),
      );
    }
  }
  return writeFile(file, `${lines.join('\n')}\n`);
}

function relativePath(from: string, to: string): string {
  const a = from.split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

function placeholder(path: string): void {
  writeFile(path, 'not read by loadCohort');
}

/**
 * Writes small NIfTI images with nibabel (the reference writer): a blob on a noisy
 * background, different per `seed`, with a 1.5 mm oblique-free affine. Where python3 has no
 * nibabel the same files come from the golden files (test/helpers/references.ts).
 */
export function writeNiftiWithNibabel(images: { path: string; seed: number; shape?: number[] }[]): void {
  const script = `
import json, sys, os
import numpy as np, nibabel as nib
for spec in json.load(sys.stdin):
    shape = spec.get('shape') or [16, 16, 16]
    rng = np.random.default_rng(spec['seed'])
    grid = np.stack(np.meshgrid(*[np.linspace(-1, 1, n) for n in shape], indexing='ij'))
    r = np.sqrt(((grid - rng.uniform(-0.2, 0.2, (3, 1, 1, 1))) ** 2).sum(0))
    data = (100 * (r < 0.6) + rng.normal(0, 5, shape)).astype(np.float32)
    affine = np.diag([1.5, 1.5, 1.5, 1.0]); affine[:3, 3] = [-12, -12, -12]
    os.makedirs(os.path.dirname(spec['path']), exist_ok=True)
    nib.save(nib.Nifti1Image(data, affine), spec['path'])
print('null')
`;
  pythonReference(script, images, { outputs: images.map((i) => i.path) });
}
