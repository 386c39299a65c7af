// `node --import <this file>`: record every module the process loads (ES modules through a loader hook,
// CommonJS ones from the require cache at exit), one file URL or path a line, in $CLOUDSYNC_MODULE_LOG, then
// Node's own modules it loaded as `builtin:<name>` lines, and those first loaded after the process first
// changed V8's flags (v8.setFlagsFromString: Node's code cache of a built-in is refused from then on) as
// `builtin-after-flags:<name>` lines.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import v8 from 'node:v8';

const log = process.env.CLOUDSYNC_MODULE_LOG;
if (log) {
  register(new URL('./module-log-hooks.js', import.meta.url));
  const loadList = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
  let loadedBeforeFlags = -1;
  const setFlags = v8.setFlagsFromString.bind(v8);
  v8.setFlagsFromString = (flags: string) => {
    if (loadedBeforeFlags < 0) loadedBeforeFlags = loadList.length;
    setFlags(flags);
  };
  process.on('exit', () => {
    const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
    const builtinsOf = (list: string[], prefix: string) =>
      list
        .filter((m) => m.startsWith('NativeModule '))
        .map((m) => `${prefix}:${m.slice('NativeModule '.length)}`);
    const lines = [
      ...Object.keys(cache),
      ...builtinsOf(loadList, 'builtin'),
      ...(loadedBeforeFlags < 0 ? [] : builtinsOf(loadList.slice(loadedBeforeFlags), 'builtin-after-flags')),
    ];
    appendFileSync(log, lines.map((f) => `${f}\n`).join(''));
  });
}
