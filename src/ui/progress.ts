import type { Ora } from 'ora';

/** ora is loaded only when a terminal will show it: scripts and CI never pay for it. */
let oraModule: Promise<typeof import('ora')> | undefined;
import type { EngineEvent } from '../engine/types.js';
import { formatBytes, formatDuration } from './format.js';
import type { Output } from './output.js';

/** Counters behind the progress line, kept apart from drawing so they are easy to reason about. */
export interface TransferTally {
  actionsDone: number;
  actionsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  startedAt: number;
}

/** "12/40 files, 3.1 MB/8.0 MB, 1.2 MB/s, ETA 4 s" (rate and ETA only once something has moved). */
export function formatProgressLine(t: TransferTally, nowMs: number): string {
  const parts = [`${t.actionsDone}/${t.actionsTotal} files`];
  if (t.bytesTotal > 0) parts.push(`${formatBytes(t.bytesDone)}/${formatBytes(t.bytesTotal)}`);
  const elapsed = (nowMs - t.startedAt) / 1000;
  if (t.bytesDone > 0 && elapsed > 0.2) {
    const rate = t.bytesDone / elapsed;
    parts.push(`${formatBytes(rate)}/s`);
    if (t.bytesTotal > t.bytesDone) parts.push(`ETA ${formatDuration((t.bytesTotal - t.bytesDone) / rate)}`);
  }
  return parts.join(', ');
}

/** Spinner plus progress line on stderr, fed by EngineEvents; does nothing at all unless `out.live`. */
export class Progress {
  private spinner: Ora | null = null;
  private tally: TransferTally = {
    actionsDone: 0,
    actionsTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    startedAt: 0,
  };

  constructor(
    private readonly out: Output,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Show a spinner with `text` (a wait of unknown length: login, listing). */
  start(text: string): void {
    if (!this.out.live) return;
    this.text = text;
    if (this.spinner) {
      this.spinner.text = text;
      return;
    }
    if (this.loading) return;
    this.loading = true;
    void (oraModule ??= import('ora')).then(({ default: ora }) => {
      this.loading = false;
      if (this.stopped) return;
      this.spinner = ora({ text: this.text, stream: this.out.streams.stderr, discardStdin: false }).start();
    });
  }

  private text = '';
  private loading = false;
  private stopped = false;

  /** Feed one engine event. */
  onEvent(e: EngineEvent): void {
    if (!this.out.live) return;
    switch (e.event) {
      case 'pass-start':
        this.tally = {
          actionsDone: 0,
          actionsTotal: 0,
          bytesDone: 0,
          bytesTotal: 0,
          startedAt: this.clock(),
        };
        this.stopped = false;
        this.start('comparing both sides…');
        return;
      case 'plan':
        this.tally.actionsTotal += e.actions;
        this.tally.bytesTotal += e.bytes;
        break;
      case 'action-done':
        this.tally.actionsDone += 1;
        this.tally.bytesDone += e.bytes;
        break;
      case 'action-failed':
        this.tally.actionsDone += 1;
        break;
      case 'pass-end':
        this.stop();
        return;
      default:
        return;
    }
    this.start(formatProgressLine(this.tally, this.clock()));
  }

  /** Write a line above the spinner without tearing it. */
  log(write: () => void): void {
    if (!this.spinner) return write();
    this.spinner.clear();
    write();
    this.spinner.render();
  }

  /** Remove the spinner (always call before printing the result). */
  stop(): void {
    this.stopped = true;
    this.spinner?.stop();
    this.spinner = null;
  }
}
