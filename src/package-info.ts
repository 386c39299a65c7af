import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  version: string;
  homepage?: string;
  bugs?: { url?: string } | string;
}

/** The package root (dist/src/ → ../..), where package.json and, in a checkout, .git live. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** package.json, read once. */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson;

/** This cloudsync's version. */
export const VERSION = pkg.version;
/** Where to report bugs (package.json `bugs`). */
export const BUGS_URL =
  (typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url) ?? 'the cloudsync issue tracker';
/** The project's home page (package.json `homepage`). */
export const HOMEPAGE = pkg.homepage ?? BUGS_URL;

/**
 * The commit this build came from: `dist/src/build-info.json` (written by `npm pack`), else `git rev-parse`
 * in a checkout, else null. Only `version` asks, so no other command pays for the git call.
 */
export function buildCommit(): string | null {
  const info = new URL('./build-info.json', import.meta.url);
  try {
    const commit = (JSON.parse(readFileSync(info, 'utf8')) as { commit?: unknown }).commit;
    if (typeof commit === 'string') return commit;
  } catch {
    // not a packed build
  }
  if (!existsSync(new URL('../../.git', import.meta.url))) return null;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      timeout: 2000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}
