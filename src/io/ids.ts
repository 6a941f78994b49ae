/** Subject and session identifiers as cohorts write them. */

/** Strips a BIDS prefix (`sub-`, `ses-`) so both spellings name the same thing. */
export function bidsLabel(text: string, prefix: 'sub-' | 'ses-'): string {
  const t = text.trim();
  return t.toLowerCase().startsWith(prefix) ? t.slice(prefix.length) : t;
}

/** Orders ids the way people number subjects: `2` before `10`, `sub-a` before `sub-b`. */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}
