#!/usr/bin/env node
// Tiny shim: all logic lives in dist/src/cli.js (built by `npm run build`).
import { main } from '../dist/src/cli.js';

main(process.argv);
