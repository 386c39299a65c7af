// The main thread's half of a compare walk whose system calls ran in a worker thread (compare-worker.ts):
// the worker's rows compared with the state exactly as compareFolder compares an lstat, into the same
// CompareResult. A worker that throws, dies or exits without answering fails the listing with a clear
// message; the pass never waits on it forever.
import { Worker } from 'node:worker_threads';
import { CloudsyncError, ExitCode } from '../../errors.js';
import type { IgnoreRules, RecordedTree, RemoteNode, SkippedEntry } from '../types.js';
import type { CompareResult } from './compare-walk.js';
import { joinName } from './walk.js';

/** Everything a worker needs to walk one folder (plain data: it is copied to the worker). */
export interface CompareJob {
  connectionRoot: string;
  root: RemoteNode;
  rootAbs: string;
  recursive: boolean;
  tempPrefix: string;
  ownHome: { dev: bigint; ino: bigint } | null;
  rules: IgnoreRules;
  needsPath: boolean;
}

/**
 * A walk as rows: entry k sits in folder `entryDir[k]` (of `dirs`/`dirIds`), and is field k of each
 * '\0'-joined list (no name, id or token holds a NUL). Kinds: 0 file, 1 folder, 2 given whole in `whole`.
 */
export interface RawWalk {
  dirs: string[];
  dirIds: string[];
  entryDir: Int32Array;
  names: string;
  ids: string;
  tokens: string;
  kinds: Uint8Array;
  /** Mode bits (& 0o7777). */
  modes: Uint16Array;
  whole: RemoteNode[];
  skipped: SkippedEntry[];
  untracked: string[];
}

/** The compiled worker, beside this file. */
export const COMPARE_WORKER = new URL('./compare-worker.js', import.meta.url);

/** Walk `job` in a worker thread (`script`: the worker module, injectable for tests): its rows, or a clear error. */
export function walkInWorker(job: CompareJob, script: URL = COMPARE_WORKER): Promise<RawWalk> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(
        new CloudsyncError(
          `the walk of ${job.rootAbs} failed: its worker thread ${why}`,
          ExitCode.internal,
          'WALK_WORKER_FAILED',
          'run the pass again; if this keeps happening, report it with the log (cloudsync --version)',
        ),
      );
    };
    // A roomy young generation: the walk's short-lived stats objects die there without a scavenge each few ms.
    const worker = new Worker(script, {
      workerData: { compareJob: job },
      stdout: false,
      stderr: false,
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    worker.once('message', (msg: { raw: RawWalk } | { error: string }) => {
      if (!('raw' in msg)) return fail(`stopped: ${msg.error}`);
      if (settled) return;
      settled = true;
      resolve(msg.raw);
    });
    worker.once('error', (err) => fail(`stopped: ${err.message}`));
    worker.once('messageerror', (err) => fail(`sent an unreadable answer: ${err.message}`));
    worker.once('exit', (code) => fail(`exited (code ${code}) before answering`));
  });
}

/** The node of a row, as nodeFromStat builds it from the lstat the row came from. */
function rowNode(id: string, name: string, parentId: string, token: string, folder: boolean, mode: number) {
  const mtimeNs = BigInt(token.slice(token.indexOf(':') + 1));
  const node: RemoteNode = {
    id,
    name,
    kind: folder ? 'folder' : 'file',
    parentId,
    size: folder ? 0 : Number(token.slice(0, token.indexOf(':'))),
    mtimeMs: Number((mtimeNs + 500_000n) / 1_000_000n),
    token,
    locked: folder ? false : (mode & 0o200) === 0,
    mode: mode & 0o777,
  };
  return node;
}

/**
 * Compare a worker's rows with `recorded`, as compareFolder compares each lstat: same place, kind, id and (for
 * files) token is one bit; anything else a node. `remember` gets what compareFolder gives its context.
 */
export function compareRows(
  raw: RawWalk,
  recorded: RecordedTree,
  remember: (id: string, abs: string) => void,
): CompareResult {
  const n = recorded.count;
  const same = new Uint8Array(n);
  const modes = new Uint16Array(n);
  const dirOf = new Int32Array(n);
  const folderNos: number[] = [];
  const folderNodes: RemoteNode[] = [];
  const nodes: RemoteNode[] = [];
  const count = raw.kinds.length;
  const order = new Int32Array(count);
  const names = raw.names.split('\0');
  const ids = raw.ids.split('\0');
  const tokens = raw.tokens.split('\0');
  let sameCount = 0;
  let whole = 0;
  for (let k = 0; k < count; k++) {
    const kind = raw.kinds[k]!;
    if (kind === 2) {
      order[k] = -nodes.push(raw.whole[whole++]!);
      continue;
    }
    const dirNo = raw.entryDir[k]!;
    const dirId = raw.dirIds[dirNo]!;
    const name = names[k]!;
    const isDir = kind === 1;
    const i = recorded.find(dirId, name);
    if (
      i >= 0 &&
      same[i] === 0 &&
      recorded.kind(i) === (isDir ? 'folder' : 'file') &&
      ids[k] === recorded.node(i).id &&
      (isDir || tokens[k] === recorded.node(i).token)
    ) {
      same[i] = 1;
      sameCount++;
      modes[i] = raw.modes[k]!;
      dirOf[i] = dirNo;
      order[k] = i;
      if (isDir) {
        folderNos.push(i);
        folderNodes.push(rowNode(ids[k]!, name, dirId, tokens[k]!, true, raw.modes[k]!));
        remember(ids[k]!, joinName(raw.dirs[dirNo]!, name));
      }
      continue;
    }
    const node = rowNode(ids[k]!, name, dirId, tokens[k]!, isDir, raw.modes[k]!);
    remember(node.id, joinName(raw.dirs[dirNo]!, name));
    order[k] = -nodes.push(node);
  }
  return {
    nodes,
    skipped: raw.skipped,
    untracked: raw.untracked,
    same,
    sameCount,
    modes,
    dirs: raw.dirs,
    dirOf,
    order,
    folderNos,
    folderNodes,
  };
}
