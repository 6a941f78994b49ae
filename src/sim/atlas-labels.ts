/**
 * Which AAL label values are hippocampus, amygdala and cortex. The AAL atlas
 * (Tzourio-Mazoyer et al., NeuroImage 15:273, 2002) names its 116 regions with codes
 * (Hippocampus_L 4101, _R 4102, Amygdala_L 4201, _R 4202, ...), but many copies store the
 * region's index 1–116 in the image instead (Debian's mricron-data does: hippocampus 37/38,
 * amygdala 41/42) and ship a text file of `index name code` lines beside it. So:
 *
 * 1. a text file beside the atlas (`aal.nii.txt` or `aal.txt` for `aal.nii.gz`) maps the
 *    image values to names, and names decide;
 * 2. without one, an image holding 4101 uses AAL's codes;
 * 3. otherwise the values are AAL's indices 1–116.
 *
 * Cortex is every label except hippocampus, amygdala, the deep grey nuclei (caudate,
 * putamen, pallidum, thalamus) and the cerebellum and vermis.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inputError } from '../errors.js';

export type AtlasRegion = 'hippocampus' | 'amygdala' | 'cortex' | 'other';

export interface AtlasScheme {
  /** how the values were interpreted */
  kind: 'names' | 'codes' | 'indices';
  /** the text file read, for kind 'names' */
  namesFile?: string;
  /** image value → region, for every label value the atlas holds (0 is background) */
  regions: Map<number, AtlasRegion>;
}

/** The region a label name stands for (AAL spelling, e.g. 'Hippocampus_L', 'Cerebelum_3_R'). */
export function regionOfName(name: string): AtlasRegion {
  if (/^Hippocampus_/i.test(name)) return 'hippocampus';
  if (/^Amygdala_/i.test(name)) return 'amygdala';
  if (/^(Caudate|Putamen|Pallidum|Thalamus|Cerebel|Vermis)/i.test(name)) return 'other';
  return 'cortex';
}

/** The region of an AAL code (4101 hippocampus, 4201 amygdala, 70xx/71xx deep grey, 9xxx cerebellum). */
export function regionOfCode(code: number): AtlasRegion {
  if (code === 4101 || code === 4102) return 'hippocampus';
  if (code === 4201 || code === 4202) return 'amygdala';
  if ((code >= 7000 && code < 7200) || code >= 9000) return 'other';
  return 'cortex';
}

/** The region of an AAL index (1–116: 37/38 hippocampus, 41/42 amygdala, 71–78 deep grey, 91–116 cerebellum). */
export function regionOfIndex(index: number): AtlasRegion {
  if (index === 37 || index === 38) return 'hippocampus';
  if (index === 41 || index === 42) return 'amygdala';
  if ((index >= 71 && index <= 78) || index >= 91) return 'other';
  return 'cortex';
}

/** The text files that may name an atlas's labels. */
export function namesFileCandidates(atlasPath: string): string[] {
  const withoutGz = atlasPath.replace(/\.gz$/i, '');
  return [`${withoutGz}.txt`, withoutGz.replace(/\.(nii|img|hdr)$/i, '.txt')];
}

/** `index name [code]` lines → value → name. */
export function parseLabelNames(text: string, file: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 2 || !/^\d+$/.test(fields[0])) continue;
    names.set(Number(fields[0]), fields[1]);
  }
  if (names.size === 0) throw inputError('atlas label file has no `index name` lines', file);
  return names;
}

/** How to read the label values of an atlas that holds `values` (see the module comment). */
export function atlasScheme(atlasPath: string, values: ReadonlySet<number>): AtlasScheme {
  const regions = new Map<number, AtlasRegion>();
  const namesFile = namesFileCandidates(atlasPath).find((f) => existsSync(f));
  let kind: AtlasScheme['kind'];
  if (namesFile) {
    kind = 'names';
    const names = parseLabelNames(readFileSync(namesFile, 'utf8'), namesFile);
    for (const v of values) if (v !== 0) regions.set(v, names.has(v) ? regionOfName(names.get(v)!) : 'other');
  } else {
    kind = values.has(4101) ? 'codes' : 'indices';
    for (const v of values) if (v !== 0) regions.set(v, kind === 'codes' ? regionOfCode(v) : regionOfIndex(v));
  }
  const found = new Set(regions.values());
  if (!found.has('hippocampus') || !found.has('amygdala')) {
    throw inputError(
      `atlas has no hippocampus or amygdala label (read as AAL ${kind}${namesFile ? ` from ${namesFile}` : ''}); give an AAL atlas on the template's grid, or none`,
      atlasPath,
    );
  }
  return { kind, namesFile, regions };
}

/** value → region lookup for a scheme (unknown values and 0 are 'other'). */
export function atlasRegionOf(scheme: AtlasScheme): (value: number) => AtlasRegion {
  return (value) => scheme.regions.get(value) ?? 'other';
}
