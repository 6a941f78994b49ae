/**
 * The network's options, checked once into a canonical object (TorchIO's habit: parse at
 * construction, compute later). Defaults follow the LSSL paper (Zhao et al., MedIA 2021,
 * §3 and the authors' code): channels 1→16→32→64→16, 64³ input, Linear(1024→512)+tanh.
 */
import { positiveInteger } from '../checks.js';
import { inputError } from '../errors.js';

export type Norm = 'none' | 'batch';
export type LatentActivation = 'tanh' | 'linear';
/** 'pytorch': torch.nn's default U(±1/√fan_in) (the authors' framework); 'he': He normal, zero biases. */
export type InitScheme = 'pytorch' | 'he';

export interface AutoencoderOptions {
  /** edge of a cubic input, or [D, H, W]; every side a positive multiple of 16 (default 64) */
  inputShape?: number | readonly [number, number, number];
  /** output channels of the 4 encoder blocks (default [16, 32, 64, 16]) */
  channels?: readonly [number, number, number, number];
  /** size of the dense latent; null → the flattened conv features are the latent (default 512) */
  latentSize?: number | null;
  /** activation of the dense latent (default 'tanh', as in the authors' code) */
  latentActivation?: LatentActivation;
  /** normalisation after each conv (default 'none') */
  norm?: Norm;
  /** weight initialisation (default 'pytorch', see src/nn/init.ts) */
  init?: InitScheme;
  /** seed of the weight initialisation (default 0) */
  seed?: number;
}

export interface AutoencoderConfig {
  /** [D, H, W] */
  inputShape: [number, number, number];
  channels: [number, number, number, number];
  latentSize: number | null;
  latentActivation: LatentActivation;
  norm: Norm;
  init: InitScheme;
  seed: number;
}

const POOLINGS = 4;
export const SHAPE_MULTIPLE = 2 ** POOLINGS;

function checkSide(side: number): number {
  if (!Number.isInteger(side) || side <= 0 || side % SHAPE_MULTIPLE !== 0) {
    throw inputError(
      `input shape must be a positive multiple of ${SHAPE_MULTIPLE} on every side (4 ×2 poolings), not ${side}`,
    );
  }
  return side;
}

export function resolveAutoencoderOptions(options: AutoencoderOptions = {}): AutoencoderConfig {
  const shape = options.inputShape ?? 64;
  const sides = typeof shape === 'number' ? [shape, shape, shape] : [...shape];
  if (sides.length !== 3) throw inputError(`input shape must have 3 sides, not ${sides.length}`);
  const channels = [...(options.channels ?? [16, 32, 64, 16])];
  if (channels.length !== 4) throw inputError(`channels must list 4 block widths, not ${channels.length}`);
  channels.forEach((c, i) => positiveInteger(`channels[${i}]`, c));
  const latentSize = options.latentSize === undefined ? 512 : options.latentSize;
  if (latentSize !== null) positiveInteger('latent size', latentSize);
  const latentActivation = options.latentActivation ?? 'tanh';
  if (latentActivation !== 'tanh' && latentActivation !== 'linear') {
    throw inputError(`latent activation must be tanh or linear, not ${JSON.stringify(latentActivation)}`);
  }
  const norm = options.norm ?? 'none';
  if (norm !== 'none' && norm !== 'batch') throw inputError(`norm must be none or batch, not ${JSON.stringify(norm)}`);
  const init = options.init ?? 'pytorch';
  if (init !== 'pytorch' && init !== 'he') throw inputError(`init must be pytorch or he, not ${JSON.stringify(init)}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw inputError(`seed must be an integer, not ${seed}`);
  return {
    inputShape: sides.map(checkSide) as [number, number, number],
    channels: channels as [number, number, number, number],
    latentSize,
    latentActivation,
    norm,
    init,
    seed,
  };
}

/** [D/16, H/16, W/16, channels[3]]: the encoder's last feature map. */
export function bottleneckShape(config: AutoencoderConfig): [number, number, number, number] {
  const [d, h, w] = config.inputShape.map((s) => s / SHAPE_MULTIPLE);
  return [d, h, w, config.channels[3]];
}

/** Number of flattened conv features (1024 for the paper's 64³ input). */
export function featureSize(config: AutoencoderConfig): number {
  return bottleneckShape(config).reduce((a, b) => a * b, 1);
}

/** Size of z: the dense latent, or the flattened features when there is none. */
export function latentSizeOf(config: AutoencoderConfig): number {
  return config.latentSize ?? featureSize(config);
}
