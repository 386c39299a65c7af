// Conformance: every emulator route must exist, with its method, in the official Swagger files,
// and node entries must carry the fields the spec marks required.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Emulator, startEmulator } from '../support/emulator/index.js';
import { ROUTES } from '../support/emulator/routes.js';
import { Api, assertNode } from './helpers.js';

/** Project root: dist/test/emulator/ → three levels up. */
const projectRoot = path.resolve(import.meta.dirname, '../../..');
const specDir = path.resolve(projectRoot, '../shared/acs-spec');

/** Extracts `paths:` keys and their HTTP methods with a line scan (Swagger YAML, 2-space indents). */
export function specRoutes(file: string): Map<string, Set<string>> {
  const lines = readFileSync(path.join(specDir, file), 'utf8').split('\n');
  const out = new Map<string, Set<string>>();
  let inPaths = false;
  let current: Set<string> | undefined;
  for (const line of lines) {
    if (/^\S/.test(line)) {
      inPaths = line.startsWith('paths:');
      current = undefined;
      continue;
    }
    if (!inPaths) continue;
    const p = /^ {2}'?(\/[^']*?)'?:\s*$/.exec(line);
    if (p) {
      current = new Set();
      out.set(p[1]!, current);
      continue;
    }
    const m = /^ {4}(get|put|post|delete|patch|head|options):\s*$/.exec(line);
    if (m && current) current.add(m[1]!.toUpperCase());
  }
  return out;
}

describe('emulator: conformance with the official API definitions', () => {
  it('parses the spec files', () => {
    const core = specRoutes('alfresco-core.yaml');
    assert.ok(core.size > 100, `only ${core.size} paths`);
    assert.deepEqual([...core.get('/nodes/{nodeId}/children')!].sort(), ['GET', 'POST']);
    assert.deepEqual([...specRoutes('alfresco-auth.yaml').get('/tickets/-me-')!].sort(), ['DELETE', 'GET']);
  });

  it('implements only routes (and methods) that exist in the spec', () => {
    const specs = { core: specRoutes('alfresco-core.yaml'), auth: specRoutes('alfresco-auth.yaml') };
    const missing = ROUTES.filter((r) => !specs[r.api].get(r.path)?.has(r.method)).map(
      (r) => `${r.method} ${r.path}`,
    );
    assert.deepEqual(missing, []);
    assert.ok(ROUTES.length >= 25);
  });

  describe('node entries', () => {
    let emu: Emulator;
    let api: Api;
    before(async () => {
      emu = await startEmulator({});
      api = await Api.login(emu, 'admin', 'admin');
      emu.createSite('s');
      emu.putFile('s', 'a/b.txt', 'x');
    });
    after(() => emu.close());

    it('carry id, name, nodeType, isFolder, isFile, createdAt, createdByUser, modifiedAt, modifiedByUser', async () => {
      const lib = emu.documentLibraryId('s');
      const single = await api.core('GET', `/nodes/${lib}`);
      assertNode(single.json.entry);
      const created = await api.upload(lib, 'c.txt', 'x');
      assertNode(created.json.entry);
      for (const url of [
        `/nodes/${lib}/children`,
        `/nodes/${lib}/children?relativePath=a`,
        '/nodes/-root-/children',
      ]) {
        const list = await api.core('GET', url);
        assert.ok(list.json.list.entries.length > 0, url);
        for (const e of list.json.list.entries) assertNode(e.entry);
      }
    });
  });
});
