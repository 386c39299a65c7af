// Mocha root hooks (loaded by --require from .mocharc*.json): the run leaves nothing in the temp directory.
import { removeTempDirs } from './cli.js';

/** Root hooks: after every test file has run, remove every folder tempDir() made. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await removeTempDirs();
  },
};
