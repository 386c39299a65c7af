import { resolveHome } from '../config/home.js';
import { assertPrivateHome } from '../config/home-check.js';
import { PROFILE_NAME } from '../config/profile-name.js';
import { buildCommit, VERSION } from '../package-info.js';
import { colorAllowed, envFlag, loadColors } from '../ui/colors.js';
import { Output, type Streams } from '../ui/output.js';
import { renderPairs } from '../ui/table.js';

/** What `version --json` prints. */
export interface VersionInfo {
  version: string;
  commit: string | null;
  node: string;
  platform: string;
  arch: string;
  home: string;
}

/** What `runVersion` reads of the globals: the --home flag, the environment and the output. */
export interface VersionGlobals {
  homeFlag: string | undefined;
  rt: { env: NodeJS.ProcessEnv };
  out: Output;
}

/** `cloudsync version` (also `--version`): what runs, where, and which home it would use. */
export async function runVersion(g: VersionGlobals): Promise<number> {
  const info: VersionInfo = {
    version: VERSION,
    commit: buildCommit(),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    home: resolveHome(g.homeFlag, g.rt.env),
  };
  g.out.result(info, () =>
    renderPairs(g.out.color, [
      ['cloudsync', info.version],
      ['commit', info.commit ?? 'unknown'],
      ['node', info.node],
      ['platform', `${info.platform} ${info.arch}`],
      ['home', info.home],
    ]),
  );
  return 0;
}

/** The global flags `quickVersion` understands besides `--version`/`-V`; any other word takes the full CLI. */
const QUICK_FLAGS = new Set([
  '--version',
  '-V',
  '--json',
  '--no-color',
  '--no-log-file',
  '--no-pager',
  '-y',
  '--yes',
]);

/**
 * The flags of a command line that only asks for the version (`--version`, `-V`, with --json, --no-color,
 * --home <dir>, ...), or null when it asks anything else or names an option this path does not know.
 */
export function plainVersionFlags(
  args: readonly string[],
): { json: boolean; color: boolean; home?: string } | null {
  let home: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--home' && i + 1 < args.length && !args[i + 1]!.startsWith('-')) home = args[++i];
    else if (arg.startsWith('--home=') && arg.length > 7) home = arg.slice(7);
    else if (!QUICK_FLAGS.has(arg)) return null;
  }
  if (!args.includes('--version') && !args.includes('-V')) return null;
  return { json: args.includes('--json'), color: !args.includes('--no-color'), home };
}

/**
 * `cloudsync --version` without commander or any command file (issue 11: start-up): prints what the
 * `version` command prints and returns true; returns false, having printed nothing, when the line asks
 * anything else or the answer would be an error (an invalid profile name, a home that is not private), so
 * the full CLI runs it and reports that error the usual way.
 */
export async function quickVersion(
  args: readonly string[],
  rt: Streams & { env: NodeJS.ProcessEnv },
): Promise<boolean> {
  const flags = plainVersionFlags(args);
  if (!flags) return false;
  const profile = rt.env.CLOUDSYNC_PROFILE;
  if (profile && !PROFILE_NAME.test(profile)) return false;
  const homeFlag = flags.home;
  try {
    assertPrivateHome(resolveHome(homeFlag, rt.env));
  } catch {
    return false;
  }
  const mode = {
    json: flags.json,
    quiet: false,
    verbose: false,
    color: flags.color && colorAllowed(rt.env),
    forceColor: envFlag(rt.env.FORCE_COLOR),
  };
  await loadColors(mode, rt);
  await runVersion({ homeFlag, rt, out: new Output(mode, rt) });
  return true;
}
