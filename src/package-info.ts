import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  version: string;
  homepage?: string;
  bugs?: { url?: string } | string;
}

/** The package root (dist/src/ or dist/bundle/ → ../..), where package.json and, in a checkout, .git live. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** package.json's fields as JSON text, baked in by the bundler (test/support/bundle.ts); undefined in tsc's output. */
declare const __CLOUDSYNC_PACKAGE_JSON__: string | undefined;

/** package.json: as baked into the bundle, else read once (dist/src and dist/bundle both sit two below it). */
const pkg = JSON.parse(
  typeof __CLOUDSYNC_PACKAGE_JSON__ === 'undefined'
    ? readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    : __CLOUDSYNC_PACKAGE_JSON__,
) as PackageJson;

/** This cloudsync's version. */
export const VERSION = pkg.version;
/** Where to report bugs (package.json `bugs`). */
export const BUGS_URL =
  (typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url) ?? 'the cloudsync issue tracker';
/** The project's home page (package.json `homepage`). */
export const HOMEPAGE = pkg.homepage ?? BUGS_URL;

/**
 * The commit this build came from: `dist/build-info.json` (written by `npm pack`), else the checkout's
 * HEAD read from `.git` (no `git` process: `--version` stays a start-up-only command), else null.
 */
export function buildCommit(): string | null {
  const info = new URL('../build-info.json', import.meta.url);
  try {
    const commit = (JSON.parse(readFileSync(info, 'utf8')) as { commit?: unknown }).commit;
    if (typeof commit === 'string') return commit;
  } catch {
    // not a packed build
  }
  return gitHead(path.join(PACKAGE_ROOT, '.git'));
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The commit HEAD names in a git directory (`.git`, or the `gitdir:` a worktree's `.git` file points to):
 * a detached HEAD, a loose ref, or a packed one. Null when it cannot be read.
 */
export function gitHead(dotGit: string): string | null {
  try {
    let gitDir = dotGit;
    if (!statSync(dotGit).isDirectory()) {
      const link = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!link) return null;
      gitDir = path.resolve(path.dirname(dotGit), link[1]!.trim());
    }
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (SHA.test(head)) return head;
    const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
    if (!ref || ref.split('/').includes('..')) return null;
    // A worktree keeps its HEAD; its refs live in the common directory.
    let common = gitDir;
    try {
      common = path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim());
    } catch {
      // not a worktree
    }
    for (const dir of new Set([gitDir, common])) {
      try {
        const sha = readFileSync(path.join(dir, ref), 'utf8').trim();
        if (SHA.test(sha)) return sha;
      } catch {
        // not a loose ref here
      }
    }
    const packed = readFileSync(path.join(common, 'packed-refs'), 'utf8');
    for (const line of packed.split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha && SHA.test(sha)) return sha;
    }
    return null;
  } catch {
    return null;
  }
}
