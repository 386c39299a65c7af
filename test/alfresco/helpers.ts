// Shared setup for the Alfresco connector tests: an emulator on port 0 and connectors with fast retries.
import {
  AlfrescoConnector,
  type AlfrescoConnectionOptions,
  type AlfrescoCredentials,
} from '../../src/connectors/alfresco/index.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../support/emulator/index.js';

/** Fast but real backoff, so tests exercise retries without waiting seconds. */
export const FAST_RETRY = { attempts: 5, baseDelayMs: 5, maxDelayMs: 50, maxTotalMs: 2000 };

/** A running emulator with site `proj` (alice, bob: collaborators; carol: no member). */
export interface Fixture {
  emu: Emulator;
  doclib: string;
  /** Options for a connector to this emulator. */
  options(extra?: Partial<AlfrescoConnectionOptions>): AlfrescoConnectionOptions;
  /** A connector logged in as `user` (ticket made in the emulator directly). */
  connect(
    user?: string,
    extra?: Partial<AlfrescoConnectionOptions>,
    creds?: AlfrescoCredentials,
  ): AlfrescoConnector;
  /** Stops the emulator and every connector made here. */
  close(): Promise<void>;
}

/** Starts the emulator for one test file. */
export async function startFixture(opts: EmulatorOptions = {}): Promise<Fixture> {
  const emu = await startEmulator({
    users: [
      { name: 'alice', password: 'alice-pw' },
      { name: 'bob', password: 'bob-pw' },
      { name: 'carol', password: 'carol-pw' },
    ],
    ...opts,
  });
  const { documentLibraryId } = emu.createSite('proj', {
    members: { alice: 'SiteCollaborator', bob: 'SiteCollaborator' },
  });
  const made: AlfrescoConnector[] = [];
  const options = (extra: Partial<AlfrescoConnectionOptions> = {}): AlfrescoConnectionOptions => ({
    url: emu.url,
    retry: FAST_RETRY,
    side: 'cloud',
    ...extra,
  });
  return {
    emu,
    doclib: documentLibraryId,
    options,
    connect(user = 'alice', extra = {}, creds) {
      const ticket = emu.state.directory.issue(user);
      const c = new AlfrescoConnector(options(extra), creds ?? { ticket });
      made.push(c);
      return c;
    },
    async close() {
      await Promise.all(made.map((c) => c.close()));
      await emu.close();
    },
  };
}

/** Reads a stream to a Buffer (small test content only). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** Asserts that `promise` rejects with an error having these fields; returns the error. */
export async function rejectsWith<T extends object>(
  promise: Promise<unknown>,
  fields: Partial<Record<keyof T | string, unknown>>,
): Promise<T> {
  try {
    await promise;
  } catch (err) {
    for (const [k, v] of Object.entries(fields)) {
      const actual = (err as Record<string, unknown>)[k];
      if (v instanceof RegExp ? !v.test(String(actual)) : actual !== v) {
        throw new Error(`expected ${k}=${String(v)}, got ${String(actual)} (${(err as Error).message})`);
      }
    }
    return err as T;
  }
  throw new Error('expected a rejection');
}
