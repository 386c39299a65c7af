// Property and aspect rules from NodesImpl and contentModel.xml: which aspect owns a property,
// value types, the hidden sys: namespace, and the "aspectNames is the complete list" update.
import { err } from './format.js';
import type { RepoNode } from './repo.js';

const ASPECT_OF_PROP: Record<string, string> = {
  'cm:title': 'cm:titled',
  'cm:description': 'cm:titled',
  'cm:author': 'cm:author',
  'cm:latitude': 'cm:geographic',
  'cm:longitude': 'cm:geographic',
  'cm:versionLabel': 'cm:versionable',
  'cm:versionType': 'cm:versionable',
  'cm:owner': 'cm:ownable',
};

const DOUBLE = new Set([
  'cm:latitude',
  'cm:longitude',
  'exif:exposureTime',
  'exif:fNumber',
  'exif:focalLength',
  'exif:xResolution',
  'exif:yResolution',
]);
const INT = new Set(['exif:pixelXDimension', 'exif:pixelYDimension', 'exif:orientation']);
const BOOL = new Set(['exif:flash', 'cm:autoVersion', 'cm:autoVersionOnUpdateProps', 'cm:initialVersion']);

/** Namespace prefixes of the models the emulator's repository has (contentModel, siteModel, exif...). */
const PREFIXES = new Set(['cm', 'sys', 'app', 'st', 'exif', 'rn', 'usr', 'trx', 'act', 'lnk', 'fm', 'dl']);

/** The properties of those models a client may name; anything else is "Unknown property" (NodesImpl). */
const KNOWN_PROPS = new Set([
  ...Object.keys(ASPECT_OF_PROP),
  ...DOUBLE,
  ...INT,
  ...BOOL,
  'cm:name',
  'cm:created',
  'cm:creator',
  'cm:modified',
  'cm:modifier',
  'cm:content',
  'cm:owner',
  'cm:lockType',
  'cm:lockOwner',
  'cm:lockLifetime',
  'cm:expiryDate',
  'cm:workingCopyOwner',
  'cm:workingCopyMode',
  'cm:workingCopyLabel',
  'exif:dateTimeOriginal',
  'exif:manufacturer',
  'exif:model',
  'exif:software',
  'exif:isoSpeedRatings',
  'exif:resolutionUnit',
  'st:sitePreset',
  'st:siteVisibility',
  'st:componentId',
]);

/** The aspects of those models a client may name; anything else is "Unknown aspect". */
const KNOWN_ASPECTS = new Set([
  'cm:titled',
  'cm:author',
  'cm:geographic',
  'cm:versionable',
  'cm:lockable',
  'cm:auditable',
  'cm:ownable',
  'cm:workingcopy',
  'cm:checkedOut',
  'cm:copiedfrom',
  'cm:generalclassifiable',
  'cm:taggable',
  'exif:exif',
  'st:siteContainer',
]);

/** Properties never exposed in `properties`: the top-level fields carry them (NodesImpl EXCLUDED_PROPS). */
export const HIDDEN_PROPS = new Set([
  'cm:name',
  'cm:created',
  'cm:creator',
  'cm:modified',
  'cm:modifier',
  'cm:content',
  'cm:initialVersion',
  'cm:autoVersion',
  'cm:autoVersionOnUpdateProps',
]);

/** Hidden from reads, but clients set them: they steer versioning (cm:versionable's properties). */
const WRITABLE_HIDDEN = new Set(['cm:autoVersion', 'cm:autoVersionOnUpdateProps', 'cm:initialVersion']);

/** Properties the server maintains itself; client values are ignored. */
const MANAGED_PROPS = new Set(['cm:versionLabel', 'cm:versionType', 'cm:lockType', 'cm:lockOwner']);

/** Aspects the client cannot remove by omitting them: auditing, and locks (managed by lock/unlock). */
const KEPT_ASPECTS = new Set(['cm:auditable', 'cm:lockable']);

