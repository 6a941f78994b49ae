/**
 * `node --import ./loaded-modules.mjs …`: at exit, writes every module the process loaded
 * (ES modules as resolved by the loader, CommonJS ones from require.cache) one per line to
 * the file named by LSSL_LOADED_MODULES. For test/cli/lazy-loading.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.LSSL_LOADED_MODULES;
if (out) {
  const require = createRequire(import.meta.url);
  const resolved = new Set();
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => resolved.add(url));
  port1.unref();
  register('./loaded-modules-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
  process.on('exit', () => {
    const cjs = Object.keys(require('node:module')._cache);
    writeFileSync(out, [...resolved, ...cjs].join('\n'));
  });
}
