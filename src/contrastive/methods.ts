/**
 * Factories of the contrastive methods for the engine's registry (src/train/registry.ts
 * spreads them into METHOD_FACTORIES).
 */
import type { Method } from '../train/method.js';
import { ByolMethod } from './byol-method.js';
import { DirectPredMethod } from './directpred-method.js';
import { SimClrMethod } from './simclr-method.js';
import { SimSiamMethod } from './simsiam-method.js';
import { SupConMethod } from './supcon-method.js';

export const CONTRASTIVE_METHOD_FACTORIES: Record<'simclr' | 'supcon' | 'simsiam' | 'byol' | 'directpred', (options: Record<string, unknown>) => Method> = {
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