/** The aspect a property belongs to, if the emulator knows it. */
export function aspectOf(prop: string): string | undefined {
  if (prop.startsWith('exif:')) return 'exif:exif';
  return ASPECT_OF_PROP[prop];
}

/** Converts a value to the property's declared type (form fields and JSON strings arrive as text). */
function convert(prop: string, value: unknown): unknown {
  if (value === null || Array.isArray(value)) return value;
  const bad = () => err.invalid(`Cannot convert value '${String(value)}' for property ${prop}`);
  if (DOUBLE.has(prop) || INT.has(prop)) {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isFinite(n) || (INT.has(prop) && !Number.isInteger(n))) throw bad();
    return n;
  }
  if (BOOL.has(prop)) {
    if (typeof value === 'boolean') return value;
    const s = String(value).toLowerCase();
    if (s !== 'true' && s !== 'false') throw bad();
    return s === 'true';
  }
  return value;
}

/** Rejects qualified names the API refuses (sys:*), that are not `prefix:name`, or whose prefix no model maps. */
export function checkQName(name: string): void {
  if (name.startsWith('sys:')) throw err.sysNamespace(name);
  if (!/^[A-Za-z0-9_-]+:[^:]+$/.test(name)) throw err.invalid(`Invalid property or aspect name: ${name}`);
  const prefix = name.slice(0, name.indexOf(':'));
  // QName.resolveToQName's NamespaceException, which the REST framework answers with 400.
  if (!PREFIXES.has(prefix)) throw err.invalid(`Namespace prefix ${prefix} is not mapped to a namespace URI`);
}

/** Validates and type-converts a `properties` object from a request body. */
export function cleanProperties(props: unknown): Record<string, unknown> {
  if (props === undefined || props === null) return {};
  if (typeof props !== 'object' || Array.isArray(props)) throw err.invalid('properties must be an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
    checkQName(k);
    if (!KNOWN_PROPS.has(k)) throw err.invalid(`Unknown property: ${k}`);
    if ((HIDDEN_PROPS.has(k) && !WRITABLE_HIDDEN.has(k)) || MANAGED_PROPS.has(k)) continue;
    out[k] = convert(k, v);
  }
  return out;
}

/** Validates an `aspectNames` list from a request body. */
export function cleanAspects(aspects: unknown): string[] {
  if (!Array.isArray(aspects) || aspects.some((a) => typeof a !== 'string'))
    throw err.invalid('aspectNames must be an array of strings');
  for (const a of aspects as string[]) {
    checkQName(a);
    if (!KNOWN_ASPECTS.has(a)) throw err.invalid(`Unknown aspect: ${a}`);
  }
  return [...new Set(aspects as string[])];
}

/** Sets properties; a null value removes the property; setting one adds its aspect. Returns true if changed. */
export function applyProperties(node: RepoNode, props: Record<string, unknown>): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(props)) {
    if (v === null) {
      if (k in node.properties) {
        delete node.properties[k];
        changed = true;
      }
      continue;
    }
    if (JSON.stringify(node.properties[k]) !== JSON.stringify(v)) changed = true;
    node.properties[k] = v;
    const aspect = aspectOf(k);
    if (aspect && !node.aspects.includes(aspect)) node.aspects.push(aspect);
  }
  return changed;
}

/**
 * Replaces the aspect set with `wanted` (the complete list, as PUT /nodes expects): omitted aspects are
 * removed together with their properties, except the ones the server manages. Returns removed aspects.
 */
export function replaceAspects(node: RepoNode, wanted: string[]): { added: string[]; removed: string[] } {
  const keep = node.aspects.filter((a) => KEPT_ASPECTS.has(a));
  const next = [...new Set([...keep, ...wanted])];
  const removed = node.aspects.filter((a) => !next.includes(a));
  const added = next.filter((a) => !node.aspects.includes(a));
  node.aspects = next;
  for (const k of Object.keys(node.properties)) {
    const a = aspectOf(k);
    if (a && removed.includes(a)) delete node.properties[k];
  }
  return { added, removed };
}
