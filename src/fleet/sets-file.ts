import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Yaml from 'yaml';
import type { ConnectionConfig } from '../config/config.js';
import { SIDES, type Side } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { CONFLICT_POLICIES, DEFAULT_OPTIONS, type SetOptions } from '../store/schema.js';

let yamlModule: typeof Yaml | undefined;

/** yaml (about 70 files), required when a sets file is read or written: `--help` and `completion` never pay for it. */
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

/** Version of the sets file layout (`version:` at its top); a higher one is refused. */
export const SETS_FILE_VERSION = 1;

/** A connection as the sets file holds it: never a secret. */
export type FileConnection = ConnectionConfig;

/** One set as the file declares it; matched against state by `name`. */
export interface FileSet {
  name: string;
  /** On-prem paths: one folder, or one or more documents. */
  paths: string[];
  target: string;
  /** Create the target folder when it does not exist (only used when the set is created). */
  mkdir: boolean;
  options: SetOptions;
  excludes: string[];
}

/** A parsed, validated sets file. */
export interface SetsFile {
  version: number;
  connections: Partial<Record<Side, FileConnection>>;
  sets: FileSet[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const OPTION_TYPES: Record<keyof SetOptions, 'boolean' | 'conflict'> = {
  lockOnPrem: 'boolean',
  deleteOnCloud: 'boolean',
  deleteOnPrem: 'boolean',
  includeSubfolders: 'boolean',
  conflict: 'conflict',
};
const CONNECTION_KEYS = ['kind', 'address', 'username', 'network', 'caFile', 'allowHttp'];
const SET_KEYS = ['name', 'paths', 'target', 'mkdir', 'options', 'excludes'];

/** Collects every problem of a file, each with where it is, so one run reports them all. */
class Problems {
  readonly list: string[] = [];
  add(where: string, what: string): void {
    this.list.push(`${where}: ${what}`);
  }
  unknownKeys(where: string, obj: Record<string, unknown>, known: string[]): void {
    for (const k of Object.keys(obj))
      if (!known.includes(k)) this.add(`${where}.${k}`, `unknown field (known: ${known.join(', ')})`);
  }
}

function stringList(p: Problems, where: string, v: unknown, nonEmpty: boolean): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.trim() !== '')) {
    p.add(where, 'expected a list of non-empty strings');
    return [];
  }
  if (nonEmpty && v.length === 0) p.add(where, 'expected at least one path');
  return v as string[];
}

function readConnection(p: Problems, where: string, v: unknown, baseDir: string): FileConnection | undefined {
  if (!isObject(v)) {
    p.add(where, 'expected a mapping with kind and address');
    return undefined;
  }
  p.unknownKeys(where, v, CONNECTION_KEYS);
  for (const secret of ['password', 'token', 'ticket'])
    if (secret in v)
      p.add(`${where}.${secret}`, 'secrets never go in this file; use CLOUDSYNC_<SIDE>_PASSWORD');
  if (v.kind !== 'local' && v.kind !== 'alfresco') p.add(`${where}.kind`, 'expected local or alfresco');
  if (typeof v.address !== 'string' || v.address === '')
    p.add(`${where}.address`, 'expected a folder or URL');
  for (const k of ['username', 'network', 'caFile'])
    if (v[k] !== undefined && typeof v[k] !== 'string') p.add(`${where}.${k}`, 'expected a string');
  if (v.allowHttp !== undefined && typeof v.allowHttp !== 'boolean')
    p.add(`${where}.allowHttp`, 'expected true or false');
  if (typeof v.address !== 'string' || (v.kind !== 'local' && v.kind !== 'alfresco')) return undefined;
  const conn: FileConnection = {
    kind: v.kind,
    // A relative folder is relative to the file, so a checked-in file works from any working directory.
    address: v.kind === 'local' ? path.resolve(baseDir, v.address) : v.address.replace(/\/+$/, ''),
  };
  if (typeof v.username === 'string') conn.username = v.username;
  if (typeof v.network === 'string') conn.network = v.network;
  if (typeof v.caFile === 'string') conn.caFile = path.resolve(baseDir, v.caFile);
  if (v.allowHttp === true) conn.allowHttp = true;
  return conn;
}

function readOptions(p: Problems, where: string, v: unknown): SetOptions {
  const options: SetOptions = { ...DEFAULT_OPTIONS };
  if (v === undefined) return options;
  if (!isObject(v)) {
    p.add(where, 'expected a mapping');
    return options;
  }
  p.unknownKeys(where, v, Object.keys(OPTION_TYPES));
  for (const [key, type] of Object.entries(OPTION_TYPES) as [keyof SetOptions, string][]) {
    const value = v[key];
    if (value === undefined) continue;
    if (type === 'boolean' && typeof value !== 'boolean') p.add(`${where}.${key}`, 'expected true or false');
    else if (type === 'conflict' && !CONFLICT_POLICIES.includes(value as never))
      p.add(`${where}.${key}`, `expected one of ${CONFLICT_POLICIES.join(', ')}`);
    else (options as unknown as Record<string, unknown>)[key] = value;
  }
  return options;
}

