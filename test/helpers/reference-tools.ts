/**
 * Which external references this machine has: /usr/bin/python3 with numpy, scipy, nibabel
 * and torch, /usr/bin/chromium, and Debian's mricron-data (the real brain and atlas).
 * Detected once per `vitest run` by test/helpers/references-setup.ts (which passes the result
 * to every test process in LSSL_REFERENCE_TOOLS); detected here only when a test file runs
 * outside that setup.
 *
 * LSSL_REFERENCES overrides the detection: `none` hides every tool (what a machine with only
 * Node sees), a comma list such as `numpy,scipy` keeps only those, `record` requires them all
 * and rewrites the golden files (test/fixtures/regenerate.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const CHROMIUM = '/usr/bin/chromium';
export const MRICRON_TEMPLATES = '/usr/share/mricron/templates';

export const TOOLS = ['numpy', 'scipy', 'nibabel', 'torch', 'chromium', 'mricron'] as const;
export type Tool = (typeof TOOLS)[number];
/** Tool → its version (python modules), its path, or null where absent. */
export type ToolVersions = Record<Tool, string | null>;

/** The Debian package that provides each tool. */
export const PACKAGE: Record<Tool, string> = {
  numpy: 'python3-numpy',
  scipy: 'python3-scipy',
  nibabel: 'python3-nibabel',
  torch: 'python3-torch',
  chromium: 'chromium',
  mricron: 'mricron-data',
};

const PROBE = `
import json, sys
out = {'python': sys.version.split()[0]}
for name in ('numpy', 'scipy', 'nibabel', 'torch'):
    try:
        out[name] = __import__(name).__version__
    except Exception:
        out[name] = None
print(json.dumps(out))
`;

/** What this machine really has, ignoring LSSL_REFERENCES. */
export function detectTools(): ToolVersions & { python: string | null } {
  const probe = spawnSync(PYTHON, ['-c', PROBE], { encoding: 'utf8' });
  const python = probe.status === 0 ? JSON.parse(probe.stdout) : {};
  const mricron = ['ch2bet.nii.gz', 'aal.nii.gz'].every((f) => existsSync(`${MRICRON_TEMPLATES}/${f}`));
  return {
    python: python.python ?? null,
    numpy: python.numpy ?? null,
    scipy: python.scipy ?? null,
    nibabel: python.nibabel ?? null,
    torch: python.torch ?? null,
    chromium: existsSync(CHROMIUM) && statSync(CHROMIUM).isFile() ? CHROMIUM : null,
    mricron: mricron ? MRICRON_TEMPLATES : null,
  };
}

export type ReferenceMode = 'auto' | 'record';

export function referenceMode(): ReferenceMode {
  return process.env.LSSL_REFERENCES === 'record' ? 'record' : 'auto';
}

/** The detection with LSSL_REFERENCES applied: absent tools are null. */
export function applyOverride(found: ToolVersions): ToolVersions {
  const setting = (process.env.LSSL_REFERENCES ?? '').trim();
  if (setting === '' || setting === 'auto' || setting === 'record') return found;
  const keep = new Set(setting === 'none' ? [] : setting.split(',').map((s) => s.trim()));
  const unknown = [...keep].filter((t) => !(TOOLS as readonly string[]).includes(t));
  if (unknown.length > 0)
    throw new Error(
      `LSSL_REFERENCES: unknown tool ${unknown.join(', ')} (none, record, or a list of ${TOOLS.join(', ')})`,
    );
  return Object.fromEntries(TOOLS.map((t) => [t, keep.has(t) ? found[t] : null])) as ToolVersions;
}

/** Every test must run its live check: a missing tool fails instead of skipping (CI). */
export function referencesRequired(): boolean {
  return process.env.LSSL_REQUIRE_REFERENCES === '1';
}
