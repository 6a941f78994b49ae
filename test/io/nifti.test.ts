import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readNifti, niftiToVolume, writeNifti, type NiftiImage } from '../../src/io/nifti.js';
import { LsslError } from '../../src/errors.js';
import { orientationCode } from '../../src/io/orientation.js';
import { generateNibabelFixtures, type NibabelFixture, type NibabelFixtures } from './nifti-fixtures.js';
import { decodeVolume, runPython } from './python-reference.js';

let fx: NibabelFixtures;
let scratch: string;

beforeAll(() => {
  fx = generateNibabelFixtures();
  scratch = join(fx.dir, 'scratch');
  mkdirSync(scratch);
});
afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function fixture(predicate: (f: NibabelFixture) => boolean): NibabelFixture {
  const found = fx.fixtures.find(predicate);
  if (!found) throw new Error('no such fixture');
  return found;
}

/** Resolves to the LsslError a read raises; fails the test for success or any other error. */
async function readError(input: string | Uint8Array, name?: string): Promise<LsslError> {
  try {
    await readNifti(input, { name });
  } catch (error) {
    if (error instanceof LsslError) return error;
    throw new Error(`expected an LsslError, got ${(error as Error)?.stack ?? String(error)}`);
  }
  throw new Error('expected the read to fail');
}

/** Accepts success or an LsslError naming `name`; anything else is a crash. */
async function readsOrRefuses(bytes: Uint8Array, name: string): Promise<boolean> {
  try {
    await readNifti(bytes, { name });
    return true;
  } catch (error) {
    return error instanceof LsslError && error.file === name && error.exitCode === 2;
  }
}

