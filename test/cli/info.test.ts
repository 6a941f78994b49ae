import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runPython } from '../io/python-reference.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/lssl.js');
const SOURCES = [
  'cli/info.ts',
  'cli/lssl.ts',
  'cli/commands.ts',
  'src/io/nifti.ts',
  'src/io/nifti-header.ts',
  'src/io/nifti-data.ts',
];

/** Builds dist/ when it is missing or older than the sources this test exercises (npm test builds first anyway). */
function ensureBuilt(): void {
  const built = join(ROOT, 'dist/cli/info.js');
  const stale = !existsSync(built) || SOURCES.some((s) => statSync(join(ROOT, s)).mtimeMs > statSync(built).mtimeMs);
  if (!stale) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // tsc still emits when another module has a type error; the check below is what matters
  }
  if (!existsSync(built)) throw new Error('npm run build did not produce dist/cli/info.js');
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function lssl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'node',
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, LSSL_BACKEND: 'cpu' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let dir: string;
let good: string;
let nib: { shape: number[]; zooms: number[]; affine: number[][]; axcodes: string };

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lssl-info-'));
  good = join(dir, 'lps.nii.gz');
  // nibabel writes the file and says what it sees in it
  nib = runPython(
    `
import nibabel as nib
aff = np.array([[-0.9, 0, 0, 10], [0, -1.1, 0, 5], [0, 0, 3, -4], [0, 0, 0, 1]])
img = nib.Nifti1Image(np.arange(60, dtype=np.int16).reshape(5, 4, 3), aff)
nib.save(img, inp['path'])
img = nib.load(inp['path'])
out = {'shape': list(img.shape), 'zooms': [float(z) for z in img.header.get_zooms()],
       'affine': img.affine.tolist(), 'axcodes': ''.join(nib.aff2axcodes(img.affine))}
`,
    { path: good },
    { outputs: [good] },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lssl info', () => {
  it('prints what nibabel sees, as JSON and as text, with the versions of lssl and TensorFlow.js', async () => {
    const [json, text] = await Promise.all([lssl('info', good, '--json'), lssl('info', good)]);
    expect(json.code).toBe(0);
    const info = JSON.parse(json.stdout);
    expect(info.shape).toEqual(nib.shape);
    expect(info.spacing).toEqual(nib.zooms);
    expect(info.datatype).toBe('int16');
    expect(info.orientation).toBe(nib.axcodes);
    expect(nib.axcodes).toBe('LPS');
    info.affine.flat().forEach((v: number, i: number) => expect(v).toBeCloseTo(nib.affine.flat()[i], 5));
    expect(info.versions.lssl).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    // read from package.json: info starts no backend (test/cli/lazy-loading.test.ts)
    const tfjs = JSON.parse(readFileSync(join(ROOT, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')).version;
    expect(info.versions).toEqual({ lssl: info.versions.lssl, tfjs });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('orientation: LPS');
    expect(text.stdout).toContain('shape:       5 × 4 × 3');
    expect(text.stdout).toContain(`(tfjs ${tfjs})`);
  });

  it('bad files end with one line `lssl: <what> (<file>)`, exit code 2, no stack trace; --debug adds it', async () => {
    const bytes = readFileSync(good);
    const raw = execFileSync('gzip', ['-dc', good]);
    const write = (name: string, content: Uint8Array | string) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const dims = Uint8Array.from(raw);
    new DataView(dims.buffer).setInt16(42, 40, true); // dim[1] = 40: more voxels than the file holds
    const complex = Uint8Array.from(raw);
    new DataView(complex.buffer).setInt16(70, 32, true);
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.nii'), /^file not found$/],
      [write('table.nii', 'subject,age\n'.repeat(50)), /^not a NIfTI file: sizeof_hdr is/],
      [write('cut.nii.gz', bytes.subarray(0, bytes.length - 9)), /^corrupt or truncated gzip data/],
      [write('dims.nii.gz', gzipSync(dims)), /^truncated file: dims 40×4×3 of int16 need/],
      [write('complex.nii', complex), /^unsupported datatype complex64 \(code 32\)/],
    ];
    const runs = await Promise.all([
      ...cases.map(([path]) => lssl('info', path)),
      lssl('info', cases[1][0], '--debug'),
    ]);
    cases.forEach(([path, what], i) => {
      const { code, stdout, stderr } = runs[i];
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith('lssl: ')).toBe(true);
      expect(lines[0].endsWith(` (${path})`)).toBe(true);
      expect(lines[0].slice('lssl: '.length, -` (${path})`.length)).toMatch(what);
    });
    const debug = runs[cases.length];
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^lssl: not a NIfTI file/);
    expect(debug.stderr).toMatch(/\n\s+at .*nifti-header\.js/);
  });
});
