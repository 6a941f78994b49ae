/**
 * report.html in a real browser: headless Debian Chromium opens the file from disk; every
 * plot must have rendered (an SVG with a non-empty box and drawn marks), every slice image
 * must have decoded (naturalWidth > 0), the console must stay free of errors, and the page
 * must request nothing but itself and data: URIs. Skipped and counted where /usr/bin/chromium
 * is missing (test/helpers/references.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { greyPng, divergingPng, middleSlice, PLANES, pngDataUri } from '../../../src/eval/report/png.js';
import { writeReport } from '../../../src/eval/report/report.js';
import type { SliceFigure } from '../../../src/eval/report/report-html.js';
import { CdpBrowser } from './cdp-pipe.js';
import { makeFakeRun } from './fixtures.js';
import { skipUnless } from '../../helpers/references.js';

const root = mkdtempSync(join(tmpdir(), 'lssl-browser-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A 16³ ball as a stand-in scan, so the page has slice images to decode. */
function ballSlices(run: string, method: string): SliceFigure {
  const n = 16;
  const volume = new Float32Array(n * n * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) volume[i + n * (j + n * k)] = Math.hypot(i - 7.5, j - 7.5, k - 7.5) < 6 ? 1 : 0;
  const image = (png: Buffer, plane: string) => ({ plane, dataUri: pngDataUri(png), width: 128, height: 128 });
  return {
    run,
    method,
    scan: 'synthetic ball',
    rows: [
      {
        name: 'scan',
        description: 'input',
        images: PLANES.map((p) => image(greyPng(middleSlice(volume, [n, n, n], p), 0, 1, 8), p)),
      },
      {
        name: 'direction',
        description: 'signed',
        images: PLANES.map((p) =>
          image(
            divergingPng(
              middleSlice(
                volume.map((v) => v - 0.5),
                [n, n, n],
                p,
              ),
              0.5,
              8,
            ),
            p,
          ),
        ),
      },
    ],
    note: 'test',
  };
}

interface PageCheck {
  plots: { id: string; svgs: number; width: number; height: number; marks: number }[];
  images: { alt: string; complete: boolean; naturalWidth: number }[];
}

const CHECK_PAGE = `(async () => {
  const images = [...document.images];
  await Promise.all(images.map((img) => img.decode().catch(() => {})));
  return {
    plots: [...document.querySelectorAll('figure.plot')].map((f) => {
      const svg = f.querySelector('svg');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const marks = svg ? svg.querySelectorAll('g[class*="mark-"] > path, g[class*="mark-"] > line, g[class*="mark-"] > rect').length : 0;
      return { id: f.id, svgs: f.querySelectorAll('svg').length, width: box.width, height: box.height, marks };
    }),
    images: images.map((img) => ({ alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth })),
  };
})()`;

test('report.html renders every plot and image in headless Chromium with no console errors and no network', async (context) => {
  skipUnless(context, 'chromium');
  const lssl = makeFakeRun(join(root, 'lssl'), {
    method: 'lssl',
    embeddings: { subjects: 18, visits: 3, dim: 4, seed: 5, adRate: 1, tauAdExtra: 0.4 },
    tau: true,
    finetune: { diagnosis: 'fold,epoch,balanced_accuracy\n1,1,0.6\n1,2,0.7\n2,1,0.5\n2,2,0.9\n' },
  });
  const ae = makeFakeRun(join(root, 'ae'), { method: 'ae', embeddings: { subjects: 18, visits: 3, dim: 4, seed: 6 } });
  const report = await writeReport([lssl, ae], {
    out: join(root, 'out'),
    folds: 3,
    slices: async (run) => ballSlices(run.label, run.method),
  });

  const browser = CdpBrowser.launch();
  try {
    const { targetId } = (await browser.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await browser.send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    for (const domain of ['Runtime', 'Log', 'Page', 'Network']) await browser.send(`${domain}.enable`, {}, sessionId);
    const loaded = browser.waitFor('Page.loadEventFired', 20000, false);
    await browser.send('Page.navigate', { url: pathToFileURL(report.files.html).href }, sessionId);
    await loaded;
    const evaluated = (await browser.send(
      'Runtime.evaluate',
      { expression: CHECK_PAGE, awaitPromise: true, returnByValue: true },
      sessionId,
      20000,
    )) as {
      result: { value: PageCheck };
      exceptionDetails?: unknown;
    };
    expect(evaluated.exceptionDetails).toBeUndefined();
    const page = evaluated.result.value;

    expect(page.plots.map((p) => p.id)).toEqual([
      'plot-training',
      'plot-probe',
      'plot-finetune',
      'plot-tau-age',
      'plot-rates',
    ]);
    for (const plot of page.plots) {
      expect(plot.svgs, plot.id).toBe(1);
      expect(plot.width, plot.id).toBeGreaterThan(100);
      expect(plot.height, plot.id).toBeGreaterThan(100);
      expect(plot.marks, plot.id).toBeGreaterThan(0);
    }
    expect(page.images).toHaveLength(2 * 2 * 3); // 2 runs × 2 rows × 3 planes
    for (const image of page.images) {
      expect(image.complete, image.alt).toBe(true);
      expect(image.naturalWidth, image.alt).toBe(128);
    }

    const errors = browser.events.filter(
      (e) =>
        e.sessionId === sessionId &&
        (e.method === 'Runtime.exceptionThrown' ||
          (e.method === 'Runtime.consoleAPICalled' && ['error', 'assert'].includes(e.params.type as string)) ||
          (e.method === 'Log.entryAdded' && (e.params.entry as { level: string }).level === 'error')),
    );
    expect(errors).toEqual([]);
    const requested = browser.events
      .filter((e) => e.method === 'Network.requestWillBeSent')
      .map((e) => (e.params.request as { url: string }).url);
    expect(requested.length).toBeGreaterThan(0);
    for (const url of requested) expect(url).toMatch(/^(file:|data:)/);
    await browser.send('Browser.close').catch(() => {});
  } finally {
    await browser.close();
  }
}, 90_000);
