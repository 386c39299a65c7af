// Alfresco side of the benchmark, against the project's in-process ACS emulator on loopback: upload
// throughput of the initial pass with --transfers 1, 4 and 8 (local onprem folder → alfresco cloud site),
// then the HTTP requests one no-change pass makes (target: at most one listing per folder plus a constant,
// and no content downloads).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../support/emulator/index.js';
import { cloudsyncCmd, cloudsyncEnv, countActions } from './tools.js';
import { BIN, excerpt, fmtBytes, fmtSec, measure, run } from './util.js';

export interface AlfrescoTransferRun {
  transfers: number;
  ok: boolean;
  error?: string;
  wallMs: number;
  maxRssKb: number | null;
  filesPerSec: number;
  mbPerSec: number;
  uploads: number;
  requests: number;
}

export interface AlfrescoNoChange {
  transfers: number;
  ok: boolean;
  error?: string;
  wallMs: number;
  requests: number;
  listings: number;
  contentDownloads: number;
  byRoute: Record<string, number>;
  actions?: Record<string, number>;
}

export interface AlfrescoResult {
  files: number;
  folders: number;
  bytes: number;
  transfers: AlfrescoTransferRun[];
  noChange: AlfrescoNoChange[];
  error?: string;
}

/** Route with ids replaced, e.g. `GET /nodes/{id}/children`. */
function routeKey(method: string, route: string, p: string): string {
  const r = (route || p.replace(/\?.*$/, '')).replace(
    /\/(nodes|sites|people|versions|deleted-nodes|members|containers)\/([^/]+)/g,
    '/$1/{id}',
  );
  return `${method} ${r}`;
}

export async function benchAlfresco(opts: {
  workDir: string;
  pristineTree: string;
  files: number;
  folders: number;
  bytes: number;
  transfers: number[];
  timeoutMs: number;
  log: (s: string) => void;
}): Promise<AlfrescoResult> {
  const result: AlfrescoResult = {
    files: opts.files,
    folders: opts.folders,
    bytes: opts.bytes,
    transfers: [],
    noChange: [],
  };
  const emu = await startEmulator({});
  try {
    emu.createSite('bench');
    for (const t of opts.transfers) {
      const root = path.join(opts.workDir, `alfresco-t${t}`);
      const a = path.join(root, 'a');
      const home = path.join(root, 'home');
      await fsp.mkdir(a, { recursive: true });
      await run('cp', ['-a', opts.pristineTree, path.join(a, 'tree')], { timeoutMs: 1_800_000 });
      emu.mkdir('bench', `t${t}`);
      try {
        await cloudsyncCmd(home, ['login', 'onprem', a]);
        await cloudsyncCmd(home, ['login', 'cloud', emu.url, '--username', 'admin'], {
          CLOUDSYNC_CLOUD_PASSWORD: 'admin',
        });
        await cloudsyncCmd(home, ['create', 'tree', '--target', `bench/t${t}`, '--no-sync', '--json']);
      } catch (e) {
        const msg = (e as Error).message;
        result.transfers.push({
          transfers: t,
          ok: false,
          error: msg,
          wallMs: NaN,
          maxRssKb: null,
          filesPerSec: NaN,
          mbPerSec: NaN,
          uploads: 0,
          requests: 0,
        });
        opts.log(`alfresco t=${t}: setup failed: ${msg}`);
        continue;
      }
      emu.resetRequestLog();
      const m = await measure(process.execPath, [BIN, 'sync', '--transfers', String(t), '--json'], {
        env: cloudsyncEnv(home),
        timeoutMs: opts.timeoutMs,
      });
      const log = [...emu.requestLog];
      const uploads = log.filter(
        (r) => r.method === 'POST' && /\/children$/.test(r.route) && r.status < 300,
      ).length;
      const ok = m.code === 0 && !m.timedOut;
      const run1: AlfrescoTransferRun = {
        transfers: t,
        ok,
        error: ok ? undefined : `cloudsync sync --transfers ${t} --json (alfresco): ${excerpt(m)}`,
        wallMs: m.wallMs,
        maxRssKb: m.maxRssKb,
        filesPerSec: opts.files / (m.wallMs / 1000),
        mbPerSec: opts.bytes / 1024 / 1024 / (m.wallMs / 1000),
        uploads,
        requests: log.length,
      };
      result.transfers.push(run1);
      opts.log(
        `alfresco initial --transfers ${t}: ${fmtSec(m.wallMs)} s, ${run1.mbPerSec.toFixed(1)} MiB/s, ${uploads} uploads, ${log.length} requests${ok ? '' : ' FAILED'}`,
      );
      if (!ok) continue;
      // No-change pass: count requests.
      emu.resetRequestLog();
      const n = await measure(process.execPath, [BIN, 'sync', '--json'], {
        env: cloudsyncEnv(home),
        timeoutMs: opts.timeoutMs,
      });
      const nlog = [...emu.requestLog];
      const byRoute: Record<string, number> = {};
      for (const r of nlog) {
        const k = routeKey(r.method, r.route, r.path);
        byRoute[k] = (byRoute[k] ?? 0) + 1;
      }
      const nok = n.code === 0 && !n.timedOut;
      const nc: AlfrescoNoChange = {
        transfers: t,
        ok: nok,
        error: nok ? undefined : `cloudsync sync --json (alfresco no-change): ${excerpt(n)}`,
        wallMs: n.wallMs,
        requests: nlog.length,
        listings: nlog.filter((r) => r.method === 'GET' && /\/children$/.test(r.route)).length,
        contentDownloads: nlog.filter((r) => r.method === 'GET' && /\/content$/.test(r.route)).length,
        byRoute,
        actions: countActions(n.stdout),
      };
      result.noChange.push(nc);
      opts.log(
        `alfresco no-change: ${nlog.length} requests (${nc.listings} listings for ${opts.folders} folders, ${nc.contentDownloads} downloads), ${fmtSec(n.wallMs)} s`,
      );
    }
  } catch (e) {
    result.error = (e as Error).stack ?? String(e);
  } finally {
    await emu.close();
  }
  return result;
}

