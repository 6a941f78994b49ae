// The shape of the code base as a test: the relative imports of every .ts file under src/,
// cli/ and bench/ form a graph that must have no cycle and must point down the layers
// (docs/architecture.md), and no file may cite a document that lives outside the repository.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function listFiles(dir: string, keep: (path: string) => boolean): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return listFiles(path, keep);
    return keep(path) ? [path] : [];
  });
}

/** Relative imports (static, side-effect and dynamic) of one file, as repository paths of .ts files. */
function relativeImports(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((s) => join(dirname(file), s).replace(/\.js$/, '.ts'));
}

/** Every cycle-free check needs the graph: file → the files it imports. */
function importGraph(files: string[]): Map<string, string[]> {
  return new Map(files.map((f) => [f, relativeImports(f, readFileSync(join(root, f), 'utf8'))]));
}

/** One cycle of the graph as a path a → … → a, or undefined when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The layers, lowest first: a file may import its own layer and the layers below it.
 * errors/rng/checks ← math/backend ← io ← sim ← nn ← train ← {lssl, contrastive} ← method registry
 * ← eval ← {labs, validate, timing} ← demo ← library index ← {cli, bench}.
 */
const layers: Array<[layer: string, rank: number, matches: (path: string) => boolean]> = [
  // leaf helpers with no project imports: errors, seeded generators, argument checks, the python runner, versions
  ['base', 0, (p) => ['src/errors.ts', 'src/rng.ts', 'src/checks.ts', 'src/python.ts', 'src/version.ts'].includes(p)],
  ['math', 1, (p) => p.startsWith('src/math/')],
  ['backend', 1, (p) => p.startsWith('src/backend/')],
  ['io', 2, (p) => p.startsWith('src/io/')],
  ['sim', 3, (p) => p.startsWith('src/sim/')],
  ['nn', 4, (p) => p.startsWith('src/nn/')],
  ['train', 5, (p) => p.startsWith('src/train/')],
  ['lssl', 6, (p) => p.startsWith('src/lssl/')],
  ['contrastive', 6, (p) => p.startsWith('src/contrastive/')],
  ['registry', 7, (p) => ['src/methods.ts', 'src/runs.ts'].includes(p)],
  ['eval', 8, (p) => p.startsWith('src/eval/')],
  ['labs', 9, (p) => p.startsWith('src/labs/')],
  ['validate', 9, (p) => p.startsWith('src/validate/')],
  ['timing', 9, (p) => p.startsWith('src/bench/')],
  ['demo', 10, (p) => p === 'src/demo.ts'],
  ['index', 11, (p) => p === 'src/index.ts'],
  ['cli', 12, (p) => p.startsWith('cli/')],
  ['bench', 12, (p) => p.startsWith('bench/')],
];

function layerOf(path: string): { layer: string; rank: number } {
  const found = layers.find(([, , matches]) => matches(path));
  if (!found) throw new Error(`${path} belongs to no layer of test/architecture.test.ts`);
  return { layer: found[0], rank: found[1] };
}

/** Why `from` may not import `to`, or undefined when it may. */
function layerViolation(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a.layer === b.layer) return undefined;
  if (b.rank > a.rank) return `${a.layer} (${from}) imports the higher layer ${b.layer} (${to})`;
  if (b.rank === a.rank) return `${a.layer} (${from}) imports its sibling ${b.layer} (${to})`;
  return undefined;
}

const sources = [
  ...listFiles('src', (p) => p.endsWith('.ts')),
  ...listFiles('cli', (p) => p.endsWith('.ts')),
  ...listFiles('bench', (p) => p.endsWith('.ts')),
];

describe('architecture', () => {
  const graph = importGraph(sources);

  it('finds the cycle it is shown, so its silence means something', () => {
    const toy = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycle(toy)).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toBeUndefined();
    expect(
      relativeImports('src/x/y.ts', "import { a } from '../z.js';\nimport './w.js';\nawait import('./v.js');"),
    ).toEqual(['src/z.ts', 'src/x/w.ts', 'src/x/v.ts']);
  });

  it('every relative import names a file that exists', () => {
    const missing = [...graph].flatMap(([file, deps]) =>
      deps.filter((d) => !existsSync(join(root, d))).map((d) => `${file} → ${d}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycle in src/, cli/ or bench/', () => {
    const cycle = findCycle(graph);
    expect(cycle?.join(' → ')).toBeUndefined();
  });

  it('imports point down the layers (io → … → train → methods → eval → cli)', () => {
    const violations = [...graph].flatMap(([file, deps]) =>
      deps.map((d) => layerViolation(file, d)).filter((v) => v !== undefined),
    );
    expect(violations).toEqual([]);
  });

  it('nothing in cli/ imports the top-level bench/ folder, nothing in src/ imports cli/ or bench/', () => {
    const wrong = [...graph].flatMap(([file, deps]) =>
      deps
        .filter(
          (d) =>
            (file.startsWith('cli/') && d.startsWith('bench/')) ||
            (file.startsWith('src/') && (d.startsWith('cli/') || d.startsWith('bench/'))),
        )
        .map((d) => `${file} → ${d}`),
    );
    expect(wrong).toEqual([]);
  });

  it('no file cites a document outside the repository', () => {
    // Spelled in pieces so that this file does not cite them itself.
    const outside = ['DESIGN' + '.md', 'REFERENCES' + '.md', '../' + 'shared'];
    const texts = ['src', 'cli', 'bench', 'docs', 'test'].flatMap((dir) =>
      listFiles(dir, (p) => /\.(ts|md|mjs|py|as|json)$/.test(p)),
    );
    const citing = [...texts, 'README.md'].filter((f) => {
      const text = readFileSync(join(root, f), 'utf8');
      return outside.some((name) => text.includes(name));
    });
    expect(citing).toEqual([]);
  });
});
