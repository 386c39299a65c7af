/** The `local` connector: a folder on this machine acting as a repository. */
export { LocalConnector, type LocalConnectorOptions } from './local-connector.js';
export type { ReadDir } from './walk.js';
