// Regenerate completions/* and man/cloudsync.1 from the commander program: `npm run completions`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildProgram } from '../../src/cli.js';
import { processRuntime } from '../../src/commands/runtime.js';
import { BUGS_URL, HOMEPAGE, VERSION } from '../../src/package-info.js';
import { COMPLETION_FILES, generateCompletion, SHELLS } from '../../src/ui/completions.js';
import { generateManPage } from '../../src/ui/man-page.js';
import { PROJECT_ROOT } from './cli.js';

/** The shipped man page, relative to the project root (package.json `man`). */
export const MAN_PAGE = path.join('man', 'cloudsync.1');

/** The man page as the program generates it now. */
export async function currentManPage(): Promise<string> {
  return generateManPage(await buildProgram(processRuntime()), {
    version: VERSION,
    bugsUrl: BUGS_URL,
    homepage: HOMEPAGE,
  });
}

/** Write every shell's script under completions/ and the man page, and say which files were written. */
export async function writeCompletions(root = PROJECT_ROOT): Promise<string[]> {
  const program = await buildProgram(processRuntime());
  const written: string[] = [];
  for (const shell of SHELLS) {
    const file = path.join(root, 'completions', COMPLETION_FILES[shell]);
    await writeFile(file, generateCompletion(program, shell));
    written.push(file);
  }
  const man = path.join(root, MAN_PAGE);
  await writeFile(man, await currentManPage());
  written.push(man);
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  for (const f of await writeCompletions()) console.log(`wrote ${path.relative(PROJECT_ROOT, f)}`);
}
