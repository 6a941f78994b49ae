/**
 * What both phantoms (procedural and template) write the same way: the BIDS text files,
 * number formats, argument checks and the guard that never overwrites a user's folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

export const GENERATOR_NAME = 'lssl simulate';

export function checkCount(name: string, value: number, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw inputError(`${name} must be an integer from ${lo} to ${hi}, not ${value}`);
  }
}

/** Rounds for the TSV files (no float noise in the text). */
export function fixed(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** Six significant digits: volumes of tiny phantoms are small numbers. */
export function significant(value: number): number {
  return Number(value.toPrecision(6));
}

export function tsv(columns: string[], rows: Record<string, string | number>[]): string {
  return [columns.join('\t'), ...rows.map((row) => columns.map((c) => String(row[c])).join('\t'))].join('\n') + '\n';
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(text));
}

/** Refuses to write into a folder that holds anything but an earlier phantom; clears that one. */
export async function prepareOutput(out: string): Promise<void> {
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length > 0) {
      const description = join(out, 'dataset_description.json');
      let generated = false;
      try {
        const json = JSON.parse(readFileSync(description, 'utf8'));
        generated =
          Array.isArray(json.GeneratedBy) && json.GeneratedBy.some((g: { Name?: string }) => g.Name === GENERATOR_NAME);
      } catch {
        generated = false;
      }
      if (!generated)
        throw inputError(
          'output folder must be empty or hold an earlier lssl phantom, and this one holds other files',
          out,
        );
      for (const entry of entries)
        if (entry.startsWith('sub-')) await rm(join(out, entry), { recursive: true, force: true });
    }
  }
  await mkdir(out, { recursive: true });
}
