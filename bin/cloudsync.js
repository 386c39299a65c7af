#!/usr/bin/env node
// Tiny shim (CommonJS: bin/package.json). The CLI runs from dist/bundle/, esbuild's bundle of tsc's dist/src
// made by `npm run build`, so a run loads a few files instead of ~90 (start-up, issue 11): `--version` one
// small CommonJS file (no ES module loader, no commander), everything else cli.js and the chunks it imports.
// When the bundle is missing or older than tsc's output (a `tsc`-only build), dist/src runs instead: the
// code that runs is always the code last built.
'use strict';
const { statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const mtime = (file) => statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundleTime = mtime('dist/bundle/cli.js');
// In a checkout (tsconfig.json beside bin/) tsc may have run alone since the last bundle: the newer build
// runs. An installed package (no tsconfig.json) always runs its bundle: npm gives its files no useful times.
const bundled = bundleTime >= 0 && (mtime('tsconfig.json') < 0 || bundleTime >= mtime('dist/src/cli.js'));

async function start(argv) {
  if (argv.includes('--version') || argv.includes('-V')) {
    const quick = bundled
      ? require('../dist/bundle/version.cjs')
      : await import('../dist/src/quick-version.js');
    if (await quick.answerVersion(argv)) return;
  }
  const { main } = await import(bundled ? '../dist/bundle/cli.js' : '../dist/src/cli.js');
  await main(argv);
}

start(process.argv);
