// Runs dist/bundle/cli.cjs (one CommonJS file, test/support/bundle.ts) through V8's code cache (issue 11:
// start-up). Node 20 compiles every module on every run (its own compile cache is Node 22); here the bundle is
// compiled with `vm.Script` from the bytes V8 produced on an earlier run, so the functions that run took no
// parse or compile. The cache sits beside the bundle (cli.cjs.v8cache, never shipped: `files` in
// package.json) and starts with a header naming the bundle it was made from (size, mtime, inode) and the Node
// that made it; V8 itself refuses data from another V8 or other flags. Any mismatch, or data V8 refused: the
// bundle is compiled from source as usual and the cache is written again after the command. A folder this
// user cannot write (an installed package of another user) gets no cache: the run is merely not faster.
'use strict';
const { isAscii } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const Module = require('node:module');

const MAGIC = 'cloudsync-v8cache 1';

/** What the cache must have been made from: this bundle file, this Node. */
function headerFor(st) {
  return `${MAGIC} ${process.version} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino}`;
}

/** The V8 data of a cache made for `header`, and the command kind that made it; undefined when none fits. */
function readCache(file, header) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 512) return undefined;
  const line = bytes.toString('latin1', 0, nl);
  const space = line.lastIndexOf(' ');
  if (line.slice(0, space) !== header) return undefined;
  return { data: bytes.subarray(nl + 1), kind: line.slice(space + 1) };
}

/** Write the cache (a temp file renamed over it, so a reader never sees half of one); quiet on failure. */
function writeCache(file, header, kind, script) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    fs.writeFileSync(temp, Buffer.concat([Buffer.from(`${header} ${kind}\n`, 'latin1'), data]), {
      mode: 0o644,
    });
    fs.renameSync(temp, file);
  } catch {
    removeQuietly(temp);
  }
}

/** Remove a file if it is there; quiet on failure. */
function removeQuietly(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // nothing to clean up
  }
}

/**
 * Load `bundle` (an absolute path) as a CommonJS module through the code cache and return its exports and a
 * function to call once the command is done: it writes the cache when there was none that fits, or when
 * the one there was made by a command other than `kind` = 'pass' (sync: its code is what should be
 * cached; a cache made by `login` holds little of it). `kind` null: no cache read or written.
 *
 * `kind` = 'watch': every function of the bundle compiled before the command runs, through a cache of its
 * own (cli.cjs.watch.v8cache, written at once when none fits). A `watch` runs code after its first event
 * that its start-up pass never ran (the scoped read, reconcile, the copy, the owner stamp, the journal):
 * compiled lazily, that was about half of what the first edit after start cost beyond the next ones
 * (test/bench/RESULTS.md, perf-watch6). `sync` keeps the lazy cache: this one is ~2.7 times the bytes, and
 * a command loading it spends ~6 ms more before it starts.
 */
function loadBundle(bundle, kind) {
  const st = fs.statSync(bundle);
  const eager = kind === 'watch';
  const cacheFile = eager ? `${bundle}.watch.v8cache` : `${bundle}.v8cache`;
  const header = headerFor(st);
  const cached = kind === null ? undefined : readCache(cacheFile, header);
  const bytes = fs.readFileSync(bundle);
  // ASCII (bundle.ts makes it so): Latin-1 decoding gives the same text for half the work of UTF-8.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  // Without a cache to start from, the watch's compile is eager (~0.1 s of CPU, once per build). V8's flag
  // is put back before anything runs or is cached: its flags are part of what a cache is checked against.
  const compileEagerly = eager && !cached;
  if (compileEagerly) v8.setFlagsFromString('--no-lazy');
  let script;
  try {
    script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: bundle,
      cachedData: cached && cached.data,
    });
  } finally {
    if (compileEagerly) v8.setFlagsFromString('--lazy');
  }
  if (eager) {
    // Made now, from the eager compile (before the command changes V8's flags). Data V8 refused was
    // compiled lazily instead: it is removed, and the next watch compiles eagerly and writes it again.
    if (compileEagerly) writeCache(cacheFile, header, kind, script);
    else if (script.cachedDataRejected === true) removeQuietly(cacheFile);
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  // import() cannot run inside vm.Script code on Node 20: the bundle calls this one instead.
  mod.cloudsyncImport = (specifier) => import(specifier);
  require.cache[bundle] = mod;
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  const stale =
    kind !== null &&
    !eager &&
    (!cached || script.cachedDataRejected === true || (kind === 'pass' && cached.kind !== 'pass'));
  return {
    exports: mod.exports,
    done: () => {
      if (stale) writeCache(cacheFile, header, kind, script);
    },
  };
}

module.exports = { loadBundle };
