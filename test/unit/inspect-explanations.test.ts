import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { explainFailure } from '../../src/engine/views.js';
import { MemberErrorCodes } from '../../src/errors.js';
import { PROJECT_ROOT } from '../support/cli.js';

/** SPEC §3 "Error codes a member can carry", written out so a code dropped from the source fails here. */
const SPEC_CODES = [
  'TARGET_FOLDER_NAME_CLASH',
  'TARGET_FOLDER_NOT_FOUND',
  'TARGET_NODE_ALREADY_SYNCED',
  'TARGET_NODE_OTHER_SYNC_SET',
  'TARGET_NODE_NO_LONGER_EXISTS',
  'TARGET_NODE_ACCESS_DENIED',
  'SOURCE_NODE_ACCESS_DENIED',
  'CONTENT_LIMIT_VIOLATION',
  'QUOTA_LIMIT_VIOLATION',
  'AUTHENTICATION_ERROR',
  'OWNER_NOT_FOUND',
  'DELETED_ON_CLOUD',
  'INVALID_NAME',
  'UNKNOWN',
];

/** The codes as the shared SPEC.md lists them, when it sits beside the project (it does in CI). */
async function codesInSpecFile(): Promise<string[] | undefined> {
  const text = await readFile(path.join(PROJECT_ROOT, '..', 'shared', 'SPEC.md'), 'utf8').catch(
    () => undefined,
  );
  // The list runs to the first full stop: the next sentence names COMMUNICATIONS_ERROR, which is not a member code.
  const para = text && /Error codes a member can carry[^:]*:([\s\S]*?`)\./.exec(text)?.[1];
  return para ? [...para.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!) : undefined;
}

describe('inspect explains every failure code of SPEC §3', () => {
  it('the written-out list matches SPEC.md (when present) and the codes the code base knows', async () => {
    const fromSpec = await codesInSpecFile();
    if (fromSpec) assert.deepEqual([...fromSpec].sort(), [...SPEC_CODES].sort());
    assert.deepEqual([...MemberErrorCodes].sort(), [...SPEC_CODES].sort());
  });

  for (const code of SPEC_CODES) {
    it(`${code}: its own meaning and a remedy`, () => {
      const e = explainFailure(code);
      // A missing entry falls back to UNKNOWN's text, which is exactly what must not happen silently.
      if (code !== 'UNKNOWN') assert.notEqual(e, explainFailure('UNKNOWN'), `${code} falls back to UNKNOWN`);
      assert.ok(e.meaning.length > 20, `${code} has no meaning`);
      assert.ok(e.remedy.length > 20, `${code} has no remedy`);
      assert.notEqual(e.meaning, e.remedy);
    });
  }

  it('no two codes share an explanation', () => {
    const meanings = SPEC_CODES.map((c) => explainFailure(c).meaning);
    assert.equal(new Set(meanings).size, SPEC_CODES.length);
  });
});
