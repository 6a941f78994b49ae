import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryPaths, readEntry, sha256, stableJson, writeEntry } from '../../src/io/cache-store.js';
import { writeFileAtomicSync } from '../../src/io/atomic.js';
import type { Volume } from '../../src/io/volume.js';

const dir = mkdtempSync(join(tmpdir(), 'lssl-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const volume: Volume = {
  data: Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1),
  shape: [2, 3, 4],
  spacing: [1, 2, 3],
  affine: [
    [1, 0, 0, -1],
    [0, 2, 0, -2],
    [0, 0, 3, -3],
    [0, 0, 0, 1],
  ],
};

describe('cache store', () => {
  it('writes stable JSON whatever the key order', () => {
    expect(stableJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });

  it('writes atomically and leaves no temporary file', () => {
    const file = join(dir, 'x.txt');
    writeFileAtomicSync(file, 'one');
    writeFileAtomicSync(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('round-trips an entry exactly (float32), with its metadata and checksum', () => {
    const meta = writeEntry(dir, 'ab12', volume, 'float32', { path: '/a.nii', contentHash: 'h' }, { s: 1 });
    expect(meta.bytes).toBe(96);
    expect(meta.checksum).toBe(sha256(readFileSync(entryPaths(dir, 'ab12').data)));
    const back = readEntry(dir, 'ab12');
    expect(back.state).toBe('ok');
    if (back.state !== 'ok') return;
    expect(back.volume).toEqual(volume);
    expect(back.meta.source).toEqual({ path: '/a.nii', contentHash: 'h' });
  });

  it('tells missing from corrupt, and says why', () => {
    expect(readEntry(dir, 'ffff')).toEqual({ state: 'missing' });
    writeEntry(dir, 'cd34', volume, 'float16', { path: '/b.nii', contentHash: 'h' }, {});
    const { meta, data } = entryPaths(dir, 'cd34');
    const good = readFileSync(meta, 'utf8');
    writeFileSync(meta, good.slice(0, 20));
    expect(readEntry(dir, 'cd34')).toEqual({ state: 'corrupt', reason: 'metadata is not valid JSON' });
    writeFileSync(meta, good.replace('"bytes": 48', '"bytes": 50'));
    expect(readEntry(dir, 'cd34')).toEqual({ state: 'corrupt', reason: 'metadata does not describe this entry' });
    writeFileSync(meta, good);
    const bytes = readFileSync(data);
    writeFileSync(data, bytes.subarray(0, 40));
    expect(readEntry(dir, 'cd34')).toEqual({ state: 'corrupt', reason: 'data file has 40 bytes, not 48' });
    bytes[0] ^= 1;
    writeFileSync(data, bytes);
    expect(readEntry(dir, 'cd34')).toEqual({ state: 'corrupt', reason: 'data checksum differs' });
    expect(readEntry(dir, 'cd34', { verify: false }).state).toBe('ok');
    rmSync(data);
    expect(readEntry(dir, 'cd34')).toEqual({ state: 'corrupt', reason: 'data file is missing' });
  });
});
