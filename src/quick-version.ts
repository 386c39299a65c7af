import { quickVersion } from './commands/version-info.js';

/**
 * `cloudsync --version` before commander or any command file loads (issue 11: start-up). bin/cloudsync.js
 * calls this first when the line names `--version`/`-V`; built also as one small CommonJS file
 * (dist/bundle/version.cjs), so that answer needs neither Node's ES module loader nor the CLI's bundle.
 * Returns false, having printed nothing, when the line asks anything else or would end in an error: the
 * full CLI (cli.ts) then runs it.
 */
export async function answerVersion(argv: readonly string[]): Promise<boolean> {
  // As cli.ts does: `cloudsync --version | head -c0` ends quietly on a closed stdout.
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  };
  process.stdout.on('error', onError);
  const rt = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
  if (await quickVersion(argv.slice(2), rt)) return true;
  process.stdout.off('error', onError);
  return false;
}
