import type { CommandModule } from 'yargs';
import { runCommand } from './run-command.js';
import { describe, expect, it } from 'vitest';
import { labCommand } from '../../cli/lab.js';

/** Runs `lssl lab ...` in this process and returns what it printed on stdout. */
const runLab = (argv: string[]): Promise<string> => runCommand(labCommand as CommandModule, ['lab', ...argv], 'wasm');

describe('lssl lab', () => {
  it('prints one JSON object with the documented keys for each lab', async () => {
    const id = JSON.parse(await runLab(['identifiability', '--json', '--steps', '2', '--seed', '3']));
    for (const key of ['r2', 'mcc', 'r2_untrained', 'mcc_untrained', 'seconds', 'settings'])
      expect(id).toHaveProperty(key);
    expect(id.settings.seed).toBe(3);
    const dec = JSON.parse(await runLab(['decoupling', '--json', '--steps', '2']));
    for (const key of [
      'alignment_with_masking',
      'alignment_without_masking',
      'dense_alignment_with_masking',
      'dense_alignment_without_masking',
    ]) {
      expect(typeof dec[key]).toBe('number');
    }
    const hltm = JSON.parse(await runLab(['hltm', '--json', '--steps', '2']));
    expect(hltm.levels.length).toBe(5);
    expect(Object.keys(hltm.levels[0]).sort()).toEqual(['corr_ceiling', 'corr_init', 'corr_trained', 'level']);
  });

  it('prints a readable table without --json', async () => {
    const text = await runLab(['hltm', '--steps', '1']);
    expect(text).toMatch(/hltm \(Tian et al\. 2020\)/);
    expect(text.split('\n').filter((l) => /^\s+\d\s+0\.\d{3}\s+0\.\d{3}\s+0\.\d{3}$/.test(l)).length).toBe(5);
  });

  it('rejects an unknown lab and bad steps as usage errors (exit code 2)', async () => {
    await expect(runLab(['nonsense'])).rejects.toThrow(/Invalid values|choices/i);
    await expect(runLab(['identifiability', '--steps', '0'])).rejects.toMatchObject({ exitCode: 2 });
  });
});
