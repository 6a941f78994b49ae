/**
 * Named training setups. `paper` is the published LSSL setup (Zhao et al., MedIA 71:102051,
 * 2021, and its authors' code; docs/references.md): 64³ input, the dense 512-unit tanh latent,
 * λ = 1 on the direction and on the reconstruction, Adam at 1e-4 with weight decay 1e-5,
 * 64 pairs per batch, 50 epochs, LR ×0.1 after 5 epochs without validation improvement, the
 * best checkpoint kept. It applies to LSSL and to the paper's baselines AE and VAE (β = 0.01),
 * which the paper trained the same way. An option given explicitly beside a preset wins.
 */
import { inputError } from '../errors.js';

export interface TrainingPreset {
  /** the methods the preset describes */
  methods: readonly string[];
  shape: number;
  epochs: number;
  batch: number;
  learningRate: number;
  weightDecay: number;
  latentSize: number;
  latentActivation: 'tanh' | 'linear';
  lambdaDir: number;
  lambdaRecon: number;
  beta: number;
  patience: number;
}

export const TRAINING_PRESETS: Readonly<Record<string, TrainingPreset>> = {
  paper: {
    methods: ['lssl', 'ae', 'vae'],
    shape: 64,
    epochs: 50,
    batch: 64,
    learningRate: 1e-4,
    weightDecay: 1e-5,
    latentSize: 512,
    latentActivation: 'tanh',
    lambdaDir: 1,
    lambdaRecon: 1,
    beta: 0.01,
    patience: 5,
  },
};

/** The preset `name` for `method`; refuses an unknown name and a method the preset does not describe. */
export function trainingPreset(name: string, method: string): TrainingPreset {
  const preset = TRAINING_PRESETS[name];
  if (preset === undefined) {
    throw inputError(`preset must be one of ${Object.keys(TRAINING_PRESETS).join(', ')}, not ${JSON.stringify(name)}`);
  }
  if (!preset.methods.includes(method)) {
    throw inputError(`preset ${name} describes ${preset.methods.join(', ')}, not ${method}`);
  }
  return preset;
}
