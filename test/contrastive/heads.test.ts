import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { normalizedStd } from '../../src/contrastive/heads.js';
import { expectClose } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('heads', () => {
  it('normalizedStd: the per-dimension std of unit rows, averaged (by hand)', () => {
    // rows e1, e2 → dims take values {1, 0} and {0, 1}: population std 0.5 each
    expectClose(
      tf.tidy(
        () =>
          normalizedStd(
            tf.tensor2d([
              [3, 0],
              [0, 2],
            ]),
          ).dataSync()[0],
      ),
      0.5,
    );
    // a collapsed batch has std 0
    expectClose(
      tf.tidy(
        () =>
          normalizedStd(
            tf.tensor2d([
              [1, 1],
              [2, 2],
              [5, 5],
            ]),
          ).dataSync()[0],
      ),
      0,
      1e-6,
    );
  });
});
