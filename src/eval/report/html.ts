/**
 * The HTML of `report.html`: one self-contained page. Every string that comes from data
 * (run names, labels, file names, JSON values) goes through `escapeHtml`; the only markup
 * not built here is the SVG vega writes, which is inserted as produced.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string | number | boolean | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** `v` to `digits` decimals, `n/a` for null/NaN, integers as they are. */
export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  // tiny p-values: keep the magnitude instead of printing 0.0000
  if (v !== 0 && Math.abs(v) < 10 ** -digits) return v.toExponential(1);
  return v.toFixed(digits);
}

/** "mean ± sd" (no ± part when sd is unknown). */
export function formatMeanSd(mean: number | null | undefined, sd: number | null | undefined, digits = 3): string {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return 'n/a';
  // small quantities (e.g. Δtau_proj per year) keep significant digits instead of reading 0.000
  const small = mean !== 0 && Math.abs(mean) < 10 ** -(digits - 1);
  const format = (v: number) => (small ? v.toPrecision(digits) : v.toFixed(digits));
  return sd === null || sd === undefined || !Number.isFinite(sd) ? format(mean) : `${format(mean)} ± ${format(sd)}`;
}

/** A table; `header` and cells are plain text (escaped here). */
export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
  className = 'data',
): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${escapeHtml(className)}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A figure holding an SVG string produced by vega (trusted markup) and an escaped caption. */
export function svgFigure(id: string, svg: string, caption: string): string {
  return `<figure class="plot" id="${escapeHtml(id)}">\n${svg}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`;
}

/** An <img> from a data: URI (refuses anything else, so the page never fetches). */
export function dataImage(dataUri: string, alt: string, width?: number): string {
  if (!dataUri.startsWith('data:image/'))
    throw new Error(`report images must be data: URIs, not ${dataUri.slice(0, 30)}…`);
  const size = width === undefined ? '' : ` width="${width}"`;
  return `<img src="${escapeHtml(dataUri)}" alt="${escapeHtml(alt)}"${size}>`;
}

export interface HtmlSection {
  id: string;
  title: string;
  /** trusted HTML built with the helpers above */
  body: string;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table.data { border-collapse: collapse; font-size: 0.9em; margin: 1em 0; }
table.data th, table.data td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
table.data th { background: #f4f4f4; }
table.data td:first-child, table.data th:first-child { text-align: left; }
figure.plot { margin: 1em 0; } figure.plot svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #555; }
.slices { display: grid; grid-template-columns: auto repeat(3, auto); gap: 4px 8px; align-items: center; justify-content: start; }
.slices img { image-rendering: pixelated; border: 1px solid #ccc; }
.note { color: #555; font-size: 0.9em; }
`;

/** The whole page: inline style, no scripts, no external references. */
export function htmlPage(title: string, intro: string, sections: readonly HtmlSection[]): string {
  const toc = sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join('');
  const body = sections
    .map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">${escapeHtml(intro)}</p>
<ul>${toc}</ul>
${body}
</body>
</html>
`;
}
