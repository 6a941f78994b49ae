/**
 * Method names → factories. Every method the CLI accepts is listed in METHOD_NAMES (the
 * docs/design.md contract); a name without a factory is refused as "not implemented". The
 * contrastive methods come from src/contrastive/methods.ts.
 */
import { CONTRASTIVE_METHOD_FACTORIES } from '../contrastive/methods.js';
import { inputError } from '../errors.js';
import { AeMethod } from '../lssl/ae.js';
import { LsslMethod } from '../lssl/lssl.js';
import { NoneMethod } from '../lssl/none.js';
import { VaeMethod } from '../lssl/vae.js';
import type { Method } from './method.js';

export const METHOD_NAMES = ['lssl', 'ae', 'vae', 'simclr', 'supcon', 'simsiam', 'byol', 'directpred', 'none'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** JSON options of a method: `network` (AutoencoderOptions) plus the method's own weights. */
export type MethodOptions = Record<string, unknown>;

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
