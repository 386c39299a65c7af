// The esbuild plugins and output fixes of `npm run build`'s bundle (bundle.ts; issue 11: start-up).
import type { Plugin } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Packages bundled into cli.cjs: the ones every run loads. */
const BUNDLED = new Set(['commander', 'env-paths']);

/**
 * The Alfresco side's ES-module-only packages, imported statically by the connector's modules: a CommonJS
 * file cannot `require` an ES module on every Node 20, so they are bundled, with everything they import, into
 * vendor.cjs, which cli.cjs `require`s when the connector's modules are first initialised (a local pass
 * never reads it: 500 KB less to read and decode per run). Key = the name vendor.cjs exports it under.
 * The other packages stay in node_modules: CommonJS ones `require`d when used (cli-table3, yaml, picomatch,
 * hpagent), ES module ones imported when used (chalk, ora, @inquirer/prompts) through `cloudsyncImport`.
 */
export const VENDOR: Record<string, string> = {
  got: 'got',
  'openid-client': 'openidClient',
  '@stomp/stompjs': 'stompjs',
  '@stomp/tcp-wrapper': 'tcpWrapper',
};

/** vendor.cjs's entry: each package's namespace under its key. */
export const VENDOR_ENTRY = Object.entries(VENDOR)
  .map(([name, key]) => `export * as ${key} from '${name}';`)
  .join('\n');

/** A bare import's package name (`@scope/name` or `name`). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Node built-ins, and our imports of packages outside BUNDLED, are loaded at run time. */
export function isExternal(specifier: string, importer: string): boolean {
  if (specifier.startsWith('node:')) return true;
  // Inside a bundled package everything it imports is bundled too (got's own ES module dependencies).
  if (importer.includes(`${path.sep}node_modules${path.sep}`)) return false;
  return !BUNDLED.has(packageName(specifier)) && !(specifier in VENDOR);
}

export const externals: Plugin = {
  name: 'cloudsync-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      isExternal(args.path, args.importer) ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * `import('chalk')` of a package left outside (or of a built-in): code compiled by `vm.Script` cannot run
 * `import()` on Node 20 (it needs --experimental-vm-modules), so those calls go through `cloudsyncImport`,
 * the loader's own `import()` (bin/code-cache.js). Imports of our own modules are joined into the file.
 */
const DYNAMIC_IMPORT = /\bimport\((['"])([^'"./][^'"]*)\1\)/g;
export const dynamicImports: Plugin = {
  name: 'cloudsync-dynamic-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(
        DYNAMIC_IMPORT,
        (call, quote: string, spec: string) =>
          isExternal(spec, args.path) ? `cloudsyncImport(${quote}${spec}${quote})` : call,
      ),
      loader: 'js',
    }));
  },
};

/**
 * Built-ins loaded on first use instead of when the bundle starts. child_process (commander's git-style
 * subcommands, the pager, the local side's flush helper: a pass without changes spawns nothing) brings dgram,
 * net's socket lists and more, ~10 ms a run here; crypto (temp names, locks, hashes) ~20 built-in modules.
 * Each `import`/`require` of one in the bundle gets a module of wrappers that `require` the built-in when
 * one is called. Only functions are wrapped, and there is no default export: importing anything else from
 * it (a class, a constant, the module as a whole) fails the build rather than finding undefined.
 */
const LAZY_BUILTINS = ['child_process', 'crypto'];
export const lazyBuiltins: Plugin = {
  name: 'cloudsync-lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'cloudsync-lazy'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ''), namespace: 'cloudsync-lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'cloudsync-lazy' }, async (args) => {
      const real = (await import(`node:${args.path}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((n) => typeof real[n] === 'function' && /^[a-z]/.test(n));
      const lines = [
        `let loaded;`,
        `const load = () => (loaded ??= require('node:${args.path}'));`,
        ...names.map((n) => `export const ${n} = (...args) => load().${n}(...args);`),
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * In cli.cjs, each VENDOR package is a module that re-exports its namespace from vendor.cjs, `require`d
 * (relative to the bundle) when a module importing it is first initialised. Its export names are read from
 * the package itself at build time.
 */
export const vendorImports: Plugin = {
  name: 'cloudsync-vendor',
  setup(b) {
    b.onResolve({ filter: /^(\.\/vendor\.cjs|[^./].*)$/ }, (args) => {
      if (args.namespace === 'cloudsync-vendor') return { path: args.path, external: true };
      return args.path in VENDOR ? { path: args.path, namespace: 'cloudsync-vendor' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'cloudsync-vendor' }, async (args) => {
      const names = Object.keys((await import(args.path)) as object);
      const lines = [`const ns = require('./vendor.cjs').${VENDOR[args.path]};`];
      for (const n of names)
        lines.push(n === 'default' ? 'export default ns.default;' : `export const ${n} = ns.${n};`);
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * The bundle as V8 reads it fastest: ASCII only (bin/code-cache.js decodes it as Latin-1, half the cost of
 * UTF-8 here). esbuild escapes every string, regular expression and template; what is left is comments.
 */
export function asciiOnly(file: string): void {
  const text = readFileSync(file, 'utf8');
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  if (escaped !== text) writeFileSync(file, escaped);
}

/**
 * esbuild's CommonJS interop (`import fs from 'node:fs'` → `__toESM(require('node:fs'), 1)`) copies every
 * property of the module, as a getter, once per importing module: fs, path and process ~40 times over,
 * ~5% of a small pass here. The bundle keeps one copy per module instead (the copies are alike: getters
 * of the same module). The build fails if esbuild's helper changes shape.
 */
const TO_ESM = 'var __toESM = (mod, isNodeMode, target) =>';
export const TO_ESM_ONCE = `const cloudsyncInterop = [new WeakMap(), new WeakMap()];
function cloudsyncToESM(mod, isNodeMode) {
  if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) return __toESMCopy(mod, isNodeMode);
  const made = cloudsyncInterop[isNodeMode ? 1 : 0];
  let ns = made.get(mod);
  if (ns === undefined) made.set(mod, (ns = __toESMCopy(mod, isNodeMode)));
  return ns;
}`;
export function interopOnce(file: string): void {
  const text = readFileSync(file, 'latin1');
  const at = text.indexOf(TO_ESM);
  if (at < 0 || text.indexOf(TO_ESM, at + 1) >= 0)
    throw new Error(`${file}: esbuild's __toESM not found once`);
  const helper = `var __toESM = cloudsyncToESM;\nvar __toESMCopy = (mod, isNodeMode, target) =>`;
  writeFileSync(file, `${text.slice(0, at)}${helper}${text.slice(at + TO_ESM.length)}`, 'latin1');
}
