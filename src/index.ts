/** lssl's public API: named exports only. */
export { LsslError } from './errors.js';
export type { Volume, Affine } from './io/volume.js';
export { initBackend, activeBackend, BACKENDS } from './backend/select.js';
export type { BackendName, BackendInfo } from './backend/select.js';
