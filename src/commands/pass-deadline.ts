import { PassTimeoutError } from '../errors.js';

/**
 * `--timeout <s>` for passes: one AbortSignal per pass that fires when the time is up. The engine stops
 * after the actions in flight (as on SIGTERM) and the Alfresco connector aborts its requests in flight,
 * so the pass ends with its state consistent; it then fails with PassTimeoutError (exit 7).
 */
export class PassDeadline {
  private controller: AbortController | undefined;

  constructor(private readonly seconds: number | undefined) {}

  /** The signal of the pass running now, for connectors (read at every request). */
  readonly current = (): AbortSignal | undefined => this.controller?.signal;

  /** Run one pass under the deadline (or `seconds` for this one); `outer` (watch's stop signal) stops it too. */
  async run<T>(
    outer: AbortSignal | undefined,
    pass: (signal: AbortSignal | undefined) => Promise<T>,
    seconds = this.seconds,
  ): Promise<T> {
    if (seconds === undefined) return pass(outer);
    const controller = new AbortController();
    this.controller = controller;
    const timer = setTimeout(() => controller.abort(new PassTimeoutError(seconds)), seconds * 1000);
    const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
    try {
      const result = await pass(signal);
      if (controller.signal.aborted) throw controller.signal.reason as Error;
      return result;
    } catch (err) {
      if (controller.signal.aborted) throw controller.signal.reason as Error;
      throw err;
    } finally {
      clearTimeout(timer);
      this.controller = undefined;
    }
  }
}
