/**
 * Adam with decoupled weight decay (AdamW; Kingma & Ba 2015, Loshchilov & Hutter 2019):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ)
 *   θ ← θ − lr·( m̂/(√v̂ + ε) + λ·θ )
 * The decay is scaled by the learning rate as in PyTorch's AdamW, so the LR plateau cuts
 * it too. The LNE code uses torch.optim.Adam(weight_decay=1e-5), i.e. L2 added to the
 * gradient; with λ = 1e-5 the two differ negligibly, and the decoupled form keeps the
 * decay out of Adam's per-parameter scaling.
 *
 * Written here rather than tf.train.adam so its state (m, v per variable, and t) has
 * stable names for checkpoints and the learning rate can change between steps.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedVariable } from '../nn/params.js';
import type { NamedTensor } from './weights.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** decoupled weight decay λ (default 1e-5) */
  weightDecay?: number;
}

interface Slot {
  name: string;
  param: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** number of updates applied so far (Adam's t) */
  step = 0;
  private readonly slots: Slot[];

  /** params: the trainable variables, by logical name. */
  constructor(params: readonly NamedVariable[], options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 1e-5;
    this.slots = params.map(({ name, variable }) => ({
      name,
      param: variable,
      m: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
      v: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
    }));
  }

  /** One update; grads keyed by tf variable name (what tf.variableGrads returns). */
  apply(grads: Record<string, tf.Tensor>, learningRate: number): void {
    this.step += 1;
    const t = this.step;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    tf.tidy(() => {
      for (const slot of this.slots) {
        const g = grads[slot.param.name];
        if (!g) continue; // a variable the loss does not reach this step
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        const decayed = tf.add(update, tf.mul(slot.param, this.weightDecay));
        slot.param.assign(tf.sub(slot.param, tf.mul(decayed, learningRate)));
        slot.m.assign(m);
        slot.v.assign(v);
      }
    });
  }

  /** The moments as named tensors, `optimizer/<param>/m` and `/v` (views, do not dispose). */
  stateTensors(): NamedTensor[] {
    return this.slots.flatMap((s) => [
      { name: `optimizer/${s.name}/m`, tensor: s.m },
      { name: `optimizer/${s.name}/v`, tensor: s.v },
    ]);
  }

  /** Restores moments written by stateTensors and the step count. */
  loadState(tensors: ReadonlyMap<string, tf.Tensor>, step: number): void {
    for (const s of this.slots) {
      for (const key of ['m', 'v'] as const) {
        const saved = tensors.get(`optimizer/${s.name}/${key}`);
        if (!saved) throw new Error(`checkpoint has no optimizer state optimizer/${s.name}/${key}`);
        s[key].assign(saved);
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const s of this.slots) {
      s.m.dispose();
      s.v.dispose();
    }
  }
}
