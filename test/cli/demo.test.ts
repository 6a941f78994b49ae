import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { comparisonTable, demoCommand, headlineVerdict } from '../../cli/demo.js';
import { ALL_DEMO_METHODS, DEMO_METHODS, demoMethods } from '../../src/demo.js';
import { compareEmbeddings } from '../../src/eval/compare/compare-embeddings.js';
import { LsslError } from '../../src/errors.js';
import { METHOD_NAMES } from '../../src/methods.js';
import { syntheticTable } from '../eval/synthetic-table.js';

/** The arguments `lssl demo ARGV` would hand its handler, without running it. */
async function demoArgs(argv: string[]): Promise<Record<string, unknown>> {
  let parsed: Record<string, unknown> = {};
  await yargs(['demo', ...argv])
    .option('debug', { type: 'boolean', default: false })
    .option('backend', { type: 'string', default: 'auto' })
    .command({
      ...demoCommand,
      handler: (args) => {
        parsed = args as Record<string, unknown>;
      },
    })
    .strict()
    .exitProcess(false)
    .parseAsync();
  return parsed;
}

describe('lssl demo methods', () => {
  it("defaults to the LSSL paper's methods: none, ae, vae, lssl", async () => {
    expect(DEMO_METHODS).toEqual(['none', 'ae', 'vae', 'lssl']);
    const args = await demoArgs([]);
    expect(demoMethods(args.methods as string)).toEqual(['none', 'ae', 'vae', 'lssl']);
    expect(args.seeds).toBe(1);
  });

  it('--methods all is every method, --methods a,b those in order', async () => {
    expect(demoMethods((await demoArgs(['--methods', 'all'])).methods as string)).toEqual([...ALL_DEMO_METHODS]);
    expect([...ALL_DEMO_METHODS].sort()).toEqual([...METHOD_NAMES].sort());
    expect(demoMethods('lssl, ae,lssl')).toEqual(['lssl', 'ae']);
    expect(() => demoMethods('lssl,bert')).toThrow(LsslError);
    expect(() => demoMethods('lssl,bert')).toThrow(/--methods must be 'all' or name methods among .*"bert"/);
    expect(() => demoMethods(' , ')).toThrow(/at least one method/);
  });
});

describe("the demo's printed table and verdict", () => {
  // lssl's Δz carries diagnosis (z1 grows in AD only); ae and none carry noise
  const signal = { subjects: 30, visits: 3, dim: 4, adRate: 2, ageWeight: 0.5 };
  const runs = [
    { method: 'none', seed: 0, table: syntheticTable({ ...signal, adRate: 0, seed: 5 }) },
    { method: 'ae', seed: 0, table: syntheticTable({ ...signal, adRate: 0, seed: 4 }) },
    { method: 'lssl', seed: 0, table: syntheticTable({ ...signal, seed: 3 }) },
  ];
  const fast = { bootstrap: { resamples: 999 }, permutation: { resamples: 999 } };
  const comparisons = (
    [
      ['diagnosis', 'delta'],
      ['diagnosis', 'z'],
      ['age', 'z'],
    ] as const
  ).map(([target, features]) => ({
    target,
    features,
    comparison: compareEmbeddings(runs, { target, features, folds: 3 }, fast).comparison,
  }));

  it('one row per method with estimate [CI] in each headline column', () => {
    const lines = comparisonTable(comparisons).split('\n');
    expect(lines[0]).toMatch(/^method +diagnosis bal\.acc \(Δz\) +diagnosis bal\.acc \(z\) +age r \(z\)$/);
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['none', 'ae', 'lssl']);
    const lssl = comparisons[0].comparison.metrics.find(
      (m) => m.method === 'lssl' && m.metric === 'balanced_accuracy',
    )!;
    expect(lines[3]).toContain(`${lssl.estimate.toFixed(2)} [${lssl.low.toFixed(2)}, ${lssl.high.toFixed(2)}]`);
  });

  it('verdict lines of diagnosis from Δz (balanced accuracy) and age from z (r): lssl ahead on Δz', () => {
    const lines = headlineVerdict(comparisons);
    expect(lines[0]).toBe('diagnosis from Δz:');
    expect(lines.slice(1, 4).map((l) => l.split(':')[0].trim())).toEqual(['lssl vs none', 'lssl vs ae', 'ae vs none']);
    expect(lines[1]).toMatch(/^ {2}lssl vs none: \+0\.\d\d balanced accuracy \[0\.\d\d, [01]\.\d\d\], p [<=] 0\.0\d*/);
    expect(lines[4]).toBe('age from z:');
    expect(lines.slice(5).every((l) => / r \[/.test(l))).toBe(true);
  });
});
