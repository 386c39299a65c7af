// Summarise V8 .cpuprofile files (node --cpu-prof): self time aggregated by function + script, and by script.
// Standalone: `node dist/test/bench/cpuprofile.js <file-or-dir>...` prints the markdown summary.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: CpuNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  totalMs: number;
  files: number;
  byFunction: Array<{ name: string; selfMs: number; pct: number }>;
  byScript: Array<{ name: string; selfMs: number; pct: number }>;
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const i = u.indexOf('/dist/');
  if (i >= 0) return u.slice(i + 1);
  const j = u.indexOf('/node_modules/');
  if (j >= 0) return u.slice(j + 1);
  return u;
}

/** Aggregate every .cpuprofile in the given files/dirs. */
export async function summarizeProfiles(inputs: string[], top = 15): Promise<ProfileSummary> {
  const files: string[] = [];
  for (const p of inputs) {
    const st = await fsp.stat(p);
    if (st.isDirectory()) {
      for (const f of await fsp.readdir(p)) if (f.endsWith('.cpuprofile')) files.push(path.join(p, f));
    } else files.push(p);
  }
  const fn = new Map<string, number>();
  const script = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const prof = JSON.parse(await fsp.readFile(f, 'utf8')) as CpuProfile;
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    const samples = prof.samples ?? [];
    const deltas = prof.timeDeltas ?? [];
    // timeDeltas[i] is the time before sample i; attribute it to the sample (the usual approximation).
    for (let i = 0; i < samples.length; i++) {
      const d = (deltas[i] ?? 0) / 1000;
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + d);
    }
    for (const [id, ms] of self) {
      const n = byId.get(id);
      if (!n) continue;
      total += ms;
      const url = shortUrl(n.callFrame.url);
      const name =
        `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
      fn.set(name, (fn.get(name) ?? 0) + ms);
      const s = url || n.callFrame.functionName || '(native)';
      script.set(s, (script.get(s) ?? 0) + ms);
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, selfMs]) => ({ name, selfMs, pct: total ? (100 * selfMs) / total : 0 }));
  return { totalMs: total, files: files.length, byFunction: rank(fn), byScript: rank(script) };
}

/** Markdown for a summary. */
export function profileMarkdown(title: string, s: ProfileSummary): string {
  const lines = [`**${title}** — ${s.files} profile(s), ${(s.totalMs / 1000).toFixed(2)} s sampled`, ''];
  lines.push('| self ms | % | function (script:line) |', '|---:|---:|---|');
  for (const r of s.byFunction)
    lines.push(`| ${r.selfMs.toFixed(0)} | ${r.pct.toFixed(1)} | \`${r.name.replace(/\|/g, '\\|')}\` |`);
  lines.push('', '| self ms | % | script |', '|---:|---:|---|');
  for (const r of s.byScript.slice(0, 8))
    lines.push(`| ${r.selfMs.toFixed(0)} | ${r.pct.toFixed(1)} | \`${r.name}\` |`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    process.stderr.write('usage: node dist/test/bench/cpuprofile.js <file.cpuprofile|dir>...\n');
    process.exit(2);
  }
  const s = await summarizeProfiles(args, 25);
  process.stdout.write(`${profileMarkdown(args.join(' '), s)}\n`);
}
