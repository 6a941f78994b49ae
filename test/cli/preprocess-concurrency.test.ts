/**
 * Several `lssl preprocess` processes filling one cache at the same time (an HPC job array
 * on a shared folder; issue 16): two shards, a full run overlapping both with the same
 * settings, and a run with other settings. Afterwards every entry is whole (metadata that
 * describes it, data of the stated size and sha256), no temporary file is left, and a rerun
 * of either setting finds every scan cached.
 */
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntry } from '../../src/io/cache-store.js';
import { tempFolder } from '../io/cohort-fixtures.js';
import { CLI, lssl } from './spawn-cli.js';

const root = tempFolder('lssl-concurrent-');
const phantom = join(root, 'phantom');
const cache = join(root, 'cache');
const SCANS = 20 * 3;

/** Runs `lssl ...args` as a child process; resolves with its exit code and output. */
interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** when the first and the last per-scan progress line arrived (ms, this process's clock) */
  scans: [number, number];
}

/** Runs `lssl ...args` as a child process; resolves with its exit code, output and timing. */
function run(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LSSL_BACKEND: 'cpu' } });
    let stdout = '';
    let stderr = '';
    const scans: [number, number] = [Number.NaN, Number.NaN];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!/^\[\d+\/\d+\] /m.test(String(d))) return;
      if (Number.isNaN(scans[0])) scans[0] = performance.now();
      scans[1] = performance.now();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr, scans }));
  });
}

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1));
}

beforeAll(() => {
  expect(lssl(['simulate', '--out', phantom, '--subjects', '20', '--visits', '3', '--shape', '64']).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('concurrent preprocess writers on one cache', () => {
  it('two shards, an overlapping full run and other settings leave only whole entries', async () => {
    const same = ['preprocess', phantom, '--cache', cache, '--shape', '64'];
    const results = await Promise.all([
      run([...same, '--shard', '1/2']),
      run([...same, '--shard', '2/2', '--jobs', '2']),
      run(same),
      run(['preprocess', phantom, '--cache', cache, '--shape', '16', '--float16']),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // the writers did overlap in time (process start-up varies with the machine's load, so
    // each run is asked to overlap one other, not all four at once): the full run with a
    // shard writing the same keys, the other setting with any of them
    const overlap = (a: Ran, b: Ran) => Math.min(a.scans[1], b.scans[1]) - Math.max(a.scans[0], b.scans[0]);
    const [shard1, shard2, full, other] = results;
    const sameKeys = Math.max(overlap(full, shard1), overlap(full, shard2));
    const otherKeys = Math.max(overlap(other, shard1), overlap(other, shard2), overlap(other, full));
    console.log(
      `overlap: same keys ${(sameKeys / 1000).toFixed(2)} s, other settings ${(otherKeys / 1000).toFixed(2)} s`,
    );
    expect(sameKeys).toBeGreaterThan(0);
    expect(otherKeys).toBeGreaterThan(0);

    const all = files(cache);
    expect(all.filter((f) => f.includes('.tmp-'))).toEqual([]);
    const metas = all.filter((f) => f.startsWith('entries/') && f.endsWith('.json'));
    expect(metas).toHaveLength(2 * SCANS);
    expect(all.filter((f) => f.startsWith('entries/') && f.endsWith('.bin'))).toHaveLength(2 * SCANS);
    for (const meta of metas) {
      const key = meta
        .split('/')
        .pop()!
        .replace(/\.json$/, '');
      const entry = readEntry(cache, key, { verify: true, load: false });
      expect(entry.state, `${meta}: ${JSON.stringify(entry)}`).toBe('ok');
    }

    for (const args of [same, ['preprocess', phantom, '--cache', cache, '--shape', '16', '--float16']]) {
      const again = lssl(args);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`0 built, 0 rebuilt, ${SCANS} already cached, 0 failed`));
    }
  }, 180_000);
});
