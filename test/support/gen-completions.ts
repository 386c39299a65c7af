// Regenerate completions/* from the commander program: `npm run build && node dist/test/support/gen-completions.js`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildProgram } from '../../src/cli.js';
import { processRuntime } from '../../src/commands/runtime.js';
import { COMPLETION_FILES, generateCompletion, SHELLS } from '../../src/ui/completions.js';
import { PROJECT_ROOT } from './cli.js';

/** Write every shell's script under completions/ and say which files changed. */
export async function writeCompletions(root = PROJECT_ROOT): Promise<string[]> {
  const program = buildProgram(processRuntime());
  const written: string[] = [];
  for (const shell of SHELLS) {
    const file = path.join(root, 'completions', COMPLETION_FILES[shell]);
    await writeFile(file, generateCompletion(program, shell));
    written.push(file);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  for (const f of await writeCompletions()) console.log(`wrote ${path.relative(PROJECT_ROOT, f)}`);
}
