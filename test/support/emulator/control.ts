// Out-of-band control endpoints under /__emulator/ (not part of the ACS API, never faulted, no auth):
// lets a person or a test driving the CLI emulator change faults and inspect traffic over HTTP.
import type http from 'node:http';
import type { FaultOptions } from './faults.js';
import type { ServerDeps } from './server.js';

function reply(res: http.ServerResponse, status: number, body?: unknown): void {
  const buf = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  res.writeHead(status, buf ? { 'Content-Type': 'application/json', 'Content-Length': buf.length } : {});
  res.end(buf);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * GET /__emulator/status → {faults, faultOptions, requests};
 * PUT /__emulator/faults {rate,kinds,seed,…} (or null to disable); POST /__emulator/expire-tickets;
 * GET /__emulator/requests; DELETE /__emulator/requests.
 */
export async function handleControl(
  deps: ServerDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const key = `${req.method} ${url.pathname}`;
  try {
    switch (key) {
      case 'GET /__emulator/status':
        return reply(res, 200, {
          faults: deps.faults.counts,
          faultOptions: deps.faults.options ?? null,
          requests: deps.log.length,
        });
      case 'PUT /__emulator/faults': {
        const text = await readBody(req);
        deps.faults.configure(
          text.trim() ? ((JSON.parse(text) as FaultOptions | null) ?? undefined) : undefined,
        );
        return reply(res, 204);
      }
      case 'POST /__emulator/expire-tickets':
        deps.core.directory.expireAll();
        return reply(res, 204);
      case 'GET /__emulator/requests':
        return reply(res, 200, deps.log);
      case 'DELETE /__emulator/requests':
        deps.log.length = 0;
        return reply(res, 204);
      default:
        return reply(res, 404, { error: `unknown control endpoint ${key}` });
    }
  } catch (e) {
    reply(res, 400, { error: (e as Error).message });
  }
}
