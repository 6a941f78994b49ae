/**
 * The command list of cli/commands.ts repeats each module's command line and description
 * (so the root --help needs no module loaded); they must agree, and the root --help must
 * list every command.
 */
import { describe, expect, it, vi } from 'vitest';
import { commandEntries, commandName, commandsFor, loadAllCommands } from '../../cli/commands.js';
import { buildParser } from '../../cli/parser.js';

describe('cli/commands.ts', () => {
  it('each entry says what its module declares', async () => {
    const modules = await loadAllCommands();
    expect(modules.map((m) => [m.command, m.describe])).toEqual(commandEntries.map((e) => [e.command, e.describe]));
  });

  it('loads the modules of the commands named in argv only', async () => {
    const loaded = await commandsFor(['--backend', 'cpu', 'info', 'scan.nii.gz']);
    const withBuilder = loaded.filter((c) => c.builder !== undefined).map((c) => commandName(c));
    expect(withBuilder).toEqual(['info']);
    expect(loaded.map((c) => c.command)).toEqual(commandEntries.map((e) => e.command));
  });

  it('the root --help lists every command with its description', async () => {
    let text = '';
    const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      text += `${parts.join(' ')}\n`;
    });
    try {
      await (await buildParser(['--help'])).parseAsync();
    } finally {
      log.mockRestore();
    }
    for (const entry of commandEntries) expect(text).toContain(`lssl ${entry.command}`);
    // the descriptions wrap at 100 columns: compare their first words
    for (const entry of commandEntries) expect(text).toContain(entry.describe.split(' ').slice(0, 4).join(' '));
  });
});
