/** The sync engine's public face: commands call only these. */
export type * from './types.js';
export type * from './plan.js';
export { runPass } from './pass.js';
export { createSyncSet, requestSync, unsync, normalizePath } from './sets.js';
