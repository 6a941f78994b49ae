/**
 * examples/pipeline.ts, the code docs/library.md shows, run as written (importing 'lssl', the
 * built package): so the documented pipeline cannot rot. The doc must show the file verbatim.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../examples/pipeline.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'lssl-example-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/pipeline.ts', () => {
  it('is shown verbatim in docs/library.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/library.md'), 'utf8');
    const code = readFileSync(join(ROOT, 'examples/pipeline.ts'), 'utf8');
    expect(doc).toContain(`\`\`\`ts\n${code}\`\`\``);
  });

  it('simulates, pairs, trains, embeds, probes and writes the report', async () => {
    const result = await pipeline(out);
    // 10 subjects × 3 visits: 3 ordered pairs each, 30 scans
    expect(result.pairs).toBe(30);
    expect(result.embedded).toBe(30);
    expect(result.epochs).toBe(2);
    expect(Number.isFinite(result.ageMae)).toBe(true);
    expect(result.ageMae).toBeGreaterThan(0);
    const embeddings = readFileSync(join(out, 'runs/lssl/embeddings.csv'), 'utf8').trim().split('\n');
    expect(embeddings).toHaveLength(31);
    expect(embeddings[0]).toMatch(/tau_proj/);
    expect(existsSync(result.report)).toBe(true);
    expect(readFileSync(result.report, 'utf8')).toMatch(/<svg/);
  }, 120_000);
});
