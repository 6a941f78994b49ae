import { describe, expect, it } from 'vitest';
import { bidsLabel, compareIds } from '../../src/io/ids.js';

describe('ids', () => {
  it('strips BIDS prefixes, whatever their case, and spaces', () => {
    expect(bidsLabel(' sub-01 ', 'sub-')).toBe('01');
    expect(bidsLabel('SES-m12', 'ses-')).toBe('m12');
    expect(bidsLabel('01', 'sub-')).toBe('01');
    expect(bidsLabel('subject-01', 'sub-')).toBe('subject-01');
  });

  it('orders numbered ids naturally and distinct ids never equal', () => {
    expect(['10', '2', '1', 'a', 'B'].sort(compareIds)).toEqual(['1', '2', '10', 'a', 'B']);
    expect(compareIds('01', '1')).not.toBe(0);
  });
});
