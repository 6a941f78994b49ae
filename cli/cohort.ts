/** `lssl cohort SOURCE`: load and validate a cohort (BIDS folder or CSV/TSV manifest) and summarise it. */
import type { Argv, CommandModule } from 'yargs';
import { inputError } from '../src/errors.js';
import { loadCohort, type Cohort, type RunChoice } from '../src/io/cohort.js';
import { formatCohortSummary, summarizeCohort } from '../src/io/cohort-summary.js';
import { checkCohortImages } from '../src/io/cohort-images.js';
import { checkImages, formatImageCheck } from '../src/io/image-check.js';
import { printJson, type GlobalArgs } from './common.js';

/** The options every command that reads a cohort SOURCE shares. */
export interface CohortSourceArgs extends GlobalArgs {
  source: string;
  'age-column': string;
  columns?: string;
  run: string;
  volume?: number;
}

export function withCohortSource<T>(y: Argv<T>) {
  return y
    .positional('source', {
      type: 'string',
      demandOption: true,
      describe: 'BIDS folder, or CSV/TSV manifest with subject, session, age, path columns',
    })
    .option('age-column', {
      type: 'string',
      default: 'age',
      describe: 'column holding the age in years (sessions.tsv or manifest)',
    })
    .option('columns', {
      type: 'string',
      describe: 'manifest column names, e.g. subject=RID,session=VISCODE,path=file',
    })
    .option('run', {
      type: 'string',
      default: 'first',
      describe: 'T1w to keep when a BIDS session has several: first, last (by run- index) or a run number',
    })
    .option('volume', {
      type: 'number',
      describe: 'the 0-based volume to take from 4D images (required for them; 3D images are volume 0)',
    });
}

export function parseRun(text: string): RunChoice {
  if (text === 'first' || text === 'last') return text;
  if (/^\d+$/.test(text)) return Number(text);
  throw inputError(`--run must be first, last or a run number, not '${text}'`);
}

const COLUMN_ROLES = ['subject', 'session', 'age', 'path'] as const;

/** `subject=RID,age=AGE` → { subject: 'RID', age: 'AGE' }. */
export function parseColumns(text: string | undefined): Partial<Record<(typeof COLUMN_ROLES)[number], string>> {
  const out: Partial<Record<(typeof COLUMN_ROLES)[number], string>> = {};
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const [role, name, ...rest] = part.split('=').map((x) => x.trim());
    if (!COLUMN_ROLES.includes(role as (typeof COLUMN_ROLES)[number]) || !name || rest.length > 0) {
      throw inputError(`--columns takes role=name pairs with roles ${COLUMN_ROLES.join(', ')}, not '${part}'`);
    }
    out[role as (typeof COLUMN_ROLES)[number]] = name;
  }
  return out;
}

export async function loadCohortFromArgs(args: CohortSourceArgs): Promise<Cohort> {
  const columns = parseColumns(args.columns);
  const cohort = await loadCohort(args.source, {
    ageColumn: columns.age ?? args['age-column'],
    columns,
    run: parseRun(args.run),
  });
  if (args.volume !== undefined) {
    if (!(Number.isInteger(args.volume) && args.volume >= 0))
      throw inputError(`--volume must be an integer ≥ 0, not ${args.volume}`);
    for (const subject of cohort.subjects) for (const scan of subject.scans) scan.volume = args.volume;
  }
  return cohort;
}

interface Args extends CohortSourceArgs {
  json: boolean;
  'check-images': boolean;
}

export const cohortCommand: CommandModule<GlobalArgs, Args> = {
  command: 'cohort <source>',
  describe:
    'validate a cohort (tables, and every image header: 3D, voxel sizes) and summarise it: subjects, visits, follow-up, pairs, covariates, warnings',
  builder: (y) =>
    withCohortSource(y)
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print one JSON object',
      })
      .option('check-images', {
        type: 'boolean',
        default: false,
        describe:
          'read every header: dims, voxel sizes, orientations, datatypes; flag 2D, 4D, NaN and unreadable scans',
      }) as unknown as Argv<Args>,
  handler: async (args) => {
    const cohort = await loadCohortFromArgs(args);
    const images = args['check-images'] ? await checkImages(cohort, args.volume) : undefined;
    // without --check-images the first scan that cannot be a 3D volume ends the command
    if (!images) checkCohortImages(cohort, args.volume);
    const summary = summarizeCohort(cohort);
    if (args.json) printJson(images ? { ...summary, images } : summary);
    else {
      const lines = formatCohortSummary(summary);
      if (images) lines.push(...formatImageCheck(images));
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (images && images.flagged.length > 0)
      throw inputError(`${images.flagged.length} of ${images.scans} scans cannot be used as they are (listed above)`);
  },
};
