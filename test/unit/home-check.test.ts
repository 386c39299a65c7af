import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertPrivateHome } from '../../src/config/home-check.js';
import { CloudsyncError } from '../../src/errors.js';

/** The refusal's message and hint, or null when the home is accepted. */
function verdict(home: string, uid?: number): string | null {
  try {
    assertPrivateHome(home, uid);
    return null;
  } catch (err) {
    assert.ok(err instanceof CloudsyncError && err.code === 'HOME_NOT_PRIVATE' && err.exitCode === 2);
    return `${err.message} | ${err.hint}`;
  }
}

describe('home privacy (ssh StrictModes rules)', () => {
  let base: string;
  const me = os.userInfo().uid;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsync-homecheck-'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts a private home and a home still to be created in a private folder', () => {
    fs.mkdirSync(path.join(base, 'home'), { mode: 0o700 });
    assert.equal(verdict(path.join(base, 'home'), me), null);
    assert.equal(verdict(path.join(base, 'not', 'yet'), me), null);
  });

  it('refuses a home, or the folder it will be created in, that is group- or world-writable', () => {
    const home = path.join(base, 'home');
    fs.mkdirSync(home);
    fs.chmodSync(home, 0o770);
    assert.match(verdict(home, me) ?? '', /writable by its group \(mode 0770\).*chmod 700/);
    fs.chmodSync(home, 0o1777); // sticky is fine above the home, never as the home
    assert.match(verdict(home, me) ?? '', /writable by every user/);
    fs.chmodSync(home, 0o700);
    fs.chmodSync(base, 0o777);
    assert.match(verdict(path.join(base, 'new-home'), me) ?? '', /chmod go-w/);
  });

  it('refuses a home owned by someone else (root-owned folders are accepted for everyone, as by ssh)', () => {
    const home = path.join(base, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    if (me === 0) {
      fs.chownSync(home, 65534, 65534);
      assert.match(verdict(home, 0) ?? '', /is owned by uid 65534.*chown/);
    } else assert.match(verdict(home, me + 1) ?? '', /is owned by uid/);
  });

  it('checks where a symlinked home really lives', () => {
    const open = path.join(base, 'open');
    fs.mkdirSync(path.join(open, 'home'), { recursive: true, mode: 0o700 });
    fs.chmodSync(open, 0o777); // not sticky: anyone may replace what is inside
    fs.symlinkSync(path.join(open, 'home'), path.join(base, 'link'));
    assert.match(verdict(path.join(base, 'link'), me) ?? '', new RegExp(`${open} is writable by every user`));
  });
});
