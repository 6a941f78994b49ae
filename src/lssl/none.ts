/**
 * `none`: the randomly initialised encoder, saved as a run without training. It is the
 * floor every pretraining method is compared with (the LSSL paper's "no pretraining").
 */
import type * as tf from '@tensorflow/tfjs';
import type { AutoencoderOptions } from '../nn/options.js';
import { AutoencoderMethod } from './autoencoder-method.js';
import type { LossResult, Method } from '../train/method.js';

export interface NoneMethodOptions {
  network?: AutoencoderOptions;
}

export class NoneMethod extends AutoencoderMethod implements Method {
  readonly name = 'none';
  readonly batchKind = 'scans' as const;
  readonly partNames = [] as const;
  readonly trains = false;

  constructor(options: NoneMethodOptions = {}) {
    super(options.network);
  }

  override trainableVariables(): tf.Variable[] {
    return [];
  }
  loss(): LossResult {
    throw new Error('the none method has no loss: it is the untrained encoder');
  }
  options(): Record<string, unknown> {
    return { network: this.net.config };
  }
}
