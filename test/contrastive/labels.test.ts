import { describe, expect, it } from 'vitest';
import { dropUnlabelled, hasLabel } from '../../src/contrastive/labels.js';
import { inMemoryData, type ScanRef } from '../../src/train/data.js';

const scan = (key: string, label?: string | number): ScanRef => ({ key, subject: key.split('/')[0], label });

describe('dropUnlabelled', () => {
  it('keeps labelled scans and the pairs whose two visits are labelled; lists the rest', () => {
    const a1 = scan('a/1', 'AD');
    const a2 = scan('a/2');
    const b1 = scan('b/1', 0);
    const b2 = scan('b/2', 'CN');
    const c1 = scan('c/1', '');
    const volumes = new Map([a1, a2, b1, b2, c1].map((s) => [s.key, new Float32Array(1)]));
    const data = inMemoryData({
      volumes,
      volumeShape: [1, 1, 1],
      train: {
        scans: [a1, a2, b1, b2],
        pairs: [
          { earlier: a1, later: a2 },
          { earlier: b1, later: b2 },
        ],
      },
      validation: { scans: [c1], pairs: [] },
    });
    const { data: kept, dropped } = dropUnlabelled(data);
    expect(kept.train.scans.map((s) => s.key)).toEqual(['a/1', 'b/1', 'b/2']);
    expect(kept.train.pairs.map((p) => p.earlier.key)).toEqual(['b/1']);
    expect(kept.validation.scans).toEqual([]);
    expect(dropped).toEqual(['a/2', 'c/1']);
    expect(kept.loadVolume(b1)).toHaveLength(1);
    expect([hasLabel(b1), hasLabel(a2), hasLabel(c1)]).toEqual([true, false, false]);
  });

  it('refuses data with no labelled training scan, naming the column', () => {
    const s = scan('a/1');
    const data = inMemoryData({
      volumes: new Map([[s.key, new Float32Array(1)]]),
      volumeShape: [1, 1, 1],
      train: { scans: [s], pairs: [] },
    });
    expect(() => dropUnlabelled(data, 'group')).toThrow(
      /no training scan has a 'group' label \(all 1 are missing it\)/,
    );
  });
});