describe('readNifti against nibabel', () => {
  it('covers every datatype x byte order x container, and every transform, orientation, scaling and 3D/4D', () => {
    const seen = (key: 'dtype' | 'endian' | 'container' | 'xform' | 'orient' | 'scaled' | 'ndim') =>
      new Set(fx.fixtures.filter((f) => f.factors).map((f) => String(f.factors![key])));
    expect(seen('dtype').size).toBe(10);
    expect([...seen('endian')].sort()).toEqual(['<', '>']);
    expect(seen('container').size).toBe(6);
    expect([...seen('xform')].sort()).toEqual(['both', 'neither', 'qform', 'sform']);
    expect([...seen('orient')].sort()).toEqual(['LAS', 'LPS', 'RAS', 'oblique']);
    expect([...seen('scaled')].sort()).toEqual(['false', 'true']);
    expect([...seen('ndim')].sort()).toEqual(['3', '4']);
    expect(fx.fixtures.length).toBeGreaterThanOrEqual(135);
  });

  it('returns nibabel get_fdata() (float32) for every fixture, exactly', async () => {
    const failures: string[] = [];
    for (const f of fx.fixtures) {
      const image = await readNifti(f.path);
      const expected = fx.expectedData(f);
      const diff = maxAbsDiff(image.data, expected);
      if (diff !== 0) failures.push(`${f.name}: max |diff| ${diff}`);
    }
    expect(failures).toEqual([]);
  });

  it("returns nibabel's affine, shape, zooms, datatype and header fields for every fixture", async () => {
    const failures: string[] = [];
    for (const f of fx.fixtures) {
      const image = await readNifti(f.path);
      const affineDiff = maxAbsDiff(image.affine.flat(), f.affine.flat());
      const problems = [
        affineDiff > 1e-6 && `affine off by ${affineDiff}`,
        JSON.stringify(image.shape) !== JSON.stringify(f.shape) && `shape ${image.shape} vs ${f.shape}`,
        JSON.stringify(image.spacing) !== JSON.stringify(f.zooms) && `spacing ${image.spacing} vs ${f.zooms}`,
        image.datatype !== f.datatype && `datatype ${image.datatype} vs ${f.datatype}`,
        orientationCode(image.affine) !== f.axcodes && `axcodes ${orientationCode(image.affine)} vs ${f.axcodes}`,
        image.header.niftiVersion !== f.niftiVersion && 'version',
        image.header.littleEndian !== f.littleEndian && 'endianness',
        image.header.qformCode !== f.qformCode && `qform_code ${image.header.qformCode} vs ${f.qformCode}`,
        image.header.sformCode !== f.sformCode && `sform_code ${image.header.sformCode} vs ${f.sformCode}`,
        image.header.description !== f.description && `description ${image.header.description}`,
        image.header.voxOffset !== f.voxOffset && `vox_offset ${image.header.voxOffset} vs ${f.voxOffset}`,
        image.data.length !== f.shape.reduce((a, b) => a * b, 1) && 'data length',
      ].filter(Boolean);
      if (problems.length) failures.push(`${f.name}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('applies scl_slope/scl_inter where nibabel does and ignores slope 0', async () => {
    const scaled = fixture((f) => f.name === 'quirk_slope_scaled_float');
    expect(scaled.slope).toBe(-1.75);
    expect((await readNifti(scaled.path)).header.sclSlope).toBe(-1.75);
    const zero = fixture((f) => f.name === 'quirk_slope_zero');
    const image = await readNifti(zero.path);
    expect(image.header.sclSlope).toBe(0);
    expect(maxAbsDiff(image.data, fx.expectedData(zero))).toBe(0);
  });

  it('reads int64 values up to ±2^53 exactly and refuses complex, RGB and int64 beyond 2^53', async () => {
    const limit = await readNifti(fixture((f) => f.name === 'int64_limit').path);
    // nibabel wrote the C-order array [[2^53, -2^53], [0, 1]]; x fastest reads it down the columns
    expect(Array.from(limit.data)).toEqual([2 ** 53, 0, -(2 ** 53), 1]);
    expect(fx.refused.length).toBe(4);
    for (const bad of fx.refused) {
      const error = await readError(bad.path);
      expect(error.file).toBe(bad.path);
      expect(error.message).toContain(bad.error);
    }
  });

  it('reads a .hdr/.img pair given either name, and the same bytes in memory as from disk', async () => {
    const pair = fixture((f) => f.factors?.container === 'hdr');
    const viaImg = await readNifti(pair.path.replace(/\.hdr$/, '.img'));
    expect(maxAbsDiff(viaImg.data, fx.expectedData(pair))).toBe(0);
    const single = fixture((f) => f.factors?.container === 'nii.gz');
    const fromBytes = await readNifti(new Uint8Array(readFileSync(single.path)));
    const buffer = readFileSync(single.path);
    const fromArrayBuffer = await readNifti(
      buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer,
    );
    expect(maxAbsDiff(fromBytes.data, fx.expectedData(single))).toBe(0);
    expect(fromArrayBuffer.shape).toEqual(single.shape);
  });
});

describe('niftiToVolume', () => {
  it('gives one 3D frame of a 4D image, padding 1D/2D shapes with 1s', async () => {
    const f4 = fixture((f) => f.factors?.ndim === 4 && f.factors.dtype === 'float32');
    const image = await readNifti(f4.path);
    const [nx, ny, nz] = image.shape;
    const frame1 = niftiToVolume(image, 1);
    expect(frame1.shape).toEqual([nx, ny, nz]);
    expect(Array.from(frame1.data)).toEqual(Array.from(image.data.subarray(nx * ny * nz, 2 * nx * ny * nz)));
    expect(frame1.affine).toEqual(image.affine);
    const norms = [0, 1, 2].map((c) => Math.hypot(image.affine[0][c], image.affine[1][c], image.affine[2][c]));
    expect(frame1.spacing).toEqual(norms);
    expect(() => niftiToVolume(image, 2)).toThrow(/frame must be an integer from 0 to 1, not 2/);
    const flat = await readNifti(fixture((f) => f.name === 'shape_2d_sform').path);
    expect(niftiToVolume(flat).shape).toEqual([5, 4, 1]);
    expect(niftiToVolume(flat).data).toBe(flat.data);
  });
});

describe('readNifti on bad input', () => {
  let good: NibabelFixture;
  let goodBytes: Uint8Array;
  beforeAll(() => {
    good = fixture((f) => f.factors?.container === 'nii' && f.factors.endian === '<' && f.factors.dtype === 'int16');
    goodBytes = new Uint8Array(readFileSync(good.path));
  });

  const write = (name: string, bytes: Uint8Array | string) => {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('names the file for a missing file, a folder, text, and an empty file', async () => {
    const missing = join(scratch, 'nope.nii.gz');
    expect((await readError(missing)).describe()).toBe(`file not found (${missing})`);
    expect((await readError(scratch)).message).toMatch(/folder/);
    const text = write('notes.nii', 'subject,age\n1,70\n'.repeat(40));
    expect((await readError(text)).describe()).toMatch(
      /^not a NIfTI file: sizeof_hdr is \d+, expected 348 \(NIfTI-1\) or 540 \(NIfTI-2\) \(.*notes\.nii\)$/,
    );
    expect((await readError(write('empty.nii', ''))).message).toMatch(/empty/);
  });

  it('refuses wrong magic, truncation, corrupt gzip, dims beyond the data and unknown datatypes', async () => {
    const magic = goodBytes.slice();
    magic.set([0x6e, 0x2b, 0x33, 0], 344); // 'n+3'
    expect((await readError(write('magic.nii', magic))).message).toBe(
      'not a NIfTI file: magic is "n+3", expected "n+1" or "ni1"',
    );

    const cutHeader = write('cut-header.nii', goodBytes.slice(0, 200));
    expect((await readError(cutHeader)).message).toBe(
      'truncated file: a NIfTI-1 header needs 348 bytes, the file has 200',
    );
    const cutData = write('cut-data.nii', goodBytes.slice(0, goodBytes.length - 1));
    expect((await readError(cutData)).message).toMatch(
      /^truncated file: dims 5×4×3(×2)? of int16 need \d+ bytes of voxels after offset 352, the file has \d+$/,
    );

    const gz = gzipSync(goodBytes);
    expect((await readError(write('cut.nii.gz', gz.subarray(0, gz.length - 20)))).message).toMatch(
      /^corrupt or truncated gzip data/,
    );
    const garbled = Uint8Array.from(gz);
    garbled[garbled.length - 6] ^= 0xff; // the CRC-32 of the trailer
    expect((await readError(write('garbled.nii.gz', garbled))).message).toMatch(/^corrupt or truncated gzip data/);

    const bigger = goodBytes.slice();
    new DataView(bigger.buffer).setInt16(42, 50, true); // dim[1] = 50
    expect((await readError(write('dims.nii', bigger))).message).toMatch(/^truncated file: dims 50×4×3/);

    const complex = goodBytes.slice();
    new DataView(complex.buffer).setInt16(70, 1792, true);
    expect((await readError(write('complex.nii', complex))).message).toMatch(
      /^unsupported datatype complex128 \(code 1792\)/,
    );
    const unknown = goodBytes.slice();
    new DataView(unknown.buffer).setInt16(70, 3, true);
    expect((await readError(write('unknown.nii', unknown))).message).toMatch(/^unknown datatype code 3/);

    const noDims = goodBytes.slice();
    new DataView(noDims.buffer).setInt16(40, 0, true);
    expect((await readError(write('ndim0.nii', noDims))).message).toBe(
      'dim[0] (the number of dimensions) must be between 1 and 7, not 0',
    );
  });

  it('needs both files of a pair and a path for pair headers', async () => {
    const pair = fixture((f) => f.factors?.container === 'hdr');
    const lonely = write('lonely.hdr', readFileSync(pair.path));
    const error = await readError(lonely);
    expect(error.describe()).toBe(`file not found (${join(scratch, 'lonely.img')})`);
    expect((await readError(new Uint8Array(readFileSync(pair.path)), 'mem.hdr')).message).toMatch(/pair/);
  });

  it('property: random bytes never crash and always name the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1200 }), async (bytes) => {
        const error = await readError(bytes, 'random.nii');
        return error.file === 'random.nii' && error.exitCode === 2 && !error.message.includes('\n');
      }),
      { numRuns: 300 },
    );
  });

  it('property: every truncation of a .nii or .nii.gz is refused naming the file', async () => {
    const gz = gzipSync(goodBytes);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (zipped, at) => {
          const whole = zipped ? gz : goodBytes;
          const error = await readError(whole.subarray(0, Math.floor(at * whole.length)), 'cut.nii');
          return error.file === 'cut.nii' && /truncated|empty|not a NIfTI/.test(error.message);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: truncated files on disk are refused naming their path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: goodBytes.length - 1 }), async (length) => {
        const path = write('cut-on-disk.nii', goodBytes.subarray(0, length));
        return (await readError(path)).file === path;
      }),
      { numRuns: 30 },
    );
  });

  it('property: any wrong magic is refused as "not a NIfTI file"', async () => {
    const valid = new Set(['n+1\0', 'ni1\0']);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 4, maxLength: 4 }), async (magic) => {
        fc.pre(!valid.has(String.fromCharCode(...magic)));
        const bytes = goodBytes.slice();
        bytes.set(magic, 344);
        const error = await readError(bytes, 'magic.nii');
        return error.file === 'magic.nii' && error.message.startsWith('not a NIfTI file: magic is');
      }),
      { numRuns: 200 },
    );
  });

  it('property: corrupting header bytes or gzip bytes never crashes', async () => {
    const gz = gzipSync(goodBytes);
    const edit = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), edit, async (zipped, edits) => {
        const bytes = zipped ? Uint8Array.from(gz) : goodBytes.slice();
        const span = zipped ? bytes.length : 352;
        for (const [at, value] of edits) bytes[at % span] = value;
        return readsOrRefuses(bytes, 'edited.nii');
      }),
      { numRuns: 300 },
    );
  });
});

/** What nibabel reads from files we wrote. */
function nibabelReads(paths: string[]): Record<
  string,
  {
    shape: number[];
    affine: number[][];
    qform: number[][];
    codes: number[];
    dtype: string;
    slope: number;
    inter: number;
    offset: number;
    descrip: string;
    data: string;
  }
> {
  return runPython(
    `
import nibabel as nib
out = {}
for p in inp['paths']:
    img = nib.load(p)
    h = img.header
    out[p] = {'shape': list(img.shape), 'affine': img.affine.tolist(), 'qform': h.get_qform().tolist(),
              'codes': [int(h['qform_code']), int(h['sform_code'])], 'dtype': img.get_data_dtype().name,
              'slope': float(img.dataobj.slope), 'inter': float(img.dataobj.inter), 'offset': int(img.dataobj.offset),
              'descrip': h['descrip'].item().decode(), 'data': enc(img.get_fdata())}
`,
    { paths },
    { files: paths },
  );
}

describe('writeNifti read back by nibabel', () => {
  const affines: Record<string, number[][]> = {
    RAS: [
      [1.5, 0, 0, -10],
      [0, 2, 0, 20.5],
      [0, 0, 2.5, 3.25],
      [0, 0, 0, 1],
    ],
    LAS: [
      [-1, 0, 0, 90],
      [0, 1, 0, -126],
      [0, 0, 1, -72],
      [0, 0, 0, 1],
    ],
    LPS: [
      [-0.9, 0, 0, 10],
      [0, -1.1, 0, 5],
      [0, 0, 3, -4],
      [0, 0, 0, 1],
    ],
    // rotated by 17° about x and −25° about z, left-handed
    oblique: [
      [-1.35946167, 0.84523652, 0, -10],
      [0.60622778, 1.73341289, -0.73092926, 20.5],
      [0.18534243, 0.52995751, 2.39076189, 3.25],
      [0, 0, 0, 1],
    ],
    // a shear: no quaternion holds it, so only the sform is exact
    sheared: [
      [2, 0.3, 0, 1],
      [0, 2, 0, 2],
      [0.1, 0, 2, 3],
      [0, 0, 0, 1],
    ],
  };

  function ramp(shape: number[], scale = 0.37, offset = -11.2): Float32Array {
    const n = shape.reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale) * 100 + offset);
  }

  it('float32 .nii and .nii.gz: exact data, the affine in sform and qform (codes 1), vox_offset 352', async () => {
    const cases = Object.entries(affines).flatMap(([name, affine], k) =>
      ['nii', 'nii.gz'].map((ext) => ({
        path: join(scratch, `w-${name}.${ext}`),
        affine,
        shape: k % 2 ? [6, 5, 4, 3] : [6, 5, 4],
      })),
    );
    for (const c of cases)
      await writeNifti(
        c.path,
        { data: ramp(c.shape), shape: c.shape, affine: c.affine, spacing: [0, 0, 0, 2.5] },
        { description: 'lssl test' },
      );
    const nib = nibabelReads(cases.map((c) => c.path));
    for (const c of cases) {
      const got = nib[c.path];
      expect(got.shape).toEqual(c.shape);
      expect(got.dtype).toBe('float32');
      expect(got.codes).toEqual([1, 1]);
      expect(got.offset).toBe(352);
      expect(got.descrip).toBe('lssl test');
      expect(maxAbsDiff(decodeVolume(got.data), ramp(c.shape))).toBe(0);
      expect(maxAbsDiff(got.affine.flat(), c.affine.flat())).toBeLessThan(1e-5); // float32 srow
      if (!c.path.includes('sheared')) expect(maxAbsDiff(got.qform.flat(), c.affine.flat())).toBeLessThan(1e-5);
      const back = await readNifti(c.path);
      expect(maxAbsDiff(back.data, ramp(c.shape))).toBe(0);
      if (c.shape.length === 4) expect(back.spacing[3]).toBe(2.5);
    }
  });

  it('int16: integer data exactly with slope 1, other data within the scaling quantisation', async () => {
    const shape = [7, 6, 5];
    const integers = Float32Array.from({ length: 210 }, (_, i) => ((i * 331) % 65536) - 32768);
    const reals = ramp(shape, 0.11, 1234.5);
    const constant = new Float32Array(210).fill(-3.3);
    const paths = ['int-integers.nii', 'int-reals.nii.gz', 'int-constant.nii'].map((n) => join(scratch, n));
    await writeNifti(paths[0], { data: integers, shape, affine: affines.LAS }, { datatype: 'int16' });
    await writeNifti(paths[1], { data: reals, shape, affine: affines.oblique }, { datatype: 'int16' });
    await writeNifti(paths[2], { data: constant, shape, affine: affines.RAS }, { datatype: 'int16' });
    const nib = nibabelReads(paths);
    expect(nib[paths[0]].dtype).toBe('int16');
    expect(nib[paths[0]].slope).toBe(1);
    expect(maxAbsDiff(decodeVolume(nib[paths[0]].data), integers)).toBe(0);
    const { slope } = nib[paths[1]];
    const range = Math.max(...reals) - Math.min(...reals);
    expect(slope).toBeCloseTo(range / 65535, 6);
    expect(maxAbsDiff(decodeVolume(nib[paths[1]].data), reals)).toBeLessThanOrEqual(slope / 2 + 1e-4);
    expect(maxAbsDiff(decodeVolume(nib[paths[2]].data), constant)).toBeLessThan(1e-6);
    expect(maxAbsDiff(nib[paths[1]].affine.flat(), affines.oblique.flat())).toBeLessThan(1e-5);
    const ours = await readNifti(paths[1]);
    expect(maxAbsDiff(ours.data, decodeVolume(nib[paths[1]].data))).toBeLessThan(1e-4);
  });

  it('refuses bad arguments naming the file, and leaves no file or temporary behind', async () => {
    const shape = [2, 2, 2];
    const data = new Float32Array(8);
    const refuse = async (path: string, image: Parameters<typeof writeNifti>[1], pattern: RegExp) => {
      const error = await writeNifti(path, image).then(
        () => undefined,
        (e) => e,
      );
      expect(error).toBeInstanceOf(LsslError);
      expect(error.file).toBe(path);
      expect(error.message).toMatch(pattern);
    };
    await refuse(
      join(scratch, 'x.img'),
      { data, shape, affine: affines.RAS },
      /must end in \.nii or \.nii\.gz, not "x\.img"/,
    );
    await refuse(
      join(scratch, 'x.nii'),
      { data, shape: [2, 2, 3], affine: affines.RAS },
      /data length must be the product of shape \[2, 2, 3\] = 12, not 8/,
    );
    await refuse(
      join(scratch, 'x.nii'),
      {
        data,
        shape,
        affine: [
          [0, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ],
      },
      /affine must be invertible/,
    );
    await refuse(
      join(scratch, 'no-such-folder', 'x.nii'),
      { data, shape, affine: affines.RAS },
      /folder does not exist/,
    );
    expect(existsSync(join(scratch, 'x.nii'))).toBe(false);
    expect(readdirSync(scratch).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('loading speed', () => {
  it('reads a 64³ int16 .nii.gz (the 256×256×176 figure is measured by hand, see the report)', async () => {
    const shape = [64, 64, 64];
    const path = join(scratch, 'speed.nii.gz');
    await writeNifti(
      path,
      {
        data: Float32Array.from({ length: 64 ** 3 }, (_, i) => i % 3000),
        shape,
        affine: [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ],
      },
      { datatype: 'int16' },
    );
    const start = performance.now();
    const image: NiftiImage = await readNifti(path);
    expect(image.data[2999]).toBe(2999);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
