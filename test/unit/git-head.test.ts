import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gitHead } from '../../src/package-info.js';

// `cloudsync --version` names the commit of a checkout by reading .git itself (no git process at start-up):
// it must agree with `git rev-parse HEAD` for a branch, a packed ref, a detached HEAD and a worktree.
describe('version: the commit read from .git', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cloudsync-githead-'));
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(dir, 'f'), 'x');
    git(dir, 'add', 'f');
    git(dir, 'commit', '-qm', 'one');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a branch (loose ref), then packed, then detached', () => {
    assert.equal(gitHead(path.join(dir, '.git')), git(dir, 'rev-parse', 'HEAD'));
    git(dir, 'pack-refs', '--all');
    assert.equal(gitHead(path.join(dir, '.git')), git(dir, 'rev-parse', 'HEAD'));
    git(dir, 'commit', '-qm', 'two', '--allow-empty');
    git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
    assert.equal(gitHead(path.join(dir, '.git')), git(dir, 'rev-parse', 'HEAD'));
  });

  it('a worktree (a .git file pointing at its git directory)', () => {
    git(dir, 'worktree', 'add', '-q', 'wt', '-b', 'side');
    git(path.join(dir, 'wt'), 'commit', '-qm', 'side', '--allow-empty');
    const want = git(path.join(dir, 'wt'), 'rev-parse', 'HEAD');
    assert.notEqual(want, git(dir, 'rev-parse', 'HEAD'));
    assert.equal(gitHead(path.join(dir, 'wt', '.git')), want);
  });

  it('nothing readable: null, never a throw', () => {
    assert.equal(gitHead(path.join(dir, 'missing')), null);
    writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/../../../etc/passwd\n');
    assert.equal(gitHead(path.join(dir, '.git')), null);
  });
});
