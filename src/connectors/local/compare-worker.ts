// The system-call half of a compare walk, in a worker thread (issue 11: both sides of a pass walked at once
// on a machine with two cores). It reads and lstats one local folder's tree with the listing walk's rules
// (links never followed, names that are not UTF-8 kept as bytes, temp files swept, excludes, unreadable
// folders and per-entry errors skipped visibly, cloudsync's home left out) and posts each entry back as
// compact data; the main thread compares that with the state (compare-offload.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ignoredBy, type RemoteNode } from '../types.js';
import { toSpecPath } from './names.js';
import { idOf } from './node-stat.js';
import { TempNames } from './temp-files.js';
import {
  decodeName,
  invalidOne,
  joinName,
  readDirOrSkip,
  realReadDir,
  removeIfStale,
  statEntry,
  type WalkContext,
  type WalkResult,
} from './walk.js';
import type { CompareJob, RawWalk } from './compare-offload.js';

/** Kind codes of RawWalk.kinds. */
const RAW_FILE = 0;
const RAW_FOLDER = 1;
/** An entry given whole in RawWalk.whole (a name that is not UTF-8): its text fields are empty. */
const RAW_WHOLE = 2;

/** Walk `job`'s folder breadth first (the order of both other walks), every entry one row of RawWalk. */
export async function rawWalk(job: CompareJob): Promise<RawWalk> {
  const home = job.ownHome;
  const ctx: WalkContext = {
    root: job.connectionRoot,
    temps: new TempNames(job.tempPrefix),
    readDir: realReadDir,
    remember: () => undefined,
    isOwnHome: home === null ? undefined : (st) => st.ino === home.ino && st.dev === home.dev,
  };
  const dirs: string[] = [];
  const dirIds: string[] = [];
  const entryDir: number[] = [];
  const names: string[] = [];
  const ids: string[] = [];
  const tokens: string[] = [];
  const kinds: number[] = [];
  const modes: number[] = [];
  const out: WalkResult = { nodes: [], skipped: [] };
  const untracked = new Set<string>();
  const pidAlive = new Map<number, boolean>();
  const push = (dirNo: number, name: string, id: string, token: string, kind: number, mode: number) => {
    entryDir.push(dirNo);
    names.push(name);
    ids.push(id);
    tokens.push(token);
    kinds.push(kind);
    modes.push(mode);
  };
  const queue: Array<[string, string, string]> = [[job.rootAbs, job.root.id, '']];
  for (let q = 0; q < queue.length; q++) {
    const [dirAbs, dirId, dirRel] = queue[q]!;
    queue[q] = undefined as never;
    const dirNo = dirs.push(dirAbs) - 1;
    dirIds.push(dirId);
    const entries = await readDirOrSkip(ctx, dirAbs, dirId, out);
    if (entries === undefined) continue;
    for (const d of entries) {
      const { name, valid } = decodeName(d.name);
      if (!valid) {
        const before = out.nodes.length;
        invalidOne(ctx, dirAbs, dirId, d.name as Buffer, name, out);
        for (let k = before; k < out.nodes.length; k++) push(dirNo, '', '', '', RAW_WHOLE, 0);
        continue;
      }
      const tempPid = ctx.temps.pidOf(name);
      if (tempPid !== undefined) {
        removeIfStale(joinName(dirAbs, name), tempPid, pidAlive);
        continue;
      }
      const abs = joinName(dirAbs, name);
      if (!d.isFile() && !d.isDirectory()) {
        const reason = d.isSymbolicLink() ? 'symlink' : 'special file';
        out.skipped.push({ path: toSpecPath(ctx.root, abs), reason, parentId: dirId });
        continue;
      }
      const rel = job.needsPath ? (dirRel === '' ? name : `${dirRel}/${name}`) : '';
      if (ignoredBy(job.rules, name, d.isDirectory(), rel)) {
        untracked.add(dirId);
        continue;
      }
      const st = statEntry(ctx, abs, dirId, out);
      if (st === undefined) continue;
      const isDir = st.isDirectory();
      const id = idOf(st);
      const token = isDir ? `dir:${st.mtimeNs}` : `${st.size}:${st.mtimeNs}`;
      push(dirNo, name, id, token, isDir ? RAW_FOLDER : RAW_FILE, Number(st.mode) & 0o7777);
      if (job.recursive && isDir) queue.push([abs, id, rel]);
    }
  }
  return {
    dirs,
    dirIds,
    entryDir: Int32Array.from(entryDir),
    names: names.join('\0'),
    ids: ids.join('\0'),
    tokens: tokens.join('\0'),
    kinds: Uint8Array.from(kinds),
    modes: Uint16Array.from(modes),
    whole: out.nodes as RemoteNode[],
    skipped: out.skipped,
    untracked: [...untracked],
  };
}

const port = parentPort;
if (port !== null && (workerData as { compareJob?: CompareJob } | null)?.compareJob !== undefined) {
  rawWalk((workerData as { compareJob: CompareJob }).compareJob).then(
    (raw) => {
      const buffers = [raw.entryDir, raw.kinds, raw.modes].map((a) => a.buffer as ArrayBuffer);
      port.postMessage({ raw }, buffers);
    },
    (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
}
