// `lssl bench all` runs each benchmark in its own process under a header with the load average;
// what a benchmark measures is not tested here (timings are never part of npm test).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/lssl.js');
const lssl = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe.skipIf(!existsSync(CLI))('lssl bench all (the built CLI: npm test builds first)', () => {
  it('runs the chosen benchmarks in child processes, each under its header, and ends with the load', () => {
    const run = lssl('bench', 'all', '--only', 'cache', '--backend', 'cpu');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\n== lssl bench cache \(load average \d+\.\d\) ==\ncache: 64³ float32 entry/);
    expect(run.stdout).toMatch(/readCachedVolume \(sha256 checked\): +median [\d.]+ ms/);
    expect(run.stdout).toMatch(/\nload average at the end \d+\.\d\n$/);
    expect(run.stdout).not.toMatch(/== lssl bench (train|preprocess)/);
  });

  it('refuses an unknown benchmark in one line, exit 2', () => {
    const run = lssl('bench', 'all', '--only', 'cache,warp');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^lssl: --only takes train, .*cache.*, not warp\n$/);
  });
});