function readSet(p: Problems, where: string, v: unknown): FileSet | undefined {
  if (!isObject(v)) {
    p.add(where, 'expected a mapping with name, paths and target');
    return undefined;
  }
  p.unknownKeys(where, v, SET_KEYS);
  if (typeof v.name !== 'string' || v.name.trim() === '')
    p.add(`${where}.name`, 'required: a non-empty string');
  const paths = stringList(p, `${where}.paths`, v.paths, true);
  if (typeof v.target !== 'string')
    p.add(`${where}.target`, 'required: the cloud folder path ("" for the root)');
  if (v.mkdir !== undefined && typeof v.mkdir !== 'boolean')
    p.add(`${where}.mkdir`, 'expected true or false');
  const excludes = v.excludes === undefined ? [] : stringList(p, `${where}.excludes`, v.excludes, false);
  const options = readOptions(p, `${where}.options`, v.options);
  if (typeof v.name !== 'string' || typeof v.target !== 'string') return undefined;
  return { name: v.name, paths, target: v.target, mkdir: v.mkdir === true, options, excludes };
}

/**
 * Parse a sets file (YAML, or JSON, which is YAML too) and validate it against the documented schema. Every
 * problem is reported at once, each with where it is; any problem is exit 2 (INVALID_SETS_FILE).
 */
export function parseSetsFile(text: string, source: string, baseDir: string): SetsFile {
  const doc = yaml().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const p = new Problems();
  for (const err of doc.errors) p.add(source, err.message.split('\n')[0]!);
  if (p.list.length === 0) {
    const data: unknown = doc.toJS();
    if (!isObject(data)) p.add(source, 'expected a mapping with version, connections and sets');
    else return validate(data, p, source, baseDir);
  }
  throw invalid(source, p.list);
}

function validate(data: Record<string, unknown>, p: Problems, source: string, baseDir: string): SetsFile {
  p.unknownKeys('(top)', data, ['version', 'connections', 'sets']);
  if (typeof data.version === 'number' && data.version > SETS_FILE_VERSION) {
    p.add(
      'version',
      `${data.version} is newer than this cloudsync reads (${SETS_FILE_VERSION}); upgrade cloudsync`,
    );
  } else if (data.version !== SETS_FILE_VERSION) {
    p.add('version', `required: ${SETS_FILE_VERSION} (the only layout this cloudsync reads)`);
  }
  const connections: SetsFile['connections'] = {};
  if (data.connections !== undefined) {
    if (!isObject(data.connections)) p.add('connections', 'expected a mapping with onprem and/or cloud');
    else {
      p.unknownKeys('connections', data.connections, [...SIDES]);
      for (const side of SIDES) {
        if (data.connections[side] === undefined) continue;
        const c = readConnection(p, `connections.${side}`, data.connections[side], baseDir);
        if (c) connections[side] = c;
      }
    }
  }
  const sets: FileSet[] = [];
  if (!Array.isArray(data.sets)) p.add('sets', 'required: a list of sets (may be empty: [])');
  else {
    const seen = new Map<string, number>();
    data.sets.forEach((v, i) => {
      const s = readSet(p, `sets[${i}]`, v);
      if (!s) return;
      const first = seen.get(s.name);
      if (first !== undefined)
        p.add(`sets[${i}].name`, `"${s.name}" is also the name of sets[${first}]; names are unique`);
      else seen.set(s.name, i);
      sets.push(s);
    });
  }
  if (p.list.length > 0) throw invalid(source, p.list);
  return { version: SETS_FILE_VERSION, connections, sets };
}

function invalid(source: string, problems: string[]): UsageError {
  return new UsageError(
    `${source} is not a valid sets file:\n  ${problems.join('\n  ')}`,
    'see "Declarative sets" in the README for the file format; `cloudsync export` writes a valid one',
    'INVALID_SETS_FILE',
  );
}

/** The file as text: YAML (default) or JSON. Options equal to the defaults are written too, for the reader. */
export function formatSetsFile(file: SetsFile, format: 'yaml' | 'json'): string {
  const data = {
    version: file.version,
    connections: file.connections,
    sets: file.sets.map(({ mkdir, ...s }) => (mkdir ? { ...s, mkdir } : s)),
  };
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : yaml().stringify(data);
}
