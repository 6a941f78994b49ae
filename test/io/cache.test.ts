import { readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LsslError } from '../../src/errors.js';
import { niftiPreprocessor, type ScanPreprocessor } from '../../src/io/cache-pipeline.js';
import { entryKey, entryPaths } from '../../src/io/cache-store.js';
import {
  defaultCacheDir,
  loadPreprocessed,
  parseShard,
  preprocessCohort,
  readCachedVolume,
  shardScans,
  type CacheProgress,
} from '../../src/io/cache.js';
import { loadCohort, type Cohort } from '../../src/io/cohort.js';
import { niftiToVolume, readNifti } from '../../src/io/nifti.js';
import { preprocess } from '../../src/io/transforms.js';
import { SMALL_COHORT, tempFolder, writeBids, writeNiftiWithNibabel } from './cohort-fixtures.js';

const SHAPE = 12;
let root: string;
let cohort: Cohort;
const folders: string[] = [];
const paths: string[] = [];

beforeAll(async () => {
  root = tempFolder('lssl-cache-');
  folders.push(root);
  const images: { path: string; seed: number }[] = [];
  writeBids(root, SMALL_COHORT, (path) => {
    images.push({ path, seed: images.length });
    paths.push(path);
  });
  writeNiftiWithNibabel(images);
  cohort = await loadCohort(root);
});
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

function newCache(): string {
  const dir = tempFolder('lssl-cache-dir-');
  folders.push(dir);
  return dir;
}

/** The standard chain, counting which files it preprocessed. */
function countingPipeline(options = { shape: SHAPE }): ScanPreprocessor & { built: string[] } {
  const inner = niftiPreprocessor(options);
  const built: string[] = [];
  return {
    settings: inner.settings,
    built,
    run: (path, bytes) => {
      built.push(path);
      return inner.run(path, bytes);
    },
  };
}

function statuses(events: CacheProgress[]): Record<string, string> {
  return Object.fromEntries(events.map((e) => [`${e.scan.subject}/${e.scan.session}`, e.status]));
}

async function run(cacheDir: string, pipeline: ScanPreprocessor, extra: Parameters<typeof preprocessCohort>[1] = {}) {
  const events: CacheProgress[] = [];
  const report = await preprocessCohort(cohort, { cacheDir, pipeline, onProgress: (e) => events.push(e), ...extra });
  return { report, events, statuses: statuses(events) };
}

