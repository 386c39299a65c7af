// `npm run build`, after tsc: bundle the CLI for start-up (issue 11). esbuild joins tsc's output into
// dist/bundle/: cli.cjs, the whole CLI as one CommonJS file, and version.cjs, `--version` alone (no commander).
// bin/cloudsync.js runs them when they are at least as new as tsc's output, cli.cjs through V8's code cache
// (bin/code-cache.js): one file read and no compilation of what earlier runs compiled, where an ES module
// (Node 20 has no code cache for those) costs a resolution, a parse and a compile per file on every run.
// dist/bundle-meta.json (esbuild's metafiles, not shipped) names the sources in each bundle file: the
// start-up test maps what a run loaded back to sources with it.
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './cli.js';

/**
 * Packages bundled in: commander and env-paths (every run), and the Alfresco side's ES-module-only packages
 * with everything they import (got, openid-client, @stomp/*): a CommonJS file cannot `require` an ES module on
 * every Node 20, and these are imported statically by the Alfresco connector's modules, which esbuild
 * initialises only when the connector is first imported (a local pass runs none of their code). The others
 * stay in node_modules: CommonJS ones `require`d when used (cli-table3, yaml, picomatch, hpagent), ES module
 * ones imported when used (chalk, ora, @inquirer/prompts) through `cloudsyncImport` (see below).
 */
const BUNDLED = new Set([
  'commander',
  'env-paths',
  'got',
  'openid-client',
  '@stomp/stompjs',
  '@stomp/tcp-wrapper',
]);

/** A bare import's package name (`@scope/name` or `name`). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Node built-ins, and our imports of packages outside BUNDLED, are loaded at run time. */
function isExternal(specifier: string, importer: string): boolean {
  if (specifier.startsWith('node:')) return true;
  // Inside a bundled package everything it imports is bundled too (got's own ES module dependencies).
  if (importer.includes(`${path.sep}node_modules${path.sep}`)) return false;
  return !BUNDLED.has(packageName(specifier));
}

const externals: Plugin = {
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
const dynamicImports: Plugin = {
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
 * Built-ins loaded on first use instead of when the bundle starts: child_process (commander's git-style
 * subcommands, the pager, the local side's flush helper: a pass without changes spawns nothing) brings dgram,
 * net's socket lists and more, ~10 ms a run here. Each `import`/`require` of it in the bundle gets a module
 * of wrappers that `require` the built-in when one is called. Only its functions are wrapped: importing
 * anything else from it fails the build.
 */
const LAZY_BUILTINS = ['child_process'];
const lazyBuiltins: Plugin = {
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
        `export default { ${names.join(', ')} };`,
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<
  string,
  unknown
>;
const src = path.join(PROJECT_ROOT, 'dist', 'src');
const outdir = path.join(PROJECT_ROOT, 'dist', 'bundle');
const common: BuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  metafile: true,
  plugins: [externals],
  define: {
    // package-info.ts reads these instead of package.json: the version is known without opening a file.
    __CLOUDSYNC_PACKAGE_JSON__: JSON.stringify(
      JSON.stringify({ version: pkg.version, homepage: pkg.homepage, bugs: pkg.bugs }),
    ),
    // CommonJS: `import.meta.url` (package-info.ts, table.ts...) is the bundle file's URL.
    'import.meta.url': 'cloudsyncMetaUrl',
  },
};
const metaUrl = "const cloudsyncMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * The bundle as V8 reads it fastest: ASCII only (bin/code-cache.js decodes it as Latin-1, half the cost of
 * UTF-8 here). esbuild escapes every string, regular expression and template; what is left is comments.
 */
function asciiOnly(file: string): void {
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
const TO_ESM_ONCE = `const cloudsyncInterop = [new WeakMap(), new WeakMap()];
function cloudsyncToESM(mod, isNodeMode) {
  if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) return __toESMCopy(mod, isNodeMode);
  const made = cloudsyncInterop[isNodeMode ? 1 : 0];
  let ns = made.get(mod);
  if (ns === undefined) made.set(mod, (ns = __toESMCopy(mod, isNodeMode)));
  return ns;
}`;
function interopOnce(file: string): void {
  const text = readFileSync(file, 'latin1');
  const at = text.indexOf(TO_ESM);
  if (at < 0 || text.indexOf(TO_ESM, at + 1) >= 0)
    throw new Error(`${file}: esbuild's __toESM not found once`);
  const helper = `var __toESM = cloudsyncToESM;\nvar __toESMCopy = (mod, isNodeMode, target) =>`;
  writeFileSync(file, `${text.slice(0, at)}${helper}${text.slice(at + TO_ESM.length)}`, 'latin1');
}

rmSync(outdir, { recursive: true, force: true });
const metas: Metafile[] = [];
const cliFile = path.join(outdir, 'cli.cjs');
const cli = await build({
  ...common,
  entryPoints: [path.join(src, 'cli.js')],
  outfile: cliFile,
  plugins: [lazyBuiltins, externals, dynamicImports],
  banner: {
    // 'use strict' first (the sources are ES modules); the loader gives the module its `import()`.
    js: `'use strict';\nconst cloudsyncImport = module.cloudsyncImport ?? ((s) => import(s));\n${metaUrl}\n${TO_ESM_ONCE}`,
  },
});
metas.push(cli.metafile!);
asciiOnly(cliFile);
interopOnce(cliFile);
// `--version`: one small file, no commander, no engine.
const version = await build({
  ...common,
  entryPoints: [path.join(src, 'quick-version.js')],
  outfile: path.join(outdir, 'version.cjs'),
  banner: { js: metaUrl },
});
metas.push(version.metafile!);
const outputs = Object.assign({}, ...metas.map((m) => m.outputs)) as Metafile['outputs'];
writeFileSync(path.join(PROJECT_ROOT, 'dist', 'bundle-meta.json'), JSON.stringify({ outputs }));
