// Scrubs secrets from anything that might be logged or put in an error message (src/redact.ts does it
// for the whole program; this module keeps the connector's import path).
export { addSecret, redact } from '../../redact.js';
