/**
 * `lssl preprocess` through the compiled CLI (worker threads run dist/ JavaScript):
 * `npm test` builds first; run `npm run build` before running this file alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_COHORT, tempFolder, writeBids, writeNiftiWithNibabel } from '../io/cohort-fixtures.js';
import { formatReport, progressPrinter } from '../../cli/preprocess.js';
import type { Scan } from '../../src/io/cohort.js';

const CLI = join(process.cwd(), 'dist', 'cli', 'lssl.js');
let root: string;
let cacheDir: string;

function lssl(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LSSL_BACKEND: 'cpu' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  root = tempFolder('lssl-cli-pre-');
  cacheDir = join(tempFolder('lssl-cli-cache-'), 'cache');
  const images: { path: string; seed: number }[] = [];
  writeBids(root, SMALL_COHORT, (path) => images.push({ path, seed: 200 + images.length }));
  writeNiftiWithNibabel(images);
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(join(cacheDir, '..'), { recursive: true, force: true });
});

describe('lssl preprocess (compiled)', () => {
  it('two shards on two worker threads each fill one cache; a full run then finds everything', () => {
    const first = lssl(
      'preprocess',
      root,
      '--cache',
      cacheDir,
      '--shape',
      '16',
      '--jobs',
      '2',
      '--shard',
      '1/2',
      '--json',
    );
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      cohortScans: 6,
      scans: 3,
      built: 3,
      cached: 0,
      shard: { index: 0, count: 2 },
    });
    // Not a terminal: one plain progress line per scan.
    expect(first.stderr.split('\n').filter((l) => /^\[\d\/3\] built /.test(l))).toHaveLength(3);
    const second = lssl(
      'preprocess',
      root,
      '--cache',
      cacheDir,
      '--shape',
      '16',
      '--jobs',
      '2',
      '--shard',
      '2/2',
      '--json',
    );
    expect(JSON.parse(second.stdout)).toMatchObject({ scans: 3, built: 3 });
    const all = lssl('preprocess', root, '--cache', cacheDir, '--shape', '16');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/preprocessed 6 scans into .*: 0 built, 0 rebuilt, 6 already cached, 0 failed/);
  });

  it('ends bad usage with one line and exit code 2', () => {
    const bad = lssl('preprocess', root, '--cache', cacheDir, '--shard', '3/2');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("lssl: shard must be i/n with 1 ≤ i ≤ n (e.g. 1/8), not '3/2'");
  });

  it('formats a report line', () => {
    const line = formatReport({
      cacheDir: '/c',
      shard: { index: 1, count: 4 },
      cohortScans: 10,
      scans: 3,
      cached: 1,
      built: 1,
      rebuilt: 1,
      failed: [],
      warnings: [],
      seconds: 2.04,
    });
    expect(line).toBe(
      'preprocessed 3 scans (shard 2/4 of 10) into /c: 1 built, 1 rebuilt, 1 already cached, 0 failed, in 2.0 s',
    );
  });

  it('draws a bar in place on a terminal and plain lines elsewhere', () => {
    const scan = { subject: '01', session: 'm12' } as Scan;
    const capture = (isTTY: boolean) => {
      let text = '';
      const stream = {
        isTTY,
        write: (chunk: string) => {
          text += chunk;
          return true;
        },
      } as unknown as NodeJS.WriteStream;
      const p = progressPrinter(stream);
      p.update({ done: 1, total: 2, scan, status: 'built', seconds: 0.5 });
      p.update({ done: 2, total: 2, scan, status: 'rebuilt', seconds: 0.25, message: 'data checksum differs' });
      p.finish();
      return text;
    };
    expect(capture(false)).toBe('[1/2] built 01/m12 0.50 s\n[2/2] rebuilt 01/m12 0.25 s (data checksum differs)\n');
    const tty = capture(true);
    expect(tty.startsWith('\r[###############...............] 1/2')).toBe(true);
    expect(tty).toContain('\r[##############################] 2/2');
    expect(tty.endsWith('\n')).toBe(true);
    expect(tty.split('\n')).toHaveLength(2);
  });
});
