import { describe, expect, test } from 'vitest';
import {
  dataImage,
  escapeHtml,
  formatMeanSd,
  formatNumber,
  htmlPage,
  htmlTable,
} from '../../../src/eval/report/html.js';

describe('escaping', () => {
  test('the five HTML-significant characters become entities', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(3.5)).toBe('3.5');
  });

  test('tables, page titles and section titles escape what they are given', () => {
    expect(htmlTable(['<h>'], [['<c>', 1, null]])).toContain('<th>&lt;h&gt;</th>');
    expect(htmlTable(['h'], [['<c>', 1, null]])).toContain('<td>&lt;c&gt;</td><td>1</td><td></td>');
    const page = htmlPage('<t>', 'a & b', [{ id: 'x"y', title: '<s>', body: '<p>trusted</p>' }]);
    expect(page).toContain('<title>&lt;t&gt;</title>');
    expect(page).toContain('a &amp; b');
    expect(page).toContain('id="x&quot;y"');
    expect(page).toContain('<h2>&lt;s&gt;</h2>');
    expect(page).toContain('<p>trusted</p>');
    expect(page).not.toMatch(/<script/);
  });

  test('images must be data: URIs', () => {
    expect(dataImage('data:image/png;base64,AAAA', 'a"b', 64)).toBe(
      '<img src="data:image/png;base64,AAAA" alt="a&quot;b" width="64">',
    );
    expect(() => dataImage('https://example.org/x.png', 'x')).toThrow('data: URIs');
  });
});

describe('numbers', () => {
  test('fixed decimals, integers as they are, n/a for missing, tiny values in exponent form', () => {
    expect(formatNumber(0.12345)).toBe('0.123');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(null)).toBe('n/a');
    expect(formatNumber(Number.NaN)).toBe('n/a');
    expect(formatNumber(3.2e-7, 4)).toBe('3.2e-7');
    expect(formatMeanSd(0.5, 0.25)).toBe('0.500 ± 0.250');
    expect(formatMeanSd(0.5, null)).toBe('0.500');
    expect(formatMeanSd(null, 0.1)).toBe('n/a');
    expect(formatMeanSd(0.000288, 0.000407)).toBe('0.000288 ± 0.000407');
    expect(formatMeanSd(0, 0.5)).toBe('0.000 ± 0.500');
  });
});
