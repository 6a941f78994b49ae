/** `lssl info FILE`: a NIfTI file's shape, spacing, datatype, orientation and affine. */
import type { CommandModule } from 'yargs';
import { readNiftiSource, type NiftiImage } from '../src/io/nifti.js';
import { orientationCode } from '../src/io/orientation.js';
import { tfjsPackageVersion } from '../src/version.js';
import { packageVersion, printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  file: string;
  json: boolean;
}

const SPATIAL_UNITS: Record<number, string> = { 1: 'm', 2: 'mm', 3: 'um' };
const TEMPORAL_UNITS: Record<number, string> = { 8: 's', 16: 'ms', 24: 'us', 32: 'Hz', 40: 'ppm', 48: 'rad/s' };

/** Units of xyzt_units (nifti1.h: bits 0–2 space, bits 3–5 time); undefined when not set. */
export function xyztUnits(code: number): { space?: string; time?: string } {
  return { space: SPATIAL_UNITS[code & 0x07], time: TEMPORAL_UNITS[code & 0x38] };
}

/** Which header transform nibabel's rule picked for the affine. */
export function affineSource(image: Omit<NiftiImage, 'data'>): 'sform' | 'qform' | 'pixdim' {
  if (image.header.sformCode !== 0) return 'sform';
  if (image.header.qformCode !== 0) return 'qform';
  return 'pixdim';
}

/** Everything `info --json` prints (also the source of the text form). */
export function describeImage(file: string, image: Omit<NiftiImage, 'data'>) {
  return {
    file,
    shape: image.shape,
    spacing: image.spacing,
    units: xyztUnits(image.header.xyztUnits),
    datatype: image.datatype,
    orientation: orientationCode(image.affine),
    affine: image.affine,
    affineSource: affineSource(image),
    ...image.header,
  };
}

/** Whether the voxels were scaled on reading (slope finite, non-zero, and not the identity 1, 0). */
function isScaled(image: Omit<NiftiImage, 'data'>): boolean {
  const { sclSlope: slope, sclInter: inter } = image.header;
  return Number.isFinite(slope) && slope !== 0 && !(slope === 1 && inter === 0);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function formatAffine(affine: number[][]): string[] {
  const cells = affine.map((row) => row.map((v) => (Object.is(v, -0) ? 0 : v).toFixed(4)));
  const width = Math.max(...cells.flat().map((c) => c.length));
  return cells.map((row) => row.map((c) => c.padStart(width)).join('  '));
}

export const infoCommand: CommandModule<GlobalArgs, Args> = {
  command: 'info <file>',
  describe: "show a NIfTI file's shape, spacing, datatype, orientation and affine",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: '.nii, .nii.gz, or the .hdr/.img of a pair' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
  handler: async (args) => {
    // the same checks as readNifti, without converting voxels info never shows to float32
    const image = await readNiftiSource(args.file);
    const info = describeImage(args.file, image);
    // versions from package.json: reading a header needs no tensors, so TensorFlow.js stays
    // unloaded (`lssl backend` says which backend would run)
    const versions = { lssl: packageVersion(), tfjs: tfjsPackageVersion() };
    if (args.json) return printJson({ ...info, versions });
    const { space = '', time = '' } = info.units;
    const spacing = image.spacing.map(
      (s, i) => `${formatNumber(s)}${i < 3 ? (space ? ` ${space}` : '') : time ? ` ${time}` : ''}`,
    );
    const lines = [
      `file:        ${args.file}`,
      `shape:       ${image.shape.join(' × ')}`,
      `spacing:     ${spacing.join(' × ')}`,
      `datatype:    ${image.datatype} (NIfTI-${image.header.niftiVersion}, ${image.header.littleEndian ? 'little' : 'big'}-endian` +
        `${isScaled(image) ? `, scl_slope ${formatNumber(image.header.sclSlope)}, scl_inter ${formatNumber(image.header.sclInter)}` : ''})`,
      `orientation: ${info.orientation}`,
      `affine:      from the ${info.affineSource} (qform_code ${image.header.qformCode}, sform_code ${image.header.sformCode})`,
      ...formatAffine(image.affine).map((row) => `  ${row}`),
      ...(image.header.description ? [`description: ${image.header.description}`] : []),
      `lssl:        ${versions.lssl} (tfjs ${versions.tfjs})`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
