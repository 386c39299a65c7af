import os from 'node:os';
import path from 'node:path';

/**
 * `<home>` for this run: the --home flag, else CLOUDSYNC_HOME, else the platform config directory `conf`
 * would pick for projectName 'cloudsync' (env-paths with the '-nodejs' suffix). Computed, never created:
 * asking where home is must not write anything.
 */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.CLOUDSYNC_HOME) return path.resolve(env.CLOUDSYNC_HOME);
  return platformConfigDir('cloudsync-nodejs', env);
}

/** env-paths' `config` directory, the one conf uses by default. */
function platformConfigDir(name: string, env: NodeJS.ProcessEnv): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Preferences', name);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), name, 'Config');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), name);
  }
}
