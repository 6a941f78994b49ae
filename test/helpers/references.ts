/**
 * The independent references of the tests (numpy/scipy, nibabel, PyTorch, Chromium, the real
 * brain of mricron-data) on any machine.
 *
 * `pythonReference` returns the value python computed for the same program and input when
 * the golden files under test/fixtures/references were written (test/fixtures/regenerate.sh),
 * so a machine with only Node checks the same numbers. Where the python modules are installed
 * it also runs the program live and fails unless live and golden agree; where they are not,
 * the live check is counted as skipped (one line at the end of the run). Checks that cannot
 * be replayed from a file (a browser, the real brain) go through `skipUnless`.
 *
 * LSSL_REQUIRE_REFERENCES=1 turns every skip into a failure (CI); LSSL_REFERENCES=none
 * simulates a machine with none of the tools (reference-tools.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import {
  applyOverride,
  detectTools,
  PACKAGE,
  PYTHON,
  referenceMode,
  referencesRequired,
  type Tool,
  type ToolVersions,
} from './reference-tools.js';

const TEST_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const GOLDEN_ROOT = join(TEST_ROOT, 'fixtures', 'references');

let detected: ToolVersions | undefined;

/** The tools this run may use (detected once per run, LSSL_REFERENCES applied). */
export function referenceTools(): ToolVersions {
  if (!detected) {
    const passed = process.env.LSSL_REFERENCE_TOOLS;
    detected = applyOverride(passed ? JSON.parse(passed) : detectTools());
  }
  return detected;
}

export function hasTools(...tools: Tool[]): boolean {
  const found = referenceTools();
  return tools.every((t) => found[t] !== null);
}

export function missingMessage(tools: Tool[]): string {
  const missing = tools.filter((t) => referenceTools()[t] === null);
  return `needs ${missing.join(', ')} (apt-get install ${missing.map((t) => PACKAGE[t]).join(' ')})`;
}

/** Counts one live check skipped for want of `tools`: replayed from golden files, or not run. */
export function logSkip(tools: Tool[], kind: 'golden' | 'skipped', label: string): void {
  const log = process.env.LSSL_REFERENCE_SKIPS;
  const missing = tools.filter((t) => referenceTools()[t] === null);
  const line = `${missing.join(',')}\t${kind}\t${relative(TEST_ROOT, currentTestFile())}\t${label}\n`;
  if (log) appendFileSync(log, line);
}

/**
 * At the start of a test that needs `tools` live: true when they are here; otherwise the
 * test is skipped and counted (or fails under LSSL_REQUIRE_REFERENCES=1).
 */
export function skipUnless(context: { skip: (note?: string) => void; task: { name: string } }, ...tools: Tool[]): void {
  if (hasTools(...tools)) return;
  if (referencesRequired()) throw new Error(`LSSL_REQUIRE_REFERENCES=1: this test ${missingMessage(tools)}`);
  logSkip(tools, 'skipped', context.task.name);
  context.skip(missingMessage(tools));
}

function currentTestFile(): string {
  const path = expect.getState().testPath;
  if (!path) throw new Error('references are only available inside a vitest test file');
  return path;
}

/** test/io/resample.test.ts → test/fixtures/references/io/resample.json */
export function goldenFileFor(testFile: string): string {
  return join(GOLDEN_ROOT, relative(TEST_ROOT, testFile).replace(/\.test\.ts$/, '.json'));
}

interface GoldenEntry {
  /** the program's output, with declared paths as tokens */
  out: unknown;
  /** base64 bytes of each output file, by token */
  files?: Record<string, string>;
}

const stores = new Map<string, Record<string, GoldenEntry>>();

function store(file: string): Record<string, GoldenEntry> {
  let entries = stores.get(file);
  if (!entries) {
    // record mode starts from nothing, so entries no test asks for any more disappear
    entries = referenceMode() === 'record' || !existsSync(file) ? {} : JSON.parse(readFileSync(file, 'utf8'));
    stores.set(file, entries as Record<string, GoldenEntry>);
  }
  return entries as Record<string, GoldenEntry>;
}

