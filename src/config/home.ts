import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';

/**
 * `<home>` for this run: the --home flag, else CLOUDSYNC_HOME, else the platform config directory `conf`
 * would pick for projectName 'cloudsync' (env-paths with the '-nodejs' suffix: XDG rules on Linux, where an
 * empty XDG_CONFIG_HOME counts as unset). Empty values count as unset. Computed, never created: asking where
 * home is must not write anything. env-paths reads the process environment itself. A relative
 * XDG_CONFIG_HOME is invalid by the XDG spec and ignored (else home would depend on the current directory).
 */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.CLOUDSYNC_HOME) return path.resolve(env.CLOUDSYNC_HOME);
  const config = envPaths('cloudsync', { suffix: 'nodejs' }).config;
  return path.isAbsolute(config) ? config : path.join(os.homedir(), '.config', 'cloudsync-nodejs');
}
