// Loader hooks for module-log.ts: each ES module (or CommonJS entry imported from one) as it loads.
import { appendFileSync } from 'node:fs';

type Load = (url: string, context: unknown) => Promise<unknown>;

/** Record the URL, then load as usual. */
export async function load(url: string, context: unknown, next: Load): Promise<unknown> {
  if (!url.startsWith('node:')) appendFileSync(process.env.CLOUDSYNC_MODULE_LOG!, `${url}\n`);
  return next(url, context);
}
