/**
 * Supervised contrastive pretraining (Khosla et al., NeurIPS 2020) as an engine plug-in:
 * encoder → projector → L2-normalised features [B, 2, P], L_out with the scans' labels
 * (ScanRef.label, e.g. the cohort's diagnosis column). Scans without a label are an error
 * here; dropping them (`--drop-unlabelled`) is dropUnlabelled's job (./labels.ts).
 * History parts: `supcon` and `zstd`.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors.js';
import type { ScanRef } from '../train/data.js';
import type { Batch, LossResult, Method, StepContext } from '../train/method.js';
import { checkTemperature, l2NormalizeRows } from '../math/cosine.js';
import { MLP_HEAD_PRESETS } from './heads.js';
import { supConLoss } from './losses/supcon.js';
import { ViewMethod, viewsOf, type ViewMethodOptions } from './view-method.js';

export interface SupConMethodOptions extends ViewMethodOptions {
  /** τ (default 0.07, the authors') */
  temperature?: number;
  /** τ_base (default 0.07) */
  baseTemperature?: number;
}

export class SupConMethod extends ViewMethod implements Method {
  readonly name = 'supcon';
  readonly partNames = ['supcon', 'zstd'] as const;
  /** batch norm in the projector, as SimCLR's (see simclr.ts: without it, collapse) */
  protected readonly projectorPreset = MLP_HEAD_PRESETS.simclrProjector;
  readonly temperature: number;
  readonly baseTemperature: number;

  constructor(options: SupConMethodOptions = {}) {
    super(options);
    this.temperature = options.temperature ?? 0.07;
    this.baseTemperature = options.baseTemperature ?? 0.07;
    checkTemperature('temperature', this.temperature);
    checkTemperature('baseTemperature', this.baseTemperature);
    this.addProjector();
  }

  loss(batch: Batch, ctx: StepContext): LossResult {
    const [v1, v2] = viewsOf(batch, this.name);
    const scans: ScanRef[] = batch.kind === 'pairs' ? batch.items.map((p) => p.earlier) : (batch.items as ScanRef[]);
    const labels = labelCodes(scans);
    const z1 = l2NormalizeRows(this.project(v1, ctx.training));
    const z2 = l2NormalizeRows(this.project(v2, ctx.training));
    const features = tf.stack([z1, z2], 1) as tf.Tensor3D;
    const options = { temperature: this.temperature, baseTemperature: this.baseTemperature };
    return this.result(supConLoss(features, labels, options), 'supcon', tf.concat([z1, z2]));
  }

  options(): Record<string, unknown> {
    return { ...this.baseOptions(), temperature: this.temperature, baseTemperature: this.baseTemperature };
  }
}

/** Labels as integer codes (equal labels ↔ equal codes); a missing label is an error. */
export function labelCodes(scans: readonly ScanRef[]): Int32Array {
  const codes = new Map<string, number>();
  return Int32Array.from(scans, (scan) => {
    if (scan.label === undefined || scan.label === null || scan.label === '') {
      throw inputError(
        `supcon needs a label for every scan, but ${scan.key} has none (choose --label, or --drop-unlabelled)`,
      );
    }
    const key = `${typeof scan.label}:${scan.label}`;
    if (!codes.has(key)) codes.set(key, codes.size);
    return codes.get(key) as number;
  });
}
