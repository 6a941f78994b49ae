#!/usr/bin/env node
// Compiles the WebAssembly SIMD conv kernels from source (AssemblyScript, an npm devDependency,
// so `npm ci` can build them anywhere; no binary is downloaded or committed).
//
//   node src/backend/kernels/build-kernels.mjs
//     → dist/kernels/conv3d-simd.wasm (conv3d-simd.as + memory-bound-simd.as, shared memory)
//     → dist/kernels/conv3d-simd-relaxed.wasm (the same, multiply-adds as relaxed-SIMD FMA)
//     → dist/kernels/memory-bound-simd.wasm (memory-bound-simd.as, plain imported memory)
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
const SOURCES = ['conv3d-simd.as', 'winograd-simd.as', 'memory-bound-simd.as'];
/** conv3d-simd.as imports `madd` from './madd': one of these, per module. */
const MADD_PLAIN = { 'madd.as': 'madd-plain.as' };
const MADD_RELAXED = { 'madd.as': 'madd-relaxed.as' };
const outDir = join(root, 'dist', 'kernels');

/** Shared memory of up to 2 GiB: imported, so the main thread and the workers see one heap. */
const MAX_PAGES = 32768;

/**
 * The modules built:
 * - conv3d-simd.wasm: every kernel, on the runtime's shared memory (simd-runtime.ts);
 * - conv3d-simd-relaxed.wasm: the same with fused multiply-adds (relaxed SIMD), which
 *   simd-runtime.ts prefers when the engine validates it;
 * - memory-bound-simd.wasm: the memory-bound kernels alone, importing a plain (non-shared)
 *   memory, so that they can run in place on the tfjs-wasm heap (memory-bound.ts). It must
 *   have no data segments (they would be written into that heap): checked below.
 */
const SHARED_MEMORY_FLAGS = [
  '--enable',
  'threads',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '16',
  '--maximumMemory',
  String(MAX_PAGES),
];
const TARGETS = [
  { out: 'conv3d-simd.wasm', sources: SOURCES, aliases: MADD_PLAIN, flags: SHARED_MEMORY_FLAGS },
  {
    out: 'conv3d-simd-relaxed.wasm',
    sources: SOURCES,
    aliases: MADD_RELAXED,
    flags: [...SHARED_MEMORY_FLAGS, '--enable', 'relaxed-simd'],
  },
  {
    out: 'memory-bound-simd.wasm',
    sources: ['memory-bound-simd.as'],
    aliases: {},
    flags: ['--importMemory', '--initialMemory', '1'],
  },
];

/** Ids of the sections of a wasm binary (11 = data). */
function sectionIds(bytes) {
  const ids = [];
  let i = 8;
  while (i < bytes.length) {
    ids.push(bytes[i++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[i++];
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    i += size;
  }
  return ids;
}

/** `aliases` maps a module name imported by the sources (e.g. madd.as) to the file compiled for it. */
async function compile({ out, sources: names, aliases, flags }) {
  const asTs = (name) => name.replace(/\.as$/, '.ts');
  const entries = names.map((name) => [asTs(name), readFileSync(join(here, name), 'utf8')]);
  const imported = Object.entries(aliases).map(([name, file]) => [asTs(name), readFileSync(join(here, file), 'utf8')]);
  const sources = Object.fromEntries([...entries, ...imported]);
  let binary;
  const { error, stderr } = await asc.main(
    [
      ...entries.map(([name]) => name),
      '--outFile',
      out,
      '-O3',
      '--noAssert',
      '--runtime',
      'stub',
      '--enable',
      'simd',
      ...flags,
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
    process.stderr.write(
      `build-kernels: asc failed for ${out}: ${error?.message ?? 'no output'}\n${stderr.toString()}\n`,
    );
    process.exit(1);
  }
  if (sectionIds(binary).includes(11)) {
    process.stderr.write(`build-kernels: ${out} has a data segment; the kernels must not use static data\n`);
    process.exit(1);
  }
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, out);
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, binary);
  renameSync(tmp, outFile);
  process.stdout.write(`build-kernels: wrote ${outFile} (${binary.length} bytes)\n`);
}

for (const target of TARGETS) await compile(target);
