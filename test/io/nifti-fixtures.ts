/**
 * The nibabel-written fixtures of test/fixtures/nibabel_fixtures.py, generated into a fresh
 * temporary folder. A missing python3 or nibabel fails loudly (CI installs them).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NibabelFixture {
  name: string;
  path: string;
  shape: number[];
  zooms: number[];
  affine: number[][];
  datatype: string;
  axcodes: string;
  niftiVersion: 1 | 2;
  littleEndian: boolean;
  qformCode: number;
  sformCode: number;
  slope: number;
  inter: number;
  description: string;
  voxOffset: number;
  factors?: {
    dtype: string;
    endian: string;
    container: string;
    xform: string;
    orient: string;
    scaled: boolean;
    ndim: number;
  };
}

export interface NibabelFixtures {
  dir: string;
  nibabel: string;
  fixtures: NibabelFixture[];
  refused: { name: string; path: string; error: string }[];
  /** get_fdata() of a fixture as float32, x fastest */
  expectedData(fixture: NibabelFixture): Float32Array;
}

const SCRIPT = fileURLToPath(new URL('../fixtures/nibabel_fixtures.py', import.meta.url));

export function generateNibabelFixtures(): NibabelFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'lssl-nifti-'));
  execFileSync('/usr/bin/python3', [SCRIPT, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  return {
    dir,
    nibabel: manifest.nibabel,
    fixtures: manifest.fixtures,
    refused: manifest.refused,
    expectedData(fixture) {
      const bytes = readFileSync(join(dir, `${fixture.name}.f32`));
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    },
  };
}
