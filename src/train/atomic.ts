/**
 * Atomic file output: write to a temporary name in the same folder, flush, then rename, so
 * a reader (or a resumed run) sees either the old file or the new one, never half of one.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** A temporary sibling name for `path` (same folder, so rename stays on one file system). */
export function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter++}`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporarySibling(path);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, path);
}
