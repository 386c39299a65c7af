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
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // nothing to clean up
    }
  }
}

/**
 * Load `bundle` (an absolute path) as a CommonJS module through the code cache and return its exports and a
 * function to call once the command is done: it writes the cache when there was none that fits, or when
 * the one there was made by a command other than `kind` = 'pass' (sync, watch: their code is what should be
 * cached; a cache made by `login` holds little of it). `kind` null: no cache read or written.
 */
function loadBundle(bundle, kind) {
  const st = fs.statSync(bundle);
  const cacheFile = `${bundle}.v8cache`;
  const header = headerFor(st);
  const cached = kind === null ? undefined : readCache(cacheFile, header);
  const bytes = fs.readFileSync(bundle);
  // ASCII (bundle.ts makes it so): Latin-1 decoding gives the same text for half the work of UTF-8.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData: cached && cached.data,
  });
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
    (!cached || script.cachedDataRejected === true || (kind === 'pass' && cached.kind !== 'pass'));
  return {
    exports: mod.exports,
    done: () => {
      if (stale) writeCache(cacheFile, header, kind, script);
    },
  };
}

module.exports = { loadBundle };
