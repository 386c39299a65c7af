import { LocalDriver } from './drivers.js';
import { runScenario } from './harness.js';
import { scenarios } from './rules.js';

describe('scenarios: local ↔ local', function () {
  // A hang, not a slow run: a busy machine (load 20 on 2 cores) stretches a long scenario past a minute.
  this.timeout(180_000);
  for (const s of scenarios) {
    if (s.skipOn?.includes('local')) continue;
    it(`${s.name} (${s.rule})`, () =>
      runScenario(s, async () => ({
        onprem: await LocalDriver.create(),
        cloud: await LocalDriver.create(),
      })));
  }
});
