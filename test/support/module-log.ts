// `node --import <this file>`: record every module the process loads (ES modules through a loader hook,
// CommonJS ones from the require cache at exit), one file URL or path a line, in $CLOUDSYNC_MODULE_LOG, then
// Node's own modules it loaded as `builtin:<name>` lines.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.CLOUDSYNC_MODULE_LOG;
if (log) {
  register(new URL('./module-log-hooks.js', import.meta.url));
  process.on('exit', () => {
    const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
    const builtins = (process as unknown as { moduleLoadList: string[] }).moduleLoadList
      .filter((m) => m.startsWith('NativeModule '))
      .map((m) => `builtin:${m.slice('NativeModule '.length)}`);
    appendFileSync(log, [...Object.keys(cache), ...builtins].map((f) => `${f}\n`).join(''));
  });
}
