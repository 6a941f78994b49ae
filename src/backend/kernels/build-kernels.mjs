#!/usr/bin/env node
// Compiles the WebAssembly SIMD conv kernels from source (AssemblyScript, an npm devDependency,
// so `npm ci` can build them anywhere; no binary is downloaded or committed).
//
//   node src/backend/kernels/build-kernels.mjs      → dist/kernels/conv3d-simd.wasm
//   (conv3d-simd.as and memory-bound-simd.as in one module)
//
// The source keeps a .as extension so tsc never type-checks it; asc is handed its text under
// a .ts name through the compiler API's readFile hook.
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
/** Compiled together into one module: every export is a kernel of simd-runtime.ts. */
const SOURCES = ['conv3d-simd.as', 'memory-bound-simd.as'];
const outDir = join(root, 'dist', 'kernels');
const outFile = join(outDir, 'conv3d-simd.wasm');

/** Shared memory of up to 2 GiB: imported, so the main thread and the workers see one heap. */
const MAX_PAGES = 32768;

const sources = Object.fromEntries(SOURCES.map((name) => [name.replace(/\.as$/, '.ts'), readFileSync(join(here, name), 'utf8')]));
let binary;
const { error, stderr } = await asc.main(
  [
    ...Object.keys(sources),
    '--outFile', 'conv3d-simd.wasm',
    '-O3', '--noAssert',
    '--runtime', 'stub',
    '--enable', 'simd',
    '--enable', 'threads',
    '--importMemory', '--sharedMemory',
    '--initialMemory', '16',
    '--maximumMemory', String(MAX_PAGES),
  ],
  {
    readFile: (name) => sources[name] ?? null,
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
  },
);
if (error || !binary) {
  process.stderr.write(`build-kernels: asc failed: ${error?.message ?? 'no output'}\n${stderr.toString()}\n`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const tmp = `${outFile}.${process.pid}.tmp`;
writeFileSync(tmp, binary);
renameSync(tmp, outFile);
process.stdout.write(`build-kernels: wrote ${outFile} (${binary.length} bytes)\n`);
