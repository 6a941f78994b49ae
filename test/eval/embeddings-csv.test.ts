import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnText, parseEmbeddingsCsv, readEmbeddingsCsv } from '../../src/eval/embeddings-csv.js';
import { LsslError } from '../../src/errors.js';

function errorOf(fn: () => unknown): LsslError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LsslError);
    return error as LsslError;
  }
  throw new Error('expected an error');
}

const GOOD = `subject,session,age,diagnosis,sex,z0,z1,tau_proj
s1,ses-1,70.5,AD,F,0.1,-0.2,1.5
s1,ses-2,72,AD,F,0.3,-0.1,1.9
s2,ses-1,65,CN,n/a,1e-3,2,0.2
`;

describe('embeddings.csv', () => {
  it('reads subject, session, age, covariates, z and tau_proj', () => {
    const table = parseEmbeddingsCsv(GOOD, 'e.csv');
    expect(table.latentDim).toBe(2);
    expect(table.covariateNames).toEqual(['diagnosis', 'sex']);
    expect(table.hasTauProj).toBe(true);
    expect(table.rows).toHaveLength(3);
    const third = table.rows[2];
    expect(third).toMatchObject({ subject: 's2', session: 'ses-1', age: 65, tauProj: 0.2, line: 4 });
    expect(Array.from(third.z)).toEqual([0.001, 2]);
    expect(columnText(table, third, 'sex')).toBeUndefined();
    expect(columnText(table, third, 'diagnosis')).toBe('CN');
    expect(columnText(table, third, 'age')).toBe('65');
  });

  it("tau_proj_per_year is read as the subject's rate (n/a for one visit), not as a covariate", () => {
    const table = parseEmbeddingsCsv(
      'subject,session,age,z0,tau_proj,tau_proj_per_year\na,1,60,1,0.5,0.25\na,2,62,1,1,0.25\nb,1,70,2,0,n/a\n',
    );
    expect(table.covariateNames).toEqual([]);
    expect(table.rows.map((r) => r.tauProjPerYear)).toEqual([0.25, 0.25, undefined]);
    expect(() =>
      parseEmbeddingsCsv('subject,session,age,z0,tau_proj,tau_proj_per_year\na,1,60,1,0.5,x\n', 'e.csv'),
    ).toThrow(/^tau_proj_per_year must be a number or n\/a, not 'x'$/);
  });

  it('z columns may come in any order; tau_proj is optional', () => {
    const table = parseEmbeddingsCsv('z1,subject,z0,session,age\n5,a,4,1,60\n', 'e.csv');
    expect(Array.from(table.rows[0].z)).toEqual([4, 5]);
    expect(table.hasTauProj).toBe(false);
    expect(table.rows[0].tauProj).toBeUndefined();
  });

  it('names the file and the row of each problem', () => {
    let e = errorOf(() => parseEmbeddingsCsv('subject,age,z0\na,60,1\n', 'e.csv'));
    expect(e.describe()).toBe("missing column 'session' (columns: subject, age, z0) (e.csv:1)");
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age,z0,z1\na,1,60,1,2\na,2,61,1,oops\n', 'e.csv'));
    expect(e.describe()).toBe("z1 must be a finite number, not 'oops' (e.csv:3)");
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age,z0\na,1,,1\n', 'e.csv'));
    expect(e.describe()).toBe("age must be a number, not '' (e.csv:2)");
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age,z0,z2\na,1,60,1,2\n', 'e.csv'));
    expect(e.describe()).toMatch(/z1 is missing \(e\.csv:1\)$/);
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age,z0\na,1,60,1\na,1,61,2\n', 'e.csv'));
    expect(e.describe()).toBe("subject 'a' session '1' also appears on line 2 (e.csv:3)");
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age,z0\na,1,60\n', 'e.csv'));
    expect(e.describe()).toBe('row has 3 fields, the header 4 (e.csv:2)');
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age\na,1,60\n', 'e.csv'));
    expect(e.message).toMatch(/no latent columns/);
    e = errorOf(() => parseEmbeddingsCsv('subject,session,age,z0,tau_proj\na,1,60,1,NaN\n', 'e.csv'));
    expect(e.describe()).toBe("tau_proj must be a finite number, not 'NaN' (e.csv:2)");
    e = errorOf(() => columnText(parseEmbeddingsCsv(GOOD, 'e.csv'), parseEmbeddingsCsv(GOOD).rows[0], 'dx'));
    expect(e.describe()).toMatch(/no column 'dx' to use as target .*\(e\.csv:1\)$/);
    expect(e.exitCode).toBe(2);
  });

  it('reads from disk and reports unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lssl-emb-'));
    const path = join(dir, 'embeddings.csv');
    writeFileSync(path, GOOD);
    expect(readEmbeddingsCsv(path).rows).toHaveLength(3);
    const e = errorOf(() => readEmbeddingsCsv(join(dir, 'absent.csv')));
    expect(e.file).toBe(join(dir, 'absent.csv'));
  });
});