function saveStore(file: string): void {
  const entries = store(file);
  const lines = Object.keys(entries)
    .sort()
    .map((k) => `${JSON.stringify(k)}: ${JSON.stringify(entries[k])}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `{\n${lines.join(',\n')}\n}\n`);
}

export interface PythonReferenceOptions {
  /** files or folders the program reads: their content (not their path) goes into the key */
  files?: string[];
  /** files the program writes: kept in the golden file and written from it on every machine */
  outputs?: string[];
  /** how far live may differ from golden: |live − golden| ≤ atol + rtol·|golden| (1e-9, 1e-6) */
  atol?: number;
  rtol?: number;
}

const MODULES: Tool[] = ['numpy', 'scipy', 'nibabel', 'torch'];

/** The python modules a program imports. */
export function modulesOf(code: string): Tool[] {
  return MODULES.filter((m) => new RegExp(`^\\s*(import|from)\\s+[^\\n]*\\b${m}\\b`, 'm').test(code));
}

/**
 * Runs `code` (a python program that reads JSON from stdin and prints JSON) on `input`, or
 * replays what it printed when the golden files were made; see the file comment.
 */
export function pythonReference<T = unknown>(code: string, input: unknown, options: PythonReferenceOptions = {}): T {
  const tokens = pathTokens(options);
  const inputText = tokenize(JSON.stringify(input) ?? 'null', tokens);
  const key = referenceKey(tokenize(code, tokens), inputText, options.files ?? []);
  const goldenFile = goldenFileFor(currentTestFile());
  const entries = store(goldenFile);
  const tools = modulesOf(code);
  let golden = entries[key];
  if (hasTools(...tools)) {
    const live = runPython(code, JSON.stringify(input));
    const liveEntry: GoldenEntry = { out: JSON.parse(tokenize(JSON.stringify(live), tokens)) };
    if (options.outputs?.length)
      liveEntry.files = Object.fromEntries(
        options.outputs.map((p, i) => [`<<output:${i}>>`, readFileSync(p).toString('base64')]),
      );
    if (referenceMode() === 'record') {
      entries[key] = liveEntry;
      saveStore(goldenFile);
      golden = liveEntry;
    } else if (golden) {
      expectLiveMatchesGolden(liveEntry, golden, options);
    }
  } else {
    if (referencesRequired()) throw new Error(`LSSL_REQUIRE_REFERENCES=1: this reference ${missingMessage(tools)}`);
    logSkip(tools, 'golden', expect.getState().currentTestName ?? 'beforeAll');
  }
  if (!golden)
    throw new Error(
      `no golden value for this python reference in ${relative(TEST_ROOT, goldenFile)} (the program or its input ` +
        'changed): regenerate with test/fixtures/regenerate.sh',
    );
  for (const [token, b64] of Object.entries(golden.files ?? {})) {
    const path = tokens.find(([, t]) => t === token)?.[0];
    if (!path) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(b64, 'base64'));
  }
  return JSON.parse(detokenize(JSON.stringify(golden.out), tokens)) as T;
}

/**
 * Runs `code` live, with no golden value: for checks on data too large to keep (the real
 * brain). The test must first call `skipUnless` for the modules the code imports.
 */
export function livePython<T = unknown>(code: string, input: unknown): T {
  const tools = modulesOf(code);
  if (!hasTools(...tools)) throw new Error(`this live python check ${missingMessage(tools)}: guard it with skipUnless`);
  return runPython(code, JSON.stringify(input)) as T;
}

function runPython(code: string, input: string): unknown {
  const result = spawnSync(PYTHON, ['-c', code], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.error) throw new Error(`python3 reference could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`python3 reference failed (status ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** [path, token] for every declared path, longest path first so a folder never eats its files. */
function pathTokens(options: PythonReferenceOptions): [string, string][] {
  const pairs: [string, string][] = [
    ...(options.files ?? []).map((p, i): [string, string] => [p, `<<input:${i}>>`]),
    ...(options.outputs ?? []).map((p, i): [string, string] => [p, `<<output:${i}>>`]),
  ];
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

function tokenize(text: string, tokens: [string, string][]): string {
  let out = text;
  for (const [path, token] of tokens) out = out.split(path).join(token);
  return out;
}

function detokenize(text: string, tokens: [string, string][]): string {
  let out = text;
  for (const [path, token] of tokens) out = out.split(token).join(path);
  return out;
}

function referenceKey(code: string, input: string, files: string[]): string {
  const temp = tmpdir();
  if (input.includes(temp) || code.includes(temp))
    throw new Error(`a python reference's input names a path under ${temp}: declare it in files or outputs`);
  const hash = createHash('sha256').update(code).update('\0').update(input);
  for (const f of files) hash.update('\0').update(contentHash(f));
  return hash.digest('hex').slice(0, 24);
}

/** sha256 of a file (gzip content decompressed, so the compressor's version does not matter) or a folder. */
function contentHash(path: string): string {
  const hash = createHash('sha256');
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort())
      hash
        .update(name)
        .update('\0')
        .update(contentHash(join(path, name)));
  } else {
    const bytes = readFileSync(path);
    hash.update(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
  }
  return hash.digest('hex');
}

function expectLiveMatchesGolden(live: GoldenEntry, golden: GoldenEntry, options: PythonReferenceOptions): void {
  const atol = options.atol ?? 1e-9;
  const rtol = options.rtol ?? 1e-6;
  const where = closeEnough(live.out, golden.out, atol, rtol, 'out');
  if (where)
    throw new Error(
      `live python differs from the golden file at ${where}: regenerate with test/fixtures/regenerate.sh`,
    );
  for (const [token, b64] of Object.entries(golden.files ?? {})) {
    const a = unzipped(Buffer.from(live.files?.[token] ?? '', 'base64'));
    if (!a.equals(unzipped(Buffer.from(b64, 'base64'))))
      throw new Error(`live python wrote a different ${token} than the golden file: regenerate`);
  }
}

function unzipped(bytes: Buffer): Buffer {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** Where two JSON values differ beyond the tolerance ('' when they do not). */
export function closeEnough(a: unknown, b: unknown, atol: number, rtol: number, at: string): string {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return '';
    return Math.abs(a - b) <= atol + rtol * Math.abs(b) || a === b ? '' : `${at} (${a} vs ${b})`;
  }
  if (typeof a === 'string' && typeof b === 'string' && a !== b) return base64Differs(a, b, atol, rtol, at);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at} (length ${a.length} vs ${b.length})`;
    for (let i = 0; i < a.length; i++) {
      const d = closeEnough(a[i], b[i], atol, rtol, `${at}[${i}]`);
      if (d) return d;
    }
    return '';
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    if (keys.sort().join() !== Object.keys(b).sort().join()) return `${at} (keys differ)`;
    for (const k of keys) {
      const d = closeEnough(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        atol,
        rtol,
        `${at}.${k}`,
      );
      if (d) return d;
    }
    return '';
  }
  return a === b ? '' : `${at} (${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)})`;
}

/** Volumes travel as base64 float64: compare them as numbers. */
function base64Differs(a: string, b: string, atol: number, rtol: number, at: string): string {
  const base64 = /^[A-Za-z0-9+/]+=*$/;
  if (!base64.test(a) || !base64.test(b)) return `${at} (${a.slice(0, 80)} vs ${b.slice(0, 80)})`;
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  if (x.length !== y.length || x.length % 8 !== 0) return `${at} (different bytes)`;
  const fx = new Float64Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.length));
  const fy = new Float64Array(y.buffer.slice(y.byteOffset, y.byteOffset + y.length));
  return closeEnough(Array.from(fx), Array.from(fy), atol, rtol, at);
}
