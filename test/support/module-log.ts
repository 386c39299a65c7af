// `node --import <this file>`: record every module the process loads (ES modules through a loader hook,
// CommonJS ones from the require cache at exit), one file URL or path a line, in $CLOUDSYNC_MODULE_LOG.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.CLOUDSYNC_MODULE_LOG;
if (log) {
  register(new URL('./module-log-hooks.js', import.meta.url));
  process.on('exit', () => {
    const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
    appendFileSync(
      log,
      Object.keys(cache)
        .map((f) => `${f}\n`)
        .join(''),
    );
  });
}
