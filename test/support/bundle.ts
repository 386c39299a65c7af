// `npm run build`, after tsc: bundle the CLI for start-up (issue 11). esbuild joins tsc's output into
// dist/bundle/: cli.js, the whole CLI as ES modules split at its lazy imports (each command, the engine, the
// Alfresco connector...: a run loads a handful of files instead of ~90), and version.cjs, `--version` alone
// as one CommonJS file (no ES module loader, no commander). bin/cloudsync.js runs them when they are at
// least as new as tsc's output. dist/bundle-meta.json (esbuild's metafiles, not shipped) names the sources
// in each bundle file: the start-up test maps the files a run loaded back to sources with it.
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './cli.js';

/**
 * Packages bundled in: the ones every script run loads (commander; env-paths for the home). picomatch is
 * listed but `require`d at run time only for a set with excludes of its own (engine/excludes.ts). The others stay in node_modules, imported when a command needs them (got, openid-client,
 * @stomp/*, inquirer, ora, chalk, and cli-table3 and yaml, which are `require`d at run time).
 */
const BUNDLED = new Set(['commander', 'env-paths', 'picomatch']);

/** A bare import's package name (`@scope/name` or `name`). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Leaves every package outside BUNDLED (and every Node built-in) to be imported at run time. */
const externals: Plugin = {
  name: 'cloudsync-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('node:') || !BUNDLED.has(packageName(args.path))
        ? { path: args.path, external: true }
        : undefined,
    );
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
  logLevel: 'warning',
  metafile: true,
  plugins: [externals],
  // package-info.ts reads these instead of package.json: the version is known without opening a file.
  define: {
    __CLOUDSYNC_PACKAGE_JSON__: JSON.stringify(
      JSON.stringify({ version: pkg.version, homepage: pkg.homepage, bugs: pkg.bugs }),
    ),
  },
};

rmSync(outdir, { recursive: true, force: true });
const metas: Metafile[] = [];
// The CLI: ES modules, one chunk per lazily imported piece. The bundled CommonJS packages (commander,
// picomatch) `require` Node built-ins, so each file gets a `require` of its own.
const cli = await build({
  ...common,
  entryPoints: [path.join(src, 'cli.js')],
  outdir,
  splitting: true,
  format: 'esm',
  banner: {
    js: "import { createRequire as cloudsyncCreateRequire } from 'node:module';\nconst require = cloudsyncCreateRequire(import.meta.url);",
  },
});
metas.push(cli.metafile!);
// `--version`: CommonJS, where `import.meta.url` (package-info.ts, table.ts) is this file's URL.
const version = await build({
  ...common,
  entryPoints: [path.join(src, 'quick-version.js')],
  outfile: path.join(outdir, 'version.cjs'),
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': 'cloudsyncMetaUrl' },
  banner: { js: "const cloudsyncMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
metas.push(version.metafile!);
const outputs = Object.assign({}, ...metas.map((m) => m.outputs)) as Metafile['outputs'];
writeFileSync(path.join(PROJECT_ROOT, 'dist', 'bundle-meta.json'), JSON.stringify({ outputs }));
