/**
 * The registration a run was trained on, as recorded in its config.json
 * (`cohort.registration`): `embed` and `train --resume` register new scans the same way —
 * an encoder trained on aligned visits sees misaligned ones as change — and refuse an
 * explicit `--register` that differs. Without a record the run used none.
 */
import { inputError } from '../errors.js';
import type { Cohort } from './cohort.js';
import {
  planRegistration,
  withSubjectReferences,
  type CacheRegistration,
  type RegisterTarget,
} from './cache-register.js';
import type { RegisterSettings } from './register.js';

/** The complete registration settings, without each scan's reference (those come from the cohort). */
export interface RegistrationRecord extends RegisterSettings {
  to: RegisterTarget;
  /** the template's absolute path, with `to: 'template'` */
  template?: string;
}

export function registrationRecord(register: CacheRegistration | undefined): RegistrationRecord | undefined {
  if (register === undefined) return undefined;
  const plan = planRegistration(register);
  return { to: plan.to, ...plan.settings, ...(plan.template !== undefined && { template: plan.template }) };
}

/**
 * The registration to prepare `cohort`'s scans with for a run: the recorded one (none when
 * the run recorded none), which an explicit one may only repeat; references filled in.
 */
export function registrationForRun(
  recorded: RegistrationRecord | undefined,
  explicit: CacheRegistration | undefined,
  cohort: Cohort,
  runFile?: string,
): CacheRegistration | undefined {
  if (explicit !== undefined) {
    const asked = registrationRecord(explicit);
    if (JSON.stringify(asked) !== JSON.stringify(recorded)) {
      const show = (r: RegistrationRecord | undefined) =>
        r === undefined
          ? 'no registration'
          : `--register ${r.to}${r.template ? ` --template ${r.template}` : ''} (${r.transform})`;
      throw inputError(
        `the run was trained on volumes preprocessed with ${show(recorded)}, not ${show(asked)}; drop --register to use the run's`,
        runFile,
      );
    }
  }
  if (recorded === undefined) return undefined;
  return withSubjectReferences(cohort, { ...recorded });
}
