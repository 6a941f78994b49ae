/**
 * Stop-gradient, the `sg(·)` / `.detach()` of the SimSiam and BYOL papers, which
 * TensorFlow.js lacks: the value passes through, the gradient is zero.
 */
import * as tf from '@tensorflow/tfjs';

const passValueBlockGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** `x` unchanged (any shape), but no gradient flows back through it. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return passValueBlockGradient(x) as T;
}
