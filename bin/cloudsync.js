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

/** Built-in modules every `sync` and `watch` loads: required before V8's flags change (see start). */
const PASS_BUILTINS = ['node:crypto', 'node:net'];
/** And those `watch` loads besides: its socket's listen() requires cluster, its pass timing perf_hooks. */
const WATCH_BUILTINS = ['node:cluster', 'node:perf_hooks'];

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
  // The code cache keeps what a pass compiles (sync) rather than what a one-off command did; `watch` has one
  // of its own with every function compiled (code-cache.js); CLOUDSYNC_CODE_CACHE=off runs without one.
  const kind =
    process.env.CLOUDSYNC_CODE_CACHE === 'off'
      ? null
      : argv.includes('watch')
        ? 'watch'
        : argv.includes('sync')
          ? 'pass'
          : 'other';
  const cli = require('./code-cache.js').loadBundle(path.join(root, 'dist', 'bundle', 'cli.cjs'), kind);
  // A pass keeps V8's young generation at its start size (1 MiB per semi-space) instead of letting it double
  // up to 16 MiB: on the development VM every page a process touches first costs ~15-20 us of CPU, and the
  // walk's short-lived garbage (a Stats object per entry) dies young either way. 100,000 files, no change:
  // peak 142 -> 112 MiB, 29,000 -> 21,000 page faults, ~7% less CPU (test/bench/RESULTS.md, perf-delta4).
  // Set after the bundle is compiled and put back before the code cache is written: V8 hashes its flags
  // into the cache, and a cache made under another value is refused by the next run (`watch` sets the same).
  // `sync` also compiles its hot functions without inlining into them: TurboFan compiles on a background
  // thread, and at 10,000 files that compiling was about half of a no-change pass's CPU, most of it inlining
  // (10,000 files, no change: 0.83x the CPU, 12 pairs; 100,000 files: 1.00x, 6 pairs). A long-lived `watch`
  // compiles once for many passes: it keeps V8's default.
  const pass = argv.includes('sync') || argv.includes('watch');
  const v8 = pass ? require('node:v8') : undefined;
  const oneShot = pass && !argv.includes('watch');
  // Node's own modules are compiled from code caches built into Node, and V8 refuses those too once a flag
  // differs from what they were made under: a built-in module first required after the flags below is
  // parsed and compiled from source. Every pass requires node:crypto (its lock's temp name) and node:net
  // (stdout to a pipe, the watch socket): loaded here first, they come from Node's cache. A small
  // no-change `sync`: 104 -> 91 ms of CPU (15 pairs); loaded after the flags they cost 2-3x (perf-10k6).
  // `watch` loads two more at its start (~12 ms of CPU after the flags, ~5 ms before).
  if (pass) for (const name of PASS_BUILTINS) require(name);
  if (pass && !oneShot) for (const name of WATCH_BUILTINS) require(name);
  v8?.setFlagsFromString('--semi-space-growth-factor=1');
  if (oneShot) v8?.setFlagsFromString('--no-turbo-inlining');
  await cli.exports.main(argv);
  v8?.setFlagsFromString('--semi-space-growth-factor=2'); // V8's default (node --v8-options)
  if (oneShot) v8?.setFlagsFromString('--turbo-inlining');
  cli.done();
}

start(process.argv);
