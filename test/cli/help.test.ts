/**
 * Every command's --help follows one convention (issue 16): it ends with an example,
 * defaults are shown as [default: …] rather than written into the text, and --out says
 * whether it is a file or a folder.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildParser } from '../../cli/parser.js';
import { commandEntries, commandName } from '../../cli/commands.js';
import { benchSubcommands } from '../../cli/bench.js';
import { validateSubcommands } from '../../cli/validate.js';
import { bracketDefault } from '../../cli/help.js';

/** What `lssl ...argv --help` prints. */
async function help(argv: string[]): Promise<string> {
  let text = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    text += `${parts.join(' ')}\n`;
  });
  try {
    await (await buildParser([...argv, '--help'])).parseAsync();
  } finally {
    log.mockRestore();
  }
  return text;
}

const names = [
  ...commandEntries.map((c) => [commandName(c)]),
  ...benchSubcommands.map((c) => ['bench', String(c.command)]),
  ...validateSubcommands.map((c) => ['validate', String(c.command)]),
];

afterEach(() => vi.restoreAllMocks());

describe('--help', () => {
  it.each(names)('lssl %s %s: ends with an example, defaults in brackets', async (...argv) => {
    const text = (await help(argv.filter(Boolean))).trimEnd();
    expect(text).toMatch(/\nExamples:\n/);
    const examples = text.slice(text.lastIndexOf('\nExamples:\n'));
    // nothing but examples after the heading: every line is "  lssl ..." or its wrapped description
    expect(examples.split('\n').slice(2)[0]).toMatch(/^\s+lssl /);
    expect(text).not.toMatch(/\(default[ :]/i);
    const out = /^\s+--out\s+(.*)$/m.exec(text);
    if (out) expect(out[1]).toMatch(/\b(file|folder|CSV)\b/i);
  });

  it('moves a written default into the brackets, and leaves the rest of the text', () => {
    expect(bracketDefault({ type: 'number', describe: 'voxels per side (a multiple of 16; default 64)' })).toEqual({
      type: 'number',
      describe: 'voxels per side (a multiple of 16)',
      defaultDescription: '64',
    });
    expect(bracketDefault({ describe: 'pairs per step (default 8)' })).toEqual({
      describe: 'pairs per step',
      defaultDescription: '8',
    });
    const real = { describe: 'x (default 3)', default: 3 };
    expect(bracketDefault(real)).toBe(real);
  });

  it('report takes --target like probe (comma list), --targets still works', async () => {
    const text = await help(['report']);
    expect(text).toMatch(/--target, --targets/);
  });
});
