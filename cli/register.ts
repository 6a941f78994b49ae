/**
 * `lssl register FIXED MOVING --out OUT.nii.gz`: registers MOVING onto FIXED with elastix
 * (rigid by default) and writes MOVING resampled on FIXED's grid, with FIXED's affine.
 */
import type { Argv, CommandModule } from 'yargs';
import { registerFiles, TRANSFORM_KINDS, type TransformKind } from '../src/io/register.js';
import { printJson, type GlobalArgs } from './common.js';

interface Args extends GlobalArgs {
  fixed: string;
  moving: string;
  out: string;
  transform: TransformKind;
  'save-transform'?: string;
  spacing: number;
  json: boolean;
}

export const registerCommand: CommandModule<GlobalArgs, Args> = {
  command: 'register <fixed> <moving>',
  describe: "register MOVING onto FIXED (elastix) and write it on FIXED's grid and affine",
  builder: (y) =>
    y
      .positional('fixed', { type: 'string', demandOption: true, describe: 'the reference image (NIfTI)' })
      .positional('moving', { type: 'string', demandOption: true, describe: 'the image to align (NIfTI)' })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: "output file, .nii or .nii.gz (float32, on FIXED's grid)",
      })
      .option('transform', {
        choices: TRANSFORM_KINDS,
        default: 'rigid' as TransformKind,
        describe: 'rigid (same head), affine (another head or a template), or rigid then affine',
      })
      .option('save-transform', {
        type: 'string',
        describe: "write the transform here as JSON (4×4 RAS matrices both ways and elastix's parameter maps)",
      })
      .option('spacing', {
        type: 'number',
        default: 2,
        describe: 'voxel size (mm) at which the transform is estimated',
      })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print the result as one JSON object',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    const result = await registerFiles(args.fixed, args.moving, args.out, {
      transform: args.transform,
      spacing: args.spacing,
      saveTransform: args['save-transform'],
    });
    const summary = {
      out: result.out,
      transform: args.transform,
      fixedToMovingRas: result.fixedToMoving,
      seconds: Number(result.seconds.toFixed(2)),
    };
    if (args.json) printJson(summary);
    else
      process.stdout.write(
        `registered ${args.moving} onto ${args.fixed} (${args.transform}) → ${result.out} in ${summary.seconds} s\n`,
      );
  },
};
