/**
 * Where each command writes, checked before its handler runs (a yargs middleware), so a bad
 * `--out` or `--cache` ends in one line and exit 2 before any scan is read or any epoch is
 * trained. `--out` is a folder or a file depending on the command; the table says which.
 */
import { checkOutputFile, checkOutputFolder } from '../src/io/destination.js';

type Kind = 'folder' | 'file';

/** command (with subcommand for `validate`) → what its --out and --cache are */
const DESTINATIONS: Record<string, { out?: Kind; cache?: 'read' | 'write' }> = {
  train: { out: 'folder', cache: 'read' },
  tune: { out: 'folder', cache: 'read' },
  preprocess: { cache: 'write' },
  embed: { out: 'file', cache: 'read' },
  probe: { out: 'file' },
  finetune: { out: 'file', cache: 'read' },
  report: { out: 'folder', cache: 'read' },
  simulate: { out: 'folder' },
  compare: { out: 'folder' },
  demo: { out: 'folder' },
  'validate phantom': { out: 'folder' },
  'validate contrastive-phantom': { out: 'folder' },
};

/** What `--out` of `command` names ('folder' or 'file'), if the command has one. */
export function outputKind(command: string): Kind | undefined {
  return DESTINATIONS[command]?.out;
}

/** Refuses a destination that cannot be written (exit 2, one line naming it). */
export function checkDestinations(argv: { _: (string | number)[]; out?: unknown; cache?: unknown }): void {
  const words = argv._.map(String);
  const entry = DESTINATIONS[words.slice(0, 2).join(' ')] ?? DESTINATIONS[words[0] ?? ''];
  if (!entry) return;
  if (typeof argv.out === 'string' && entry.out === 'folder') checkOutputFolder(argv.out, '--out');
  if (typeof argv.out === 'string' && entry.out === 'file') checkOutputFile(argv.out, '--out');
  // a complete read-only cache still serves training and embedding; only preprocess must write to it
  if (typeof argv.cache === 'string' && entry.cache)
    checkOutputFolder(argv.cache, '--cache', { writable: entry.cache === 'write' });
}
