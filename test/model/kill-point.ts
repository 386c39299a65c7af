// A deterministic kill point for the model tester (`node --import` this file into a cloudsync process). It
// counts the process's file system effects (writes, renames, deletes, mkdir, chmod, …: every change a pass
// makes to the sides and to its state, on a local ↔ local pairing) and, with
//   MODEL_TRACE=<file>       appends one line per effect: "<n> <k> <what> <path>[ → <path>]"
//                            (the k-th such line) (paths relative to
//                            the roots in MODEL_ROOTS, a JSON object name → folder), so a pass killed at a
//                            random time says which effect it died after;
//   MODEL_KILL_AFTER=<k> <line>  SIGKILLs itself right after the k-th effect whose traced line (without
//                            its number) is <line>, e.g. "2 rename <onprem>/B/#.tmp → <onprem>/B/a.txt"
//                            (robust against effects of parallel actions trading places);
//                            `start`: before any effect; `none`: never;
//   MODEL_KILL_AT=<n>        without MODEL_KILL_AFTER: SIGKILLs itself right after effect n;
//   MODEL_KILL_WORK=<n>      SIGKILLs itself right after the n-th journal write or change to a side (a
//                            rename, link, unlink, rm, mkdir or chmod below <onprem> or <cloud>): a point
//                            inside the pass's apply, where a kill tests most;
//   MODEL_KILL_FLAG=<file>   once <file> exists, SIGKILLs itself right after the next effect: how a kill at a
//                            random time lands (passes.ts creates the file). A SIGKILL sent from outside
//                            could land after an effect's system call finished but before its callback
//                            ran, so the trace missed it and its replay died one effect early (model seed
//                            4332: the rename of a pushed temp file into place was done, its trace line not
//                            written). (A signal asking for it raced with the process's exit: a SIGUSR2
//                            arriving after Node dropped its handler ended a finished pass.)
// A kill found at a random time is thereby replayable: the rerun dies after the same effect. Nothing in src/
// knows about this file.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const env = process.env;
const traceFile = env.MODEL_TRACE;
const killSpec = /^(\d+) (.*)$/s.exec(env.MODEL_KILL_AFTER ?? '');
const killAfter = killSpec?.[2];
const killNth = Number(killSpec?.[1] ?? 0);
if (env.MODEL_KILL_AFTER === 'start') process.kill(process.pid, 'SIGKILL');
const killAt = env.MODEL_KILL_AT ? Number(env.MODEL_KILL_AT) : undefined;
const killWork = env.MODEL_KILL_WORK ? Number(env.MODEL_KILL_WORK) : undefined;
const WORK = /^(write <home>\/state\/.*\.journal|(rename|link|unlink|rm|rmdir|mkdir|chmod) <(onprem|cloud)>)/;
let work = 0;
/** MODEL_KILL_FLAG: die right after the next effect once the file exists. */
const killFlag = env.MODEL_KILL_FLAG;
const roots = Object.entries(JSON.parse(env.MODEL_ROOTS ?? '{}') as Record<string, string>).sort(
  (a, b) => b[1].length - a[1].length,
);

const orig = {
  openSync: fs.openSync,
  writeSync: fs.writeSync,
};
const traceFd = traceFile ? orig.openSync(traceFile, 'a') : undefined;
const fdPaths = new Map<number, string>();
let count = 0;
/** How often each line was seen (the k of MODEL_KILL_AFTER). */
const seen = new Map<string, number>();

/** A path as the trace shows it: below a named root, random parts of temp names blanked. */
export function normalize(p: string): string {
  let out = p;
  for (const [name, dir] of roots)
    if (out === dir || out.startsWith(`${dir}/`)) {
      out = `<${name}>${out.slice(dir.length)}`;
      break;
    }
  // random or per-process parts: times (backup folders, conflict names), hex ids, pids and counters (names
  // the model writes have one digit at most)
  return out
    .replace(/\d{4}-\d\d-\d\d[T ]\d\d[-:]\d\d([-:]\d\d)?([-:.]\d+)?Z?/g, '<time>')
    .replace(/[0-9a-f]{6,}|[0-9a-z]{8,}(?=\.(tmp|partial)\b)|\d{3,}/gi, '#');
}

const str = (p: unknown): string =>
  typeof p === 'number' ? (fdPaths.get(p) ?? `fd`) : normalize(String(p instanceof URL ? p.pathname : p));

