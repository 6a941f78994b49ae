/**
 * What every method with a momentum (EMA) target network shares — BYOL (Grill et al., NeurIPS
 * 2020, §3.1) and DirectPred (Tian, Chen, Ganguli, ICML 2021) — modelled on solo-learn's
 * BaseMomentumMethod: the target encoder and heads, their checkpoint names (`target/…`), and
 * the update after every optimizer step, ξ ← m·ξ + (1 − m)·θ with BYOL's cosine schedule
 * m_k = 1 − (1 − m_base)(cos(πk/K) + 1)/2 from m_base to 1 over the run (./momentum.ts).
 *
 * It is a part the method holds rather than a base class: the online side of BYOL lives in
 * src/contrastive (ViewMethod), which this layer may not import, and TypeScript has single
 * inheritance. The target starts as an exact copy of the online network (same layout and seed)
 * and is never trained: its variables are not trainable and no gradient reaches them.
 */
import type * as tf from '@tensorflow/tfjs';
import { unitInterval } from '../checks.js';
import { Autoencoder } from '../nn/autoencoder.js';
import { MlpHead, type MlpHeadSpec } from '../nn/mlp-head.js';
import type { AutoencoderOptions } from '../nn/options.js';
import { ParameterSet, type NamedVariable } from '../nn/params.js';
import type { StepContext } from './method.js';
import { cosineMomentum, emaUpdate } from './momentum.js';

/** m_base of the cosine schedule must be in [0, 1] (BYOL: 0.996; 0.99 suits short runs). */
export function checkMomentumBase(value: number): number {
  return unitInterval('momentumBase', value);
}

/** A head of the target: the online head of the same name, spec and seed. */
export interface TargetHead {
  name: string;
  spec: MlpHeadSpec;
  seed: number;
}

export class MomentumTarget {
  readonly network: Autoencoder;
  readonly params = new ParameterSet();
  readonly heads: ReadonlyMap<string, MlpHead>;
  /** the momentum used by the last update (for tests and logs) */
  lastMomentum: number | undefined;

  /** `network`: the online network's config (same layout and seed, so an exact copy). */
  constructor(
    network: AutoencoderOptions,
    heads: readonly TargetHead[],
    readonly momentumBase: number,
  ) {
    checkMomentumBase(momentumBase);
    this.network = new Autoencoder(network);
    this.heads = new Map(heads.map((h) => [h.name, new MlpHead(this.params, h.name, h.spec, h.seed)]));
  }

  /** The target's encoder and heads under their online names (`encoder/…`, `projector/…`). */
  entries(): NamedVariable[] {
    return [...this.network.params.entries.filter((e) => e.name.startsWith('encoder/')), ...this.params.entries];
  }

  /** The same as checkpoint entries, `target/…`, never trained. */
  checkpointEntries(): NamedVariable[] {
    return this.entries().map((e) => ({ name: `target/${e.name}`, variable: e.variable, trainable: false }));
  }

  /** x: [B, D, H, W, 1] → the target encoder's latent h [B, L]. */
  encode(x: tf.Tensor5D, training: boolean): tf.Tensor2D {
    return this.network.encode(x, { training });
  }

  /** Target head `name` on h: [B, input] → [B, output]. */
  head(name: string, h: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const head = this.heads.get(name);
    if (!head) throw new Error(`the target has no head ${name}`);
    return head.apply(h, training);
  }

  /**
   * After the optimizer step: the target's own batch statistics are dropped (its state comes
   * from the EMA), then every target variable moves toward the online variable of the same
   * name with the scheduled momentum of step globalStep + 1 of totalSteps.
   */
  update(ctx: StepContext, online: readonly NamedVariable[]): void {
    this.network.discardStatisticUpdates();
    for (const head of this.heads.values()) head.discardStatisticUpdates();
    const total = Math.max(0, Math.trunc(ctx.totalSteps));
    this.lastMomentum = cosineMomentum(ctx.globalStep + 1, total, this.momentumBase);
    const byName = new Map(online.map((e) => [e.name, e.variable]));
    const targets = this.entries();
    emaUpdate(
      targets.map((e) => e.variable),
      targets.map((e) => byName.get(e.name) as tf.Variable),
      this.lastMomentum,
    );
  }

  dispose(): void {
    this.network.dispose();
    for (const head of this.heads.values()) head.discardStatisticUpdates();
    this.params.dispose();
  }
}
