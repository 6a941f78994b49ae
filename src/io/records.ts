/**
 * The record types of a cohort, apart from the readers: `bids.ts` and `manifest.ts` produce
 * `CohortRecords`, `cohort.ts` assembles them into a `Cohort`, and none of the three needs to
 * import another for its types (the io layer has no import cycle).
 */
export type CovariateValue = string | number | null;

export interface Scan {
  subject: string;
  session: string;
  /** age at the scan, years */
  age: number;
  /** absolute path of the image */
  path: string;
  /** the 0-based volume to take from a 4D image (required for one; a 3D image is volume 0) */
  volume?: number;
  covariates: Record<string, CovariateValue>;
}

export interface Subject {
  id: string;
  covariates: Record<string, CovariateValue>;
  /** sorted by age, strictly increasing */
  scans: Scan[];
}

export interface CohortWarning {
  message: string;
  file?: string;
  row?: number;
}

export interface Cohort {
  /** the folder or manifest it was read from, absolute */
  source: string;
  kind: 'bids' | 'manifest';
  /** sorted by id */
  subjects: Subject[];
  warnings: CohortWarning[];
}

/**
 * Which T1w to keep when a BIDS session holds several: `'first'` (the default) or `'last'`
 * by (`run-` index, file name), or the file whose `run-` index is the given number.
 */
export type RunChoice = 'first' | 'last' | number;

export interface LoadCohortOptions {
  /** column holding the age in years: in sessions.tsv (BIDS) or in the manifest; default `age` */
  ageColumn?: string;
  /** manifest column names, defaults `subject`, `session`, `age`, `path` */
  columns?: { subject?: string; session?: string; age?: string; path?: string };
  run?: RunChoice;
  /** check that every image exists (default true); false loads the table alone */
  requireImages?: boolean;
}

/** A scan as read, with the place to blame if it is wrong. */
export interface ScanRecord extends Scan {
  file: string;
  row?: number;
}

export interface CohortRecords {
  records: ScanRecord[];
  warnings: CohortWarning[];
}