function effect(what: string, a: unknown, b?: unknown): void {
  const line = `${what} ${str(a)}${b === undefined ? '' : ` → ${str(b)}`}`;
  count++;
  const k = (seen.get(line) ?? 0) + 1;
  seen.set(line, k);
  if (traceFd !== undefined) orig.writeSync(traceFd, `${count} ${k} ${line}\n`);
  if (WORK.test(line)) work++;
  if (
    (killFlag !== undefined && fs.existsSync(killFlag)) ||
    (killAfter !== undefined ? line === killAfter && k === killNth : count === killAt || work === killWork)
  )
    process.kill(process.pid, 'SIGKILL');
}

type Fn = (...args: never[]) => unknown;
const target = fs as unknown as Record<string, Fn>;
const promises = fs.promises as unknown as Record<string, Fn>;

/** Wrap a synchronous effect: traced once it returned. */
function wrapSync(name: string, what: string, two = false): void {
  const f = target[name];
  if (!f) return;
  target[name] = function (this: unknown, ...args: never[]) {
    const r = f.apply(this, args);
    effect(what, args[0], two ? args[1] : undefined);
    return r;
  } as Fn;
}

/** Wrap a promise effect: traced once it resolved. */
function wrapPromise(obj: Record<string, Fn>, name: string, what: string, two = false): void {
  const f = obj[name];
  if (!f) return;
  obj[name] = async function (this: unknown, ...args: never[]) {
    const r = await f.apply(this, args);
    effect(what, args[0], two ? args[1] : undefined);
    return r;
  } as Fn;
}

/** Wrap a callback effect (write streams use these): traced when the callback comes. */
function wrapCallback(name: string, what: string): void {
  const f = target[name];
  if (!f) return;
  target[name] = function (this: unknown, ...args: unknown[]) {
    const cb = args[args.length - 1];
    if (typeof cb !== 'function') return f.apply(this, args as never[]);
    const fd = args[0];
    args[args.length - 1] = (err: unknown, ...rest: unknown[]) => {
      if (!err) effect(what, fd);
      (cb as (...x: unknown[]) => void)(err, ...rest);
    };
    return f.apply(this, args as never[]);
  } as Fn;
}

target.openSync = function (this: unknown, ...args: never[]) {
  const fd = orig.openSync.apply(this, args as unknown as Parameters<typeof fs.openSync>);
  fdPaths.set(fd, normalize(String(args[0])));
  return fd;
} as Fn;

for (const [name, what] of [
  ['writeSync', 'write'],
  ['writeFileSync', 'writeFile'],
  ['appendFileSync', 'append'],
  ['fchmodSync', 'chmod'],
  ['chmodSync', 'chmod'],
  ['ftruncateSync', 'truncate'],
  ['truncateSync', 'truncate'],
  ['futimesSync', 'utimes'],
  ['utimesSync', 'utimes'],
  ['unlinkSync', 'unlink'],
  ['rmSync', 'rm'],
  ['rmdirSync', 'rmdir'],
  ['mkdirSync', 'mkdir'],
] as const)
  wrapSync(name, what);
for (const [name, what] of [
  ['renameSync', 'rename'],
  ['linkSync', 'link'],
  ['symlinkSync', 'symlink'],
  ['copyFileSync', 'copy'],
] as const)
  wrapSync(name, what, true);
for (const [name, what] of [
  ['write', 'write'],
  ['writev', 'write'],
] as const)
  wrapCallback(name, what);
for (const [name, what] of [
  ['writeFile', 'writeFile'],
  ['appendFile', 'append'],
  ['chmod', 'chmod'],
  ['unlink', 'unlink'],
  ['rm', 'rm'],
  ['rmdir', 'rmdir'],
  ['mkdir', 'mkdir'],
  ['utimes', 'utimes'],
] as const)
  wrapPromise(promises, name, what);
for (const [name, what] of [
  ['rename', 'rename'],
  ['link', 'link'],
  ['symlink', 'symlink'],
  ['copyFile', 'copy'],
] as const)
  wrapPromise(promises, name, what, true);

// File handles (the state store writes its snapshot through one): traced with the path they were opened at.
const open = promises.open!;
const handlePaths = new WeakMap<object, string>();
promises.open = async function (this: unknown, ...args: never[]) {
  const fh = (await open.apply(this, args)) as object;
  handlePaths.set(fh, normalize(String(args[0])));
  return fh;
} as Fn;
const probe = await fs.promises.open('/dev/null', 'r');
const proto = Object.getPrototypeOf(probe) as Record<string, Fn>;
await probe.close();
for (const [name, what] of [
  ['writeFile', 'writeFile'],
  ['write', 'write'],
  ['chmod', 'chmod'],
  ['truncate', 'truncate'],
] as const) {
  const f = proto[name];
  if (!f) continue;
  proto[name] = async function (this: object, ...args: never[]) {
    const r = await f.apply(this, args);
    effect(what, handlePaths.get(this) ?? 'handle');
    return r;
  } as Fn;
}

syncBuiltinESMExports();
