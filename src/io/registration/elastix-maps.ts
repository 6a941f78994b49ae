/**
 * elastix parameter maps for lssl's registrations, and the world transform an elastix run
 * found, read back from its transform parameter object.
 *
 * The maps are elastix's defaults for "rigid" and "affine" (`defaultParameterMap`: Mattes
 * mutual information, adaptive stochastic gradient descent, a smoothing pyramid), written
 * out here so the settings are visible and enter the cache key, with a fixed random seed
 * (the sampler draws random coordinates: the same inputs then give the same transform) and
 * no result image (lssl resamples the original moving image itself; resample-onto.ts).
 * Klein et al., "elastix: a toolbox for intensity-based medical image registration",
 * IEEE TMI 29(1):196–205, 2010.
 */
import { runtimeError } from '../../errors.js';
import { multiplyAffines, type Affine } from '../volume.js';
import { centredTransform, eulerRotation, lpsToRasTransform } from './world-matrix.js';

export type TransformKind = 'rigid' | 'affine' | 'rigid+affine';
export const TRANSFORM_KINDS: readonly TransformKind[] = ['rigid', 'affine', 'rigid+affine'];

/** elastix's parameter map: every value a list of strings. */
export type ParameterMap = Record<string, string[]>;

export interface MapOptions {
  /** pyramid levels (default 3) */
  resolutions?: number;
  /** iterations per level (default 256, elastix's default) */
  iterations?: number;
  /** start from the centres of gravity (different fields of view, e.g. a template) or from the identity */
  initialize?: 'center-of-gravity' | 'identity';
  /** seed of the random coordinate sampler */
  seed?: number;
}

/** One stage ('rigid' or 'affine') as an elastix parameter map. */
export function parameterMap(stage: 'rigid' | 'affine', options: MapOptions = {}): ParameterMap {
  const s = (v: string | number | boolean) => [String(v)];
  const map: ParameterMap = {
    AutomaticParameterEstimation: s(true),
    AutomaticScalesEstimation: s(true),
    CheckNumberOfSamples: s(true),
    DefaultPixelValue: s(0),
    FixedImagePyramid: s('FixedSmoothingImagePyramid'),
    MovingImagePyramid: s('MovingSmoothingImagePyramid'),
    HowToCombineTransforms: s('Compose'),
    ImageSampler: s('RandomCoordinate'),
    Interpolator: s('LinearInterpolator'),
    MaximumNumberOfIterations: s(options.iterations ?? 256),
    MaximumNumberOfSamplingAttempts: s(8),
    Metric: s('AdvancedMattesMutualInformation'),
    NewSamplesEveryIteration: s(true),
    NumberOfResolutions: s(options.resolutions ?? 3),
    NumberOfSamplesForExactGradient: s(4096),
    NumberOfSpatialSamples: s(2048),
    Optimizer: s('AdaptiveStochasticGradientDescent'),
    RandomSeed: s(options.seed ?? 121212),
    Registration: s('MultiResolutionRegistration'),
    ResampleInterpolator: s('FinalLinearInterpolator'),
    Resampler: s('DefaultResampler'),
    Transform: s(stage === 'rigid' ? 'EulerTransform' : 'AffineTransform'),
    WriteIterationInfo: s(false),
    WriteResultImage: s(false),
  };
  if (options.initialize === 'center-of-gravity') {
    map.AutomaticTransformInitialization = s(true);
    map.AutomaticTransformInitializationMethod = s('CenterOfGravity');
  } else {
    map.AutomaticTransformInitialization = s(false);
  }
  return map;
}

/** The stages of a transform kind, in the order elastix runs them. */
export function parameterMaps(kind: TransformKind, options: MapOptions = {}): ParameterMap[] {
  if (kind === 'rigid+affine') return [parameterMap('rigid', options), parameterMap('affine', options)];
  return [parameterMap(kind, options)];
}

function numbers(map: ParameterMap, key: string): number[] {
  const values = (map[key] ?? []).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v)))
    throw runtimeError(`elastix returned no usable ${key} (${JSON.stringify(map[key])})`);
  return values;
}

/** One stage's transform from fixed LPS points to moving LPS points. */
export function stageTransformLps(map: ParameterMap): Affine {
  const kind = map.Transform?.[0];
  const p = numbers(map, 'TransformParameters');
  const center = numbers(map, 'CenterOfRotationPoint');
  if (kind === 'EulerTransform') {
    const zyx = (map.ComputeZYX?.[0] ?? 'false') === 'true';
    return centredTransform(eulerRotation(p.slice(0, 3), zyx), center, p.slice(3, 6));
  }
  if (kind === 'AffineTransform') {
    const m = [p.slice(0, 3), p.slice(3, 6), p.slice(6, 9)];
    return centredTransform(m, center, p.slice(9, 12));
  }
  throw runtimeError(`elastix returned a transform lssl cannot read: ${JSON.stringify(kind)}`);
}

/**
 * The whole transform of an elastix run as a 4×4 in RAS: a fixed-image world point (mm)
 * ↦ the moving-image world point that lands on it. With several stages composed
 * (HowToCombineTransforms Compose), each stage is the initial transform of the next and
 * elastix applies the initial one first: T(x) = T₁(T₀(x)) (itk::AdvancedCombinationTransform).
 */
export function fixedToMovingRas(transformParameterObject: unknown): Affine {
  if (!Array.isArray(transformParameterObject) || transformParameterObject.length === 0)
    throw runtimeError('elastix returned no transform parameter maps');
  const stages = (transformParameterObject as ParameterMap[]).map(stageTransformLps);
  const lps = stages.reduceRight((total, stage) => multiplyAffines(total, stage));
  return lpsToRasTransform(lps);
}
