/**
 * The nibabel-written fixtures of test/fixtures/nibabel_fixtures.py in a fresh temporary
 * folder. They come from the golden bundle test/fixtures/nibabel/fixtures.json.gz (written by
 * test/fixtures/regenerate.sh), so a machine without nibabel reads the same files; where
 * python3 has nibabel the script also runs live and its files must equal the bundle's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { closeEnough, hasTools, logSkip, missingMessage } from '../helpers/references.js';
import { PYTHON, referenceMode, referencesRequired } from '../helpers/reference-tools.js';

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
const BUNDLE = fileURLToPath(new URL('../fixtures/nibabel/fixtures.json.gz', import.meta.url));
const DIR = '<<dir>>';

/** The script's manifest with the folder as a token, and every file it wrote (base64, by name). */
interface Bundle {
  manifest: { nibabel: string; fixtures: NibabelFixture[]; refused: NibabelFixtures['refused'] };
  files: Record<string, string>;
}

function runScript(): Bundle {
  const dir = mkdtempSync(join(tmpdir(), 'lssl-nibabel-live-'));
  try {
    execFileSync(PYTHON, [SCRIPT, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8').split(dir).join(DIR);
    const files: Record<string, string> = {};
    for (const name of readdirSync(dir).sort())
      if (name !== 'manifest.json') files[name] = readFileSync(join(dir, name)).toString('base64');
    return { manifest: JSON.parse(manifestText), files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function unzipped(b64: string): Buffer {
  const bytes = Buffer.from(b64, 'base64');
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

function goldenBundle(): Bundle {
  if (hasTools('numpy', 'nibabel')) {
    const live = runScript();
    if (referenceMode() === 'record') {
      mkdirSync(dirname(BUNDLE), { recursive: true });
      writeFileSync(BUNDLE, gzipSync(JSON.stringify(live), { level: 9 }));
      return live;
    }
    const golden: Bundle = JSON.parse(gunzipSync(readFileSync(BUNDLE)).toString('utf8'));
    const where = closeEnough(live.manifest, golden.manifest, 0, 0, 'manifest');
    if (where) throw new Error(`nibabel_fixtures.py now writes a different ${where}: run test/fixtures/regenerate.sh`);
    const names = Object.keys(golden.files);
    if (Object.keys(live.files).join() !== names.join())
      throw new Error('nibabel_fixtures.py now writes other files: run test/fixtures/regenerate.sh');
    for (const name of names)
      if (!unzipped(live.files[name]).equals(unzipped(golden.files[name])))
        throw new Error(`nibabel_fixtures.py now writes a different ${name}: run test/fixtures/regenerate.sh`);
    return golden;
  }
  if (referencesRequired())
    throw new Error(`LSSL_REQUIRE_REFERENCES=1: the nibabel fixtures ${missingMessage(['numpy', 'nibabel'])}`);
  logSkip(['numpy', 'nibabel'], 'golden', 'nibabel_fixtures.py');
  return JSON.parse(gunzipSync(readFileSync(BUNDLE)).toString('utf8'));
}

export function generateNibabelFixtures(): NibabelFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'lssl-nifti-'));
  const bundle = goldenBundle();
  for (const [name, b64] of Object.entries(bundle.files)) writeFileSync(join(dir, name), Buffer.from(b64, 'base64'));
  const manifest = JSON.parse(JSON.stringify(bundle.manifest).split(DIR).join(dir));
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
