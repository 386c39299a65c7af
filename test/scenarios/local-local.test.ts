import { LocalDriver } from './drivers.js';
import { runScenario } from './harness.js';
import { scenarios } from './rules.js';

describe('scenarios: local ↔ local', function () {
  this.timeout(60_000);
  for (const s of scenarios) {
    if (s.skipOn?.includes('local')) continue;
    it(`${s.name} (${s.rule})`, () =>
      runScenario(s, async () => ({
        onprem: await LocalDriver.create(),
        cloud: await LocalDriver.create(),
      })));
  }
});
