/**
 * Version strings read from package.json files, without loading the packages themselves:
 * `lssl --version` and `lssl info` print them and must not wait for TensorFlow.js to load.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** lssl's version from its package.json (the nearest one named lssl above this file), or 'unknown'. */
export function lsslVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'lssl') return pkg.version;
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/**
 * The installed @tensorflow/tfjs version, read from its package.json (the same string as
 * `tf.version.tfjs` once loaded), or 'unknown' when it cannot be found.
 */
export function tfjsPackageVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve('@tensorflow/tfjs'));
    for (let i = 0; i < 4; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (pkg.name === '@tensorflow/tfjs') return pkg.version;
      } catch {
        // not here; look one folder up
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed where Node looks
  }
  return 'unknown';
}
