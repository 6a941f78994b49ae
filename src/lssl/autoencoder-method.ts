/**
 * What every method built on the LSSL autoencoder shares (lssl, ae, vae, none): the network,
 * its variables, the embedding (the encoder's latent) and batch-norm statistic updates after
 * each step. Subclasses add their loss and any variables of their own (τ, the VAE's log σ²).
 */
import type * as tf from '@tensorflow/tfjs';
import { Autoencoder } from '../nn/autoencoder.js';
import type { AutoencoderOptions } from '../nn/options.js';
import type { NamedVariable } from '../nn/params.js';
import { LSSL_PAIR_AUGMENTATION } from '../train/augmenter.js';
import type { MethodAugmentation } from '../train/method.js';

export abstract class AutoencoderMethod {
  readonly net: Autoencoder;
  /** Raw visits unless asked (`--augment`): then the authors' small per-subject rotations, shifts, flips. */
  readonly augmentation: MethodAugmentation = { options: LSSL_PAIR_AUGMENTATION, byDefault: false };

  constructor(network: AutoencoderOptions | undefined) {
    this.net = new Autoencoder(network);
  }

  get inputShape() {
    return this.net.config.inputShape;
  }
  get embeddingSize() {
    return this.net.latentSize;
  }
  variables(): NamedVariable[] {
    return this.net.params.entries;
  }
  trainableVariables(): tf.Variable[] {
    return this.net.trainableVariables();
  }
  afterStep(): void {
    this.net.applyStatisticUpdates();
  }
  /** x: [B, D, H, W, 1] → z: [B, L] */
  encode(x: tf.Tensor5D): tf.Tensor2D {
    return this.net.encode(x);
  }
  dispose(): void {
    this.net.dispose();
  }
}
