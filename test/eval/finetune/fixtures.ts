/**
 * A tiny 16³ labelled cohort for the fine-tuning tests: 'AD' subjects are a small bright
 * ball, 'CN' subjects a large one (a planted label signal), plus seeded noise; and a
 * `none` run (the random-init encoder) written by the engine.
 */
import { inMemoryData } from '../../../src/train/data.js';
import { train } from '../../../src/train/engine.js';
import { createMethod } from '../../../src/methods.js';
import type { Cohort, Scan, Subject } from '../../../src/io/cohort.js';
import { ballVolume } from '../../train/fixtures.js';

export const N = 16;
export const NETWORK = { inputShape: N, channels: [4, 4, 8, 4], latentSize: 8, seed: 1 } as const;

export interface LabelledCohort {
  cohort: Cohort;
  volumes: Map<string, Float32Array>;
  loadVolume: (scan: Scan) => Float32Array;
}

/** `perClass` subjects of each label (2 visits each); `extra` adds subjects of other labels. */
export function labelledCohort(perClass = 6, extra: Record<string, number> = {}): LabelledCohort {
  const volumes = new Map<string, Float32Array>();
  const subjects: Subject[] = [];
  const counts: [string, number][] = [['AD', perClass], ['CN', perClass], ...Object.entries(extra)];
  let s = 0;
  for (const [label, count] of counts) {
    for (let i = 0; i < count; i++, s++) {
      const id = `s${String(s).padStart(2, '0')}`;
      const scans: Scan[] = [0, 1].map((t) => {
        const scan: Scan = {
          subject: id,
          session: `v${t}`,
          age: 70 + s * 0.5 + 2 * t,
          path: `/nowhere/${id}_v${t}.nii.gz`,
          covariates: { diagnosis: label },
        };
        const radius = label === 'AD' ? 3 : label === 'CN' ? 6 : 4.5;
        volumes.set(`${id}/v${t}`, ballVolume(N, radius - 0.2 * t, 0.1, 1000 * s + t));
        return scan;
      });
      subjects.push({ id, covariates: { diagnosis: label }, scans });
    }
  }
  const loadVolume = (scan: Scan) => {
    const v = volumes.get(`${scan.subject}/${scan.session}`);
    if (!v) throw new Error(`no volume ${scan.subject}/${scan.session}`);
    return v;
  };
  return { cohort: { source: '/nowhere/cohort.csv', kind: 'manifest', subjects, warnings: [] }, volumes, loadVolume };
}

/** Writes a `none` run (config.json + the initial weights) at 16³ into `dir`. */
export async function writeNoneRun(dir: string): Promise<void> {
  const method = createMethod('none', { network: NETWORK });
  try {
    const data = inMemoryData({ volumes: new Map(), volumeShape: [N, N, N], train: { scans: [], pairs: [] } });
    await train({ method, data, runDir: dir });
  } finally {
    method.dispose();
  }
}
