import { describe, expect, it } from 'vitest';
import { LsslError } from '../../src/errors.js';
import { isUnrecordedPreprocessing, preprocessingRecord, settingsForRun } from '../../src/io/preprocess-record.js';

describe('the preprocessing a run records', () => {
  it('is the complete canonical settings without the shape', () => {
    expect(preprocessingRecord({ shape: 32, mask: 'none' })).toEqual({
      spacing: null,
      normalize: 'zscore',
      mask: 'none',
      percentiles: [0.5, 99.5],
    });
    expect(preprocessingRecord()).toEqual(preprocessingRecord({ mask: 'none' }));
    expect(isUnrecordedPreprocessing(preprocessingRecord({ mask: 'otsu' }))).toBe(true);
    expect(isUnrecordedPreprocessing(preprocessingRecord())).toBe(false);
    expect(isUnrecordedPreprocessing(preprocessingRecord({ mask: 'otsu', normalize: 'percentile' }))).toBe(false);
    expect(isUnrecordedPreprocessing(preprocessingRecord({ mask: 'otsu', spacing: 2 }))).toBe(false);
  });

  it("a run's settings win; an explicit option may only repeat them", () => {
    const recorded = preprocessingRecord({ mask: 'none', spacing: [2, 2, 2] });
    expect(settingsForRun(recorded, {})).toEqual(recorded);
    expect(settingsForRun(recorded, { mask: 'none', spacing: 2 })).toEqual(recorded);
    expect(() => settingsForRun(recorded, { mask: 'otsu' }, 'RUN/config.json')).toThrow(
      /trained on volumes preprocessed with mask none, not otsu; drop --mask/,
    );
    expect(() => settingsForRun(recorded, { spacing: 1 })).toThrow(LsslError);
    expect(() => settingsForRun(recorded, { normalize: 'percentile' })).toThrow(/normalize zscore, not percentile/);
  });

  it('a run made before the record existed was trained on the foreground z-score, the default then', () => {
    expect(settingsForRun(undefined, {})).toEqual(preprocessingRecord({ mask: 'otsu' }));
    expect(() => settingsForRun(undefined, { mask: 'none' })).toThrow(/mask otsu, not none/);
  });
});
