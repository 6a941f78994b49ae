/**
 * Ctrl-C through the compiled CLI (issue 16): a 32³ training stops within one step and 3 s,
 * runs no validation after the signal, keeps the last finished epoch (resumable) and exits
 * 130; Ctrl-C before the first finished epoch leaves no config.json; a second Ctrl-C ends the
 * process at once even while a step blocks the thread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../io/cohort-fixtures.js';
import { CLI, lssl } from './spawn-cli.js';

const root = tempFolder('lssl-interrupt-');
const phantom = join(root, 'phantom');
const cache = join(root, 'cache');

interface Watched {
  child: ChildProcess;
  stderr: () => string;
  /** resolves when stderr has a line matching `pattern` */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function watch(command: string, args: string[]): Watched {
  const child = spawn(command, args, {
    env: { ...process.env, LSSL_BACKEND: 'wasm' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr!.on('data', (chunk) => {
    text += String(chunk);
    for (const w of waiters.splice(0)) (w.pattern.test(text) ? w.resolve : () => waiters.push(w))();
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return {
    child,
    stderr: () => text,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(text)) return resolve();
        waiters.push({ pattern, resolve });
        exited.then(() => reject(new Error(`exited before ${pattern}: ${text}`)));
      }),
    exited,
  };
}

const trainArgs = (out: string) => [
  CLI,
  'train',
  phantom,
  '--method',
  'lssl',
  '--shape',
  '32',
  // one pair per step: an epoch of several steps, so the signal lands inside one even with fast kernels
  '--batch',
  '1',
  '--epochs',
  '20',
  '--cache',
  cache,
  '--out',
  out,
];

beforeAll(() => {
  expect(lssl(['simulate', '--out', phantom, '--subjects', '10', '--visits', '2', '--shape', '32']).code).toBe(0);
  expect(lssl(['preprocess', phantom, '--shape', '32', '--cache', cache]).code).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Ctrl-C during lssl train', () => {
  it('in epoch 2 of a 32³ run: ends within 3 s, no validation after it, epoch 1 kept and resumable, exit 130', async () => {
    const out = join(root, 'run');
    const run = watch(process.execPath, trainArgs(out));
    await run.waitFor(/epoch 1\/20 validation/);
    await new Promise((r) => setTimeout(r, 50)); // into epoch 2's steps
    const sent = performance.now();
    run.child.kill('SIGINT');
    const { code, at } = await run.exited;
    const latency = (at - sent) / 1000;
    console.log(`Ctrl-C to exit: ${latency.toFixed(2)} s`);
    expect(code, run.stderr()).toBe(130);
    expect(latency).toBeLessThan(3);
    const after = run.stderr().slice(run.stderr().indexOf('stopping after this step'));
    expect(after).toMatch(/^stopping after this step/);
    expect(after).not.toMatch(/validation/);
    expect(after).toMatch(/interrupted in epoch 2 at step \d+; the last finished epoch's checkpoint is kept/);
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['epoch-0001']);
    const resumed = lssl([
      'train',
      phantom,
      '--method',
      'lssl',
      '--resume',
      '--epochs',
      '2',
      '--cache',
      cache,
      '--out',
      out,
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming after epoch 1/);
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['epoch-0002']);
  }, 120_000);

  it('in the first epoch: exit 130 and no config.json, so the same command runs again', async () => {
    const out = join(root, 'early');
    const run = watch(process.execPath, trainArgs(out));
    await run.waitFor(/^training epochs 1–20/m);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(130);
    expect(existsSync(join(out, 'config.json'))).toBe(false);
    const again = watch(process.execPath, trainArgs(out));
    await again.waitFor(/^training epochs 1–20/m);
    again.child.kill('SIGINT');
    expect((await again.exited).code, again.stderr()).toBe(130);
  }, 120_000);
});

describe('a second Ctrl-C', () => {
  it('ends the process at once while a step blocks the thread', async () => {
    // the handler of the CLI (dist/src/train/interrupt.js), then a 20 s synchronous "step"
    const script = `
      const { interruptOnSigint } = await import(${JSON.stringify(join(process.cwd(), 'dist/src/train/interrupt.js'))});
      interruptOnSigint(() => {
        process.stderr.write('first\\n');
        setTimeout(() => { const end = Date.now() + 20000; while (Date.now() < end); }, 50);
      });
      process.stderr.write('ready\\n');
      setInterval(() => {}, 1000);`;
    const run = watch(process.execPath, ['--input-type=module', '-e', script]);
    await run.waitFor(/ready/);
    run.child.kill('SIGINT');
    await run.waitFor(/first/);
    await new Promise((r) => setTimeout(r, 300)); // the blocking loop has started
    const sent = performance.now();
    run.child.kill('SIGINT');
    const { signal, at } = await run.exited;
    expect(signal).toBe('SIGINT');
    expect((at - sent) / 1000).toBeLessThan(1);
  }, 60_000);
});
