#!/usr/bin/env node
// Tiny shim (CommonJS: bin/package.json). The CLI runs from dist/bundle/, esbuild's bundle of tsc's dist/src
// made by `npm run build` (issue 11: start-up): `--version` one small CommonJS file (no commander), everything
// else cli.cjs, the whole CLI as one CommonJS file compiled through V8's code cache (code-cache.js).
// When the bundle is missing or older than tsc's output (a `tsc`-only build), dist/src runs instead: the
// code that runs is always the code last built.
'use strict';
const { statSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const mtime = (file) => statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundleTime = mtime('dist/bundle/cli.cjs');
// In a checkout (tsconfig.json beside bin/) tsc may have run alone since the last bundle: the newer build
// runs. tsc rewrites only the files that changed, but its build info on every build that emitted anything.
// An installed package (no tsconfig.json) always runs its bundle: npm gives its files no useful times.
const tscTime = Math.max(mtime('dist/.tsbuildinfo'), mtime('dist/src/cli.js'));
const bundled = bundleTime >= 0 && (mtime('tsconfig.json') < 0 || bundleTime >= tscTime);

async function start(argv) {
  if (argv.includes('--version') || argv.includes('-V')) {
    const quick = bundled
      ? require('../dist/bundle/version.cjs')
      : await import('../dist/src/quick-version.js');
    if (await quick.answerVersion(argv)) return;
  }
  if (!bundled) {
    await (await import('../dist/src/cli.js')).main(argv);
    return;
  }
  // The code cache keeps what the passes compile (sync, watch) rather than what a one-off command did;
  // CLOUDSYNC_CODE_CACHE=off runs without one.
  const kind =
    process.env.CLOUDSYNC_CODE_CACHE === 'off'
      ? null
      : argv.includes('sync') || argv.includes('watch')
        ? 'pass'
        : 'other';
  const cli = require('./code-cache.js').loadBundle(path.join(root, 'dist', 'bundle', 'cli.cjs'), kind);
  await cli.exports.main(argv);
  cli.done();
}

start(process.argv);
