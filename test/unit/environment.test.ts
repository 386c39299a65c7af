import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ENVIRONMENT } from '../../src/ui/environment.js';
import { PROJECT_ROOT } from '../support/cli.js';

/** Every .ts file under `dir`. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The environment variables a source file reads: literal names, `env.X`, and `${prefix}X` per side. */
function variablesRead(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b(CLOUDSYNC_[A-Z][A-Z_]*[A-Z])\b(?!\$)/g)) found.add(m[1]!);
  for (const m of text.matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z_]*[A-Z])\b/g)) found.add(m[1]!);
  for (const m of text.matchAll(/\bget\('([A-Z][A-Z_]*[A-Z])'\)/g)) found.add(m[1]!);
  for (const p of text.matchAll(/const (\w+) = `CLOUDSYNC_\$\{side\.toUpperCase\(\)\}_([A-Z_]*)`/g)) {
    for (const use of text.matchAll(new RegExp(`\\$\\{${p[1]}\\}([A-Z][A-Z_]*)`, 'g')))
      for (const side of ['ONPREM', 'CLOUD']) found.add(`CLOUDSYNC_${side}_${p[2]}${use[1]}`);
  }
  return [...found];
}

describe('environment variables: one list for --help, the man page and the README', () => {
  const listed = ENVIRONMENT.flatMap((e) => e.name.split(/,\s*/));

  it('every variable the code reads is listed', async () => {
    const read = new Set<string>();
    for (const file of await sources(path.join(PROJECT_ROOT, 'src')))
      for (const v of variablesRead(await readFile(file, 'utf8'))) read.add(v);
    assert.ok(read.has('CLOUDSYNC_CLOUD_BROKER_PASSWORD') && read.has('NO_COLOR'), [...read].join(' '));
    const missing = [...read].filter((v) => !listed.includes(v));
    assert.deepEqual(missing, [], 'read by the code but missing from src/ui/environment.ts');
  });

  it('the README section "Environment variables" documents every listed one', async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Environment variables');
    assert.ok(start >= 0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const missing = listed.filter((v) => !section.includes(`\`${v}\``));
    assert.deepEqual(missing, [], 'listed but not in the README section');
  });
});