describe('preprocessCohort', () => {
  it('stores each scan as the chain computes it, with metadata', async () => {
    const cacheDir = newCache();
    const { report } = await run(cacheDir, countingPipeline());
    expect(report).toMatchObject({ cohortScans: 6, scans: 6, built: 6, cached: 0, rebuilt: 0, failed: [] });
    for (const scan of cohort.subjects.flatMap((s) => s.scans)) {
      const expected = preprocess(niftiToVolume(await readNifti(scan.path)), { shape: SHAPE });
      const cached = readCachedVolume(scan, { cacheDir, shape: SHAPE });
      expect(cached.shape).toEqual([SHAPE, SHAPE, SHAPE]);
      expect(Array.from(cached.data)).toEqual(Array.from(expected.data));
      expect(cached.affine).toEqual(expected.affine);
      expect(cached.spacing).toEqual(expected.spacing);
    }
  });

  it('rebuilds exactly what changed: one file content → that scan; a setting → all', async () => {
    const cacheDir = newCache();
    await run(cacheDir, countingPipeline());
    const again = countingPipeline();
    const second = await run(cacheDir, again);
    expect(second.report).toMatchObject({ cached: 6, built: 0 });
    expect(again.built).toEqual([]);

    // Same bytes, new mtime: re-hashed, found again, not rebuilt.
    utimesSync(paths[1], new Date(), new Date(Date.now() + 5000));
    const touched = countingPipeline();
    expect((await run(cacheDir, touched)).report).toMatchObject({ cached: 6, built: 0 });

    // New content in one file: only that scan is rebuilt.
    writeNiftiWithNibabel([{ path: paths[2], seed: 99 }]);
    const changed = countingPipeline();
    const third = await run(cacheDir, changed);
    expect(changed.built).toEqual([paths[2]]);
    expect(third.report).toMatchObject({ cached: 5, built: 1 });

    // A different setting: every scan again.
    const normalized = countingPipeline({ shape: SHAPE, normalize: 'percentile' } as { shape: number });
    expect((await run(cacheDir, normalized)).report).toMatchObject({ cached: 0, built: 6 });
  });

  it('detects a corrupt entry (size or checksum) and rebuilds it', async () => {
    const cacheDir = newCache();
    const pipeline = countingPipeline();
    await run(cacheDir, pipeline);
    const keyOf = (path: string) => {
      const meta = readdirSync(join(cacheDir, 'entries'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(cacheDir, 'entries', f), 'utf8')))
        .find((m) => m.source.path === path);
      return entryPaths(cacheDir, meta.key);
    };
    truncateSync(keyOf(paths[0]).data, 100);
    const bin = keyOf(paths[3]).data;
    const bytes = readFileSync(bin);
    bytes[17] ^= 0xff;
    writeFileSync(bin, bytes);
    expect(() => readCachedVolume(paths[3], { cacheDir, shape: SHAPE })).toThrow(
      /corrupt cache entry \(data checksum differs\)/,
    );
    const { report, events } = await run(cacheDir, countingPipeline());
    expect(report).toMatchObject({ rebuilt: 2, cached: 4 });
    expect(
      events
        .filter((e) => e.status === 'rebuilt')
        .map((e) => e.message)
        .sort(),
    ).toEqual(['data checksum differs', `data file has 100 bytes, not ${SHAPE ** 3 * 4}`]);
    expect(readCachedVolume(paths[3], { cacheDir, shape: SHAPE }).data.length).toBe(SHAPE ** 3);
  });

  it('resumes an interrupted run and leaves no half-written entry', async () => {
    const cacheDir = newCache();
    const inner = niftiPreprocessor({ shape: SHAPE });
    let calls = 0;
    const crashing: ScanPreprocessor = {
      settings: inner.settings,
      run: (path, bytes) => {
        if (++calls === 4) throw new Error('killed'); // not an input error: the run stops here
        return inner.run(path, bytes);
      },
    };
    await expect(run(cacheDir, crashing)).rejects.toThrow('killed');
    const files = readdirSync(cacheDir, { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(3);
    const resumed = countingPipeline();
    expect((await run(cacheDir, resumed)).report).toMatchObject({ cached: 3, built: 3 });
    expect(resumed.built).toHaveLength(3);
  });

  it('reports an unreadable scan and goes on with the others', async () => {
    const local = tempFolder('lssl-cache-bad-');
    folders.push(local);
    const images: { path: string; seed: number }[] = [];
    const r = writeBids(local, SMALL_COHORT.slice(0, 2), (path) => images.push({ path, seed: 50 + images.length }));
    writeNiftiWithNibabel(images);
    const bad = cohort.subjects[0].scans[0].path.replace(root, r);
    writeFileSync(bad, 'this is not a NIfTI file at all, not even gzip');
    const localCohort = await loadCohort(r);
    const report = await preprocessCohort(localCohort, { cacheDir: newCache(), shape: SHAPE });
    expect(report.built).toBe(4);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ subject: '01', session: 'm00', path: bad });
    expect(report.failed[0].message).toContain(bad);
  });

  it('splits the cohort into disjoint shards that cover it, and builds only its shard', async () => {
    const scans = cohort.subjects.flatMap((s) => s.scans);
    const shards = [0, 1, 2, 3].map((index) => shardScans(scans, { index, count: 4 }).map((s) => s.path));
    expect(shards.map((s) => s.length)).toEqual([2, 2, 1, 1]);
    expect(shards.flat().sort()).toEqual(scans.map((s) => s.path).sort());
    expect(shardScans(scans.slice().reverse(), { index: 1, count: 4 }).map((s) => s.path)).toEqual(shards[1]);
    const cacheDir = newCache();
    const pipeline = countingPipeline();
    const { report } = await run(cacheDir, pipeline, { shard: { index: 1, count: 4 } });
    expect(report).toMatchObject({ cohortScans: 6, scans: 2, built: 2 });
    expect(pipeline.built.sort()).toEqual(shards[1].slice().sort());
  });

  it('parses --shard i/n (1-based) and rejects bad ones', () => {
    expect(parseShard('1/8')).toEqual({ index: 0, count: 8 });
    expect(parseShard(' 8 / 8 ')).toEqual({ index: 7, count: 8 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2'])
      expect(() => parseShard(bad)).toThrow(/shard must be i\/n with 1 ≤ i ≤ n/);
  });
});

describe('loadPreprocessed and readCachedVolume', () => {
  it('builds on first use, then reads the stored entry; float16 is a separate entry within 1e-3', async () => {
    const cacheDir = newCache();
    const scan = cohort.subjects[1].scans[0];
    expect(() => readCachedVolume(scan, { cacheDir, shape: SHAPE })).toThrow(
      /is not in the cache .* run lssl preprocess/,
    );
    const first = await loadPreprocessed(scan, { cacheDir, shape: SHAPE });
    const again = readCachedVolume(scan, { cacheDir, shape: SHAPE });
    expect(Array.from(again.data)).toEqual(Array.from(first.data));
    const half = await loadPreprocessed(scan, { cacheDir, shape: SHAPE, dtype: 'float16' });
    const halfRead = readCachedVolume(scan.path, { cacheDir, shape: SHAPE, dtype: 'float16' });
    expect(Array.from(halfRead.data)).toEqual(Array.from(half.data));
    let worst = 0;
    for (let i = 0; i < first.data.length; i++)
      worst = Math.max(worst, Math.abs(half.data[i] - first.data[i]) / Math.max(1, Math.abs(first.data[i])));
    expect(worst).toBeLessThan(1e-3);
    expect(worst).toBeGreaterThan(0);
    const bins = readdirSync(cacheDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.bin'));
    expect(bins.map((f) => statSync(join(cacheDir, f)).size).sort((a, b) => a - b)).toEqual([
      SHAPE ** 3 * 2,
      SHAPE ** 3 * 4,
    ]);
  });

  it('re-hashes a source whose remembered hash is gone, and shares one entry between identical files', async () => {
    const cacheDir = newCache();
    const scan = cohort.subjects[0].scans[1];
    const built = await loadPreprocessed(scan, { cacheDir, shape: SHAPE });
    rmSync(join(cacheDir, 'sources'), { recursive: true });
    expect(Array.from(readCachedVolume(scan, { cacheDir, shape: SHAPE }).data)).toEqual(Array.from(built.data));
    expect(
      readdirSync(join(cacheDir, 'sources'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.json')),
    ).toHaveLength(1);
    const copy = join(tempFolder('lssl-copy-'), 'copy.nii.gz');
    folders.push(join(copy, '..'));
    writeFileSync(copy, readFileSync(scan.path));
    expect(Array.from(readCachedVolume(copy, { cacheDir, shape: SHAPE }).data)).toEqual(Array.from(built.data));
  });

  it('keys on content and settings only', () => {
    expect(entryKey('abc', { a: 1, b: [1, 2] })).toBe(entryKey('abc', { b: [1, 2], a: 1 }));
    expect(entryKey('abc', { a: 1 })).not.toBe(entryKey('abd', { a: 1 }));
    expect(entryKey('abc', { a: 1 })).not.toBe(entryKey('abc', { a: 2 }));
  });

  it('defaults to .lssl-cache here, or $LSSL_CACHE', () => {
    const saved = process.env.LSSL_CACHE;
    delete process.env.LSSL_CACHE;
    expect(defaultCacheDir()).toBe(join(process.cwd(), '.lssl-cache'));
    process.env.LSSL_CACHE = '/tmp/somewhere';
    expect(defaultCacheDir()).toBe('/tmp/somewhere');
    if (saved === undefined) delete process.env.LSSL_CACHE;
    else process.env.LSSL_CACHE = saved;
  });

  it('refuses jobs with a custom pipeline, and bad jobs', async () => {
    await expect(
      preprocessCohort(cohort, { cacheDir: newCache(), jobs: 2, pipeline: countingPipeline() }),
    ).rejects.toThrow(/custom pipeline runs only with jobs = 1/);
    await expect(preprocessCohort(cohort, { cacheDir: newCache(), jobs: 0 })).rejects.toBeInstanceOf(LsslError);
  });
});
