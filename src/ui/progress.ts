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

/** An ETA is shown only when it means something: after a few seconds of transfer, and when it is not trivial. */
const ETA_AFTER_S = 3;
const ETA_MIN_S = 2;

/**
 * "12/40 files, 3.1 MB/8.0 MB, 1.2 MB/s, ETA 4 s". `bytesDone` counts bytes as they move (in-flight files
 * included), so a large file shows its progress; rate once something moved, ETA only when meaningful.
 */
export function formatProgressLine(t: TransferTally, nowMs: number): string {
  const parts = [`${t.actionsDone}/${t.actionsTotal} files`];
  const done = Math.min(t.bytesDone, t.bytesTotal || t.bytesDone);
  if (t.bytesTotal > 0) parts.push(`${formatBytes(done)}/${formatBytes(t.bytesTotal)}`);
  const elapsed = (nowMs - t.startedAt) / 1000;
  if (done > 0 && elapsed > 0.5) {
    const rate = done / elapsed;
    parts.push(`${formatBytes(rate)}/s`);
    const eta = (t.bytesTotal - done) / rate;
    if (elapsed >= ETA_AFTER_S && eta >= ETA_MIN_S) parts.push(`ETA ${formatDuration(eta)}`);
  }
  return parts.join(', ');
}

/**
 * Count one engine event into the tally; false when the event does not move the counters. Bytes of a file
 * still moving are counted as they arrive (`inFlight`), then replaced by its final size when it is done.
 */
export function tallyEvent(t: TransferTally, inFlight: Map<string, number>, e: EngineEvent): boolean {
  switch (e.event) {
    case 'plan':
      t.actionsTotal += e.actions;
      t.bytesTotal += e.bytes;
      return true;
    case 'bytes':
      inFlight.set(e.member, (inFlight.get(e.member) ?? 0) + e.bytes);
      t.bytesDone += e.bytes;
      return true;
    case 'action-done':
      t.bytesDone += e.bytes - (inFlight.get(e.action.member) ?? 0);
      inFlight.delete(e.action.member);
      t.actionsDone += 1;
      return true;
    case 'action-failed':
      t.bytesDone -= inFlight.get(e.action.member) ?? 0;
      inFlight.delete(e.action.member);
      t.actionsDone += 1;
      return true;
    default:
      return false;
  }
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
  /** Bytes already counted for each file still moving (by member key). */
  private readonly inFlight = new Map<string, number>();
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
      case 'pass-end':
        this.stop();
        return;
      default:
        if (!tallyEvent(this.tally, this.inFlight, e)) return;
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
