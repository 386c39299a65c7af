// Drive the CLI in a real pseudo-terminal: a detached tmux session on a private socket, keys in, screen out.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why tmux tests cannot run here, or undefined when tmux is installed. */
export async function tmuxMissing(): Promise<string | undefined> {
  try {
    await run('tmux', ['-V']);
    return undefined;
  } catch {
    return 'tmux is not installed (apt-get install -y tmux)';
  }
}

/** Quote for the shell tmux runs the command in. */
const sq = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

let sessions = 0;

/** One program running in a 120x40 tmux pane. Always `close()` it (it kills only its own tmux server). */
export class TmuxSession {
  /**
   * The server's socket, in the run's temp directory and removed by close(): `tmux -L` put it in
   * /tmp/tmux-<uid>/, where kill-server leaves it behind (one file per session, every run).
   */
  private readonly socket = path.join(tmpdir(), `cloudsync-tmux-${process.pid}-${++sessions}`);
  /** Everything seen on the screen at the last poll (scroll-back included). */
  screen = '';

  private tmux(...args: string[]): Promise<{ stdout: string }> {
    return run('tmux', ['-S', this.socket, ...args]);
  }

  /**
   * Start `argv` with `env` (CI and CLOUDSYNC_* from the runner removed, so the CLI sees a person at a
   * terminal). The pane stays after the program ends and shows `__EXIT__<code>`.
   */
  async start(argv: string[], env: Record<string, string>, cwd: string): Promise<void> {
    const assigns = Object.entries(env).map(([k, v]) => `${k}=${sq(v)}`);
    const cmd = `cd ${sq(cwd)} && env -u CI -u CLOUDSYNC_PROFILE ${assigns.join(' ')} ${argv.map(sq).join(' ')}; echo __EXIT__$?; sleep 600`;
    await this.tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '40', cmd);
  }

  /** Press keys by tmux name (`Enter`, `Down`, `Space`, `C-c`). */
  async keys(...names: string[]): Promise<void> {
    for (const k of names) await this.tmux('send-keys', '-t', 'main', k);
  }

  /** Type text literally (no Enter). */
  async text(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Type text literally, then Enter. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text);
    await this.keys('Enter');
  }

  /** The pane's text, scroll-back included, wrapped lines joined. */
  async capture(): Promise<string> {
    this.screen = (await this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main')).stdout;
    return this.screen;
  }

  /** Poll the screen until `pattern` shows (at most `timeoutMs`); fails with the screen in the message. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = (await this.capture()).match(pattern);
      if (m) return m;
      if (Date.now() > until)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; screen:\n${this.screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Kill this session's private tmux server (and the program in it). */
  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    await rm(this.socket, { force: true });
  }
}
