/**
 * The target-network helpers of BYOL (Grill et al. 2020, §3.1 and §3.2 "Optimization"),
 * as stateless functions in the style of lightly's `update_momentum` / `cosine_schedule`.
 */
import * as tf from '@tensorflow/tfjs';
import { emaBlend } from '../backend/kernels/index.js';
import { inputError } from '../errors.js';

/**
 * ξ ← m·ξ + (1 − m)·θ for each pair (target[i], online[i]), in place on the target
 * variables (any shapes, equal pairwise). m ∈ [0, 1]: m = 1 leaves the target unchanged,
 * m = 0 copies the online weights. No gradient is recorded (the target is not trained).
 */
export function emaUpdate(target: readonly tf.Variable[], online: readonly tf.Tensor[], momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw inputError(`momentum must be in [0, 1], not ${momentum}`);
  if (target.length !== online.length) {
    throw new Error(`emaUpdate needs as many target as online tensors, not ${target.length} and ${online.length}`);
  }
  target.forEach((t, i) => {
    const o = online[i];
    if (t.shape.length !== o.shape.length || t.shape.some((d, k) => d !== o.shape[k])) {
      throw new Error(`target ${i} (${t.name}) has shape [${t.shape}] but online ${i} has [${o.shape}]`);
    }
  });
  tf.tidy(() => {
    // one fused kernel per variable where lssl's kernels serve the backend (same bits as the stock ops)
    target.forEach((t, i) => t.assign(emaBlend(t, online[i], momentum)));
  });
}

/**
 * BYOL's cosine momentum schedule m_k = 1 − (1 − m_base)·(cos(πk/K) + 1)/2:
 * m_0 = m_base, rising to m_K = 1.
 *
 * Edge cases: step k must be ≥ 0 and totalSteps K a non-negative integer; K = 0 (no
 * schedule to follow) returns m_base for every k; k > K is clamped to K, so training past
 * the planned end keeps m = 1 (target frozen) instead of oscillating back down the cosine.
 * m_base ∈ [0, 1] (BYOL: 0.996; 0.99 for short runs).
 */
export function cosineMomentum(step: number, totalSteps: number, base = 0.996): number {
  if (!(step >= 0) || !Number.isFinite(step)) throw inputError(`step must be a finite number ≥ 0, not ${step}`);
  if (!(totalSteps >= 0) || !Number.isInteger(totalSteps)) {
    throw inputError(`totalSteps must be a non-negative integer, not ${totalSteps}`);
  }
  if (!(base >= 0 && base <= 1)) throw inputError(`base momentum must be in [0, 1], not ${base}`);
  if (totalSteps === 0) return base;
  const k = Math.min(step, totalSteps);
  return 1 - ((1 - base) * (Math.cos((Math.PI * k) / totalSteps) + 1)) / 2;
}
