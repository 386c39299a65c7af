// Public face of the Alfresco connector: the names the CLI and tests import.
export type {
  AlfrescoConnectionOptions,
  AlfrescoCredentials,
  AlfrescoHooks,
  RetryOptions,
} from './options.js';
export { alfrescoLogin, alfrescoLogout } from './auth.js';
export { AlfrescoConnector } from './connector.js';
export { isLoopbackHost, resolveEndpoint } from './endpoint.js';
export { redact } from './redact.js';
export { resolveProxy, checkProxyUrl } from './proxy.js';
export { checkBrokerUrl } from './events/broker-url.js';
