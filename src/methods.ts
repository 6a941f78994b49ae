/**
 * The registry of training methods: names → factories. It sits above both method folders
 * (src/lssl, src/contrastive), which import only the engine below them. Every method the CLI
 * accepts is listed in METHOD_NAMES (the docs/design.md contract); a name without a factory is
 * refused as "not implemented".
 */
import { ByolMethod } from './contrastive/byol.js';
import { DirectPredMethod } from './contrastive/directpred.js';
import { SimClrMethod } from './contrastive/simclr.js';
import { SimSiamMethod } from './contrastive/simsiam.js';
import { SupConMethod } from './contrastive/supcon.js';
import { inputError } from './errors.js';
import { AeMethod } from './lssl/ae.js';
import { LsslMethod } from './lssl/lssl.js';
import { NoneMethod } from './lssl/none.js';
import { VaeMethod } from './lssl/vae.js';
import type { Method } from './train/method.js';

export const METHOD_NAMES = ['lssl', 'ae', 'vae', 'simclr', 'supcon', 'simsiam', 'byol', 'directpred', 'none'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** JSON options of a method: `network` (AutoencoderOptions) plus the method's own weights. */
export type MethodOptions = Record<string, unknown>;

/** Factories of the contrastive methods. */
export const CONTRASTIVE_METHOD_FACTORIES: Record<'simclr' | 'supcon' | 'simsiam' | 'byol' | 'directpred', (options: MethodOptions) => Method> = {
  simclr: (o) => new SimClrMethod(o),
  supcon: (o) => new SupConMethod(o),
  simsiam: (o) => new SimSiamMethod(o),
  byol: (o) => new ByolMethod(o),
  directpred: (o) => new DirectPredMethod(o),
};

/**
 * The contrastive methods learn from augmented views (or augmented visits), so the CLI and
 * the demo augment their training data unless told not to; LSSL and the autoencoders do not.
 */
export const isContrastiveMethod = (name: string): boolean => Object.hasOwn(CONTRASTIVE_METHOD_FACTORIES, name);

export const METHOD_FACTORIES: Partial<Record<MethodName, (options: MethodOptions) => Method>> = {
  lssl: (o) => new LsslMethod(o),
  ae: (o) => new AeMethod(o),
  vae: (o) => new VaeMethod(o),
  none: (o) => new NoneMethod(o),
  ...CONTRASTIVE_METHOD_FACTORIES,
};

/** Builds method `name`; refuses unknown and not-yet-implemented names. */
export function createMethod(name: string, options: MethodOptions = {}): Method {
  if (!(METHOD_NAMES as readonly string[]).includes(name)) {
    throw inputError(`method must be one of ${METHOD_NAMES.join(', ')}, not ${JSON.stringify(name)}`);
  }
  const factory = METHOD_FACTORIES[name as MethodName];
  if (!factory) throw inputError(`method ${name} is not implemented yet`);
  return factory(options);
}
