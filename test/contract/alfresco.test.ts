// The shared connector contract, run against AlfrescoConnector and the ACS emulator in a child process
// (out of process, so the suite's memory bounds measure the connector rather than the emulator's store).
import { AlfrescoConnector, alfrescoLogin } from '../../src/connectors/alfresco/index.js';
import { spawnEmulator } from '../alfresco/spawn-emulator.js';
import { describeConnectorContract } from './connector-contract.js';

describeConnectorContract('alfresco', async () => {
  const emu = await spawnEmulator(['--user', 'alice:alice-pw', '--site', 'site1']);
  const opts = {
    url: emu.url,
    side: 'cloud' as const,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50, maxTotalMs: 1000 },
  };
  const { ticket } = await alfrescoLogin(opts, 'alice', 'alice-pw');
  const connector = new AlfrescoConnector(opts, { ticket });
  return { connector, rootPath: 'site1', cleanup: () => emu.stop() };
});
