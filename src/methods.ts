/**
 * The registry of training methods: names → factories. It sits above both method folders
 * (src/lssl, src/contrastive), which import only the engine below them. Every method the CLI
 * accepts is listed in METHOD_NAMES (the docs/design.md contract); a name without a factory is
 * refused as "not implemented".
 */
import { ByolMethod, type ByolMethodOptions } from './contrastive/byol.js';
import { DirectPredMethod, type DirectPredMethodOptions } from './contrastive/directpred.js';
import { SimClrMethod, type SimClrMethodOptions } from './contrastive/simclr.js';
import { SimSiamMethod, type SimSiamMethodOptions } from './contrastive/simsiam.js';
import { SupConMethod, type SupConMethodOptions } from './contrastive/supcon.js';
import { inputError } from './errors.js';
import { AeMethod, type AeMethodOptions } from './lssl/ae.js';
import { LsslMethod, type LsslMethodOptions } from './lssl/lssl.js';
import { NoneMethod, type NoneMethodOptions } from './lssl/none.js';
import { VaeMethod, type VaeMethodOptions } from './lssl/vae.js';
import type { Method } from './train/method.js';

export const METHOD_NAMES = ['lssl', 'ae', 'vae', 'simclr', 'supcon', 'simsiam', 'byol', 'directpred', 'none'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** JSON options of a method: `network` (AutoencoderOptions) plus the method's own settings. */
export type MethodOptions = Record<string, unknown>;

/** The options each method takes, by name (`satisfies` makes each list exactly its interface's keys). */
const VIEW_KEYS = {
  network: true,
  positives: true,
  projectionHidden: true,
  projectionSize: true,
  projectorOutputNorm: true,
} as const;
export const METHOD_OPTION_KEYS: Record<MethodName, readonly string[]> = {
  lssl: Object.keys({ network: true, lambdaDir: true, lambdaRecon: true } satisfies Record<
    keyof LsslMethodOptions,
    true
  >),
  ae: Object.keys({ network: true, lambdaRecon: true } satisfies Record<keyof AeMethodOptions, true>),
  vae: Object.keys({ network: true, beta: true, lambdaRecon: true } satisfies Record<keyof VaeMethodOptions, true>),
  none: Object.keys({ network: true } satisfies Record<keyof NoneMethodOptions, true>),
  simclr: Object.keys({ ...VIEW_KEYS, temperature: true } satisfies Record<keyof SimClrMethodOptions, true>),
  supcon: Object.keys({ ...VIEW_KEYS, temperature: true, baseTemperature: true } satisfies Record<
    keyof SupConMethodOptions,
    true
  >),
  simsiam: Object.keys({ ...VIEW_KEYS, predictorHidden: true } satisfies Record<keyof SimSiamMethodOptions, true>),
  byol: Object.keys({ ...VIEW_KEYS, momentumBase: true, predictorHidden: true } satisfies Record<
    keyof ByolMethodOptions,
    true
  >),
  directpred: Object.keys({
    ...VIEW_KEYS,
    momentumBase: true,
    predictorHidden: true,
    rho: true,
    eps: true,
  } satisfies Record<keyof DirectPredMethodOptions, true>),
};

/** Factories of the contrastive methods. */
export const CONTRASTIVE_METHOD_FACTORIES: Record<
  'simclr' | 'supcon' | 'simsiam' | 'byol' | 'directpred',
  (options: MethodOptions) => Method
> = {
  simclr: (o) => new SimClrMethod(o as SimClrMethodOptions),
  supcon: (o) => new SupConMethod(o as SupConMethodOptions),
  simsiam: (o) => new SimSiamMethod(o as SimSiamMethodOptions),
  byol: (o) => new ByolMethod(o as ByolMethodOptions),
  directpred: (o) => new DirectPredMethod(o as DirectPredMethodOptions),
};

export const METHOD_FACTORIES: Partial<Record<MethodName, (options: MethodOptions) => Method>> = {
  lssl: (o) => new LsslMethod(o as LsslMethodOptions),
  ae: (o) => new AeMethod(o as AeMethodOptions),
  vae: (o) => new VaeMethod(o as VaeMethodOptions),
  none: (o) => new NoneMethod(o as NoneMethodOptions),
  ...CONTRASTIVE_METHOD_FACTORIES,
};

/**
 * Builds method `name`; refuses unknown and not-yet-implemented names, and any option the
 * method does not take (an option it ignored would vanish silently), naming the ones it takes.
 */
export function createMethod(name: string, options: MethodOptions = {}): Method {
  if (!(METHOD_NAMES as readonly string[]).includes(name)) {
    throw inputError(`method must be one of ${METHOD_NAMES.join(', ')}, not ${JSON.stringify(name)}`);
  }
  const known = METHOD_OPTION_KEYS[name as MethodName];
  const unknown = Object.keys(options).filter((key) => options[key] !== undefined && !known.includes(key));
  if (unknown.length > 0) {
    throw inputError(`${name} does not take ${unknown.join(', ')}; it takes ${known.join(', ')}`);
  }
  const factory = METHOD_FACTORIES[name as MethodName];
  if (!factory) throw inputError(`method ${name} is not implemented yet`);
  return factory(options);
}