export function alfrescoMarkdown(r: AlfrescoResult): string {
  const lines: string[] = [];
  lines.push(
    `Local onprem folder → Alfresco (in-process emulator on 127.0.0.1): ${r.files} files, ${r.folders} folders, ${fmtBytes(r.bytes)}.`,
    '',
  );
  if (r.error) lines.push(`Harness error: \`${r.error.split('\n')[0]}\``, '');
  lines.push(
    '| initial pass | wall s | files/s | MiB/s | uploads | HTTP requests | peak RSS | ok |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const t of r.transfers) {
    lines.push(
      `| --transfers ${t.transfers} | ${fmtSec(t.wallMs)} | ${t.filesPerSec.toFixed(0)} | ${t.mbPerSec.toFixed(1)} | ${t.uploads} | ${t.requests} | ${t.maxRssKb ? (t.maxRssKb / 1024).toFixed(0) + ' MiB' : 'n/a'} | ${t.ok ? 'yes' : 'NO'} |`,
    );
  }
  if (r.noChange.length) {
    lines.push(
      '',
      '| no-change pass (after) | wall s | requests | listings (`GET /nodes/{id}/children`) | folders on the cloud side | content downloads | ok |',
      '|---|---:|---:|---:|---:|---:|---|',
    );
    for (const n of r.noChange) {
      lines.push(
        `| after --transfers ${n.transfers} | ${fmtSec(n.wallMs)} | ${n.requests} | ${n.listings} | ${r.folders} | ${n.contentDownloads} | ${n.ok ? 'yes' : 'NO'} |`,
      );
    }
    const first = r.noChange[0]!;
    lines.push(
      '',
      `Requests of the first no-change pass by route: ${Object.entries(first.byRoute)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `\`${k}\` ×${v}`)
        .join(', ')}.`,
    );
  }
  const errs = [...r.transfers, ...r.noChange].filter((x) => x.error);
  for (const e of errs) lines.push('', '```', e.error!.slice(0, 2500), '```');
  return lines.join('\n');
}
