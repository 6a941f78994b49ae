/**
 * vitest globalSetup: detects the external references once per run (reference-tools.ts), hands
 * the result to every test process, and at the end prints one line saying how many live
 * checks were skipped and how to enable them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTools, PACKAGE, type Tool, TOOLS } from './reference-tools.js';

export default function setup(): () => void {
  const found = detectTools();
  process.env.LSSL_REFERENCE_TOOLS = JSON.stringify(found);
  const dir = mkdtempSync(join(tmpdir(), 'lssl-references-'));
  const log = join(dir, 'skipped.tsv');
  process.env.LSSL_REFERENCE_SKIPS = log;
  return () => {
    const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    rmSync(dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    const missing = new Set<Tool>();
    for (const line of lines) for (const t of line.split('\t')[0].split(',')) missing.add(t as Tool);
    const packages = TOOLS.filter((t) => missing.has(t)).map((t) => PACKAGE[t]);
    const golden = lines.filter((l) => l.split('\t')[1] === 'golden').length;
    console.log(
      `lssl references: ${lines.length} live checks skipped (${golden} of them checked against golden files ` +
        `instead, ${lines.length - golden} not run); to run them: ` +
        `apt-get install ${packages.join(' ')} (LSSL_REQUIRE_REFERENCES=1 makes a skip a failure)`,
    );
  };
}
