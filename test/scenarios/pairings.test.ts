import type { Side } from '../../src/connectors/types.js';
import { AlfrescoDriver } from './alfresco-driver.js';
import { LocalDriver, type SideDriver } from './drivers.js';
import { runScenario } from './harness.js';
import { scenarios } from './rules.js';

type Make = (side: Side) => Promise<SideDriver>;
const local: Make = () => LocalDriver.create();
const alfresco: Make = (side) => AlfrescoDriver.create(side);

/** The same scenarios on every connector pairing (local ↔ local runs in local-local.test.ts). */
const pairings: { name: string; onprem: Make; cloud: Make }[] = [
  { name: 'local ↔ alfresco', onprem: local, cloud: alfresco },
  { name: 'alfresco ↔ local', onprem: alfresco, cloud: local },
  { name: 'alfresco ↔ alfresco', onprem: alfresco, cloud: alfresco },
];

for (const p of pairings) {
  describe(`scenarios: ${p.name}`, function () {
    // A hang, not a slow run: a busy machine (load 20 on 2 cores) stretches a long scenario past a minute.
    this.timeout(180_000);
    for (const s of scenarios) {
      const [on, , cl] = p.name.split(' ');
      const labels = [on!, cl!, `onprem:${on}`, `cloud:${cl}`];
      if (s.skipOn?.some((l) => labels.includes(l))) continue;
      it(`${s.name} (${s.rule})`, () =>
        runScenario(s, async () => ({ onprem: await p.onprem('onprem'), cloud: await p.cloud('cloud') })));
    }
  });
}
