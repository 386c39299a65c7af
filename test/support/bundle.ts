// `npm run build`, after tsc: bundle the CLI for start-up (issue 11). esbuild joins tsc's output into
// dist/bundle/: cli.cjs, the whole CLI as one CommonJS file; vendor.cjs, the Alfresco side's ES-module-only
// packages (read only when that connector loads); version.cjs, `--version` alone (no commander).
// bin/cloudsync.js runs them when they are at least as new as tsc's output, cli.cjs through V8's code cache
// (bin/code-cache.js): one file read and no compilation of what earlier runs compiled, where an ES module
// (Node 20 has no code cache for those) costs a resolution, a parse and a compile per file on every run.
// dist/bundle-meta.json (esbuild's metafiles, not shipped) names the sources in each bundle file: the
// start-up test maps what a run loaded back to sources with it.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  asciiOnly,
  dynamicImports,
  externals,
  interopOnce,
  lazyBuiltins,
  TO_ESM_ONCE,
  VENDOR_ENTRY,
  vendorImports,
} from './bundle-plugins.js';
import { PROJECT_ROOT } from './cli.js';

const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<
  string,
  unknown
>;
const src = path.join(PROJECT_ROOT, 'dist', 'src');
const finalDir = path.join(PROJECT_ROOT, 'dist', 'bundle');
// Built beside dist/bundle and renamed into it file by file at the end: a suite running from this checkout
// while another build runs (`npm run test:quick` beside `npm test`) never finds a bundle file missing or
// half written. The code cache of the old cli.cjs stays: its header names the file it was made from
// (size, mtime, inode), so it is refused and made again.
const outdir = path.join(PROJECT_ROOT, 'dist', `bundle.next-${process.pid}`);
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

rmSync(outdir, { recursive: true, force: true });
try {
  await bundleInto();
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

async function bundleInto(): Promise<void> {
  const metas: Metafile[] = [];
  const cliFile = path.join(outdir, 'cli.cjs');
  const cli = await build({
    ...common,
    entryPoints: [path.join(src, 'cli.js')],
    outfile: cliFile,
    plugins: [lazyBuiltins, vendorImports, externals, dynamicImports],
    banner: {
      // 'use strict' first (the sources are ES modules); the loader gives the module its `import()`.
      js: `'use strict';\nconst cloudsyncImport = module.cloudsyncImport ?? ((s) => import(s));\n${metaUrl}\n${TO_ESM_ONCE}`,
    },
  });
  metas.push(cli.metafile!);
  asciiOnly(cliFile);
  interopOnce(cliFile);
  // The Alfresco side's packages, everything they import included (no plugin: nothing of theirs is external
  // but Node's built-ins).
  const vendorFile = path.join(outdir, 'vendor.cjs');
  const vendor = await build({
    ...common,
    stdin: { contents: VENDOR_ENTRY, resolveDir: PROJECT_ROOT, sourcefile: 'vendor-entry.js' },
    outfile: vendorFile,
    plugins: [],
    banner: { js: metaUrl },
  });
  metas.push(vendor.metafile!);
  asciiOnly(vendorFile);
  // `--version`: one small file, no commander, no engine.
  const version = await build({
    ...common,
    entryPoints: [path.join(src, 'quick-version.js')],
    outfile: path.join(outdir, 'version.cjs'),
    banner: { js: metaUrl },
  });
  metas.push(version.metafile!);
  const built = Object.assign({}, ...metas.map((m) => m.outputs)) as Metafile['outputs'];
  // esbuild names outputs by where they were written: name them by where they end up.
  const from = path.relative(PROJECT_ROOT, outdir).split(path.sep).join('/');
  const to = path.relative(PROJECT_ROOT, finalDir).split(path.sep).join('/');
  const outputs = Object.fromEntries(
    Object.entries(built).map(([file, out]) => [file.replace(from, to), out]),
  );
  mkdirSync(finalDir, { recursive: true });
  for (const name of readdirSync(outdir)) renameSync(path.join(outdir, name), path.join(finalDir, name));
  writeFileSync(path.join(PROJECT_ROOT, 'dist', 'bundle-meta.json'), JSON.stringify({ outputs }));
}
