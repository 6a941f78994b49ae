/**
 * `none`: the randomly initialised encoder, saved as a run without training. It is the
 * floor every pretraining method is compared with (the LSSL paper's "no pretraining").
 */
import type * as tf from '@tensorflow/tfjs';
import { Autoencoder } from '../nn/autoencoder.js';
import type { AutoencoderOptions } from '../nn/options.js';
import type { NamedVariable } from '../nn/params.js';
import type { LossResult, Method } from '../train/method.js';

export interface NoneMethodOptions {
  network?: AutoencoderOptions;
}

export class NoneMethod implements Method {
  readonly name = 'none';
  readonly batchKind = 'scans' as const;
  readonly partNames = [] as const;
  readonly trains = false;
  readonly net: Autoencoder;

  constructor(options: NoneMethodOptions = {}) {
    this.net = new Autoencoder(options.network);
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
    return [];
  }
  loss(): LossResult {
    throw new Error('the none method has no loss: it is the untrained encoder');
  }
  encode(x: tf.Tensor5D): tf.Tensor2D {
    return this.net.encode(x);
  }
  options(): Record<string, unknown> {
    return { network: this.net.config };
  }
  dispose(): void {
    this.net.dispose();
  }
}
