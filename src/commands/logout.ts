import type { Command } from 'commander';
import { ConfigStore } from '../config/config.js';
import { CredentialStore } from '../config/credentials.js';
import { homeOf, parseSide } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** `cloudsync logout <side>`: end the server session if any, then forget the side's credentials and connection. */
export async function runLogout(g: Globals, sideArg: string): Promise<number> {
  const side = parseSide(sideArg);
  const config = new ConfigStore(homeOf(g));
  const credentials = new CredentialStore(homeOf(g));
  const conn = await config.getConnection(g.profile, side);
  if (!conn) {
    g.out.result({ side, profile: g.profile, loggedOut: false }, () => `${side}: not logged in`);
    return 0;
  }
  if (conn.kind === 'alfresco') {
    const creds = (await credentials.get(g.profile, side)) ?? {};
    try {
      const { alfrescoLogout } = await import('../connectors/alfresco/index.js');
      await alfrescoLogout(
        { url: conn.address, network: conn.network, caFile: conn.caFile, allowHttp: conn.allowHttp, side },
        creds,
      );
    } catch (err) {
      // The local secrets go regardless: a server we cannot reach must not keep them on disk.
      g.out.warn(`could not end the server session: ${(err as Error).message}`);
    }
  }
  await credentials.delete(g.profile, side);
  await config.deleteConnection(g.profile, side);
  g.out.result({ side, profile: g.profile, loggedOut: true, kind: conn.kind, address: conn.address }, () =>
    conn.kind === 'local'
      ? `${side}: forgot local folder ${conn.address}`
      : `${side}: logged out of ${conn.address}`,
  );
  return 0;
}

/** Register `logout`. */
export function registerLogout(program: Command, rt: Runtime): void {
  program
    .command('logout')
    .description("forget a side's connection and credentials (ends the server session)")
    .argument('<side>', 'onprem or cloud')
    .addHelpText(
      'after',
      `
Sync sets are kept; log in again to the same folder or server to go on syncing them.

Examples:
  $ cloudsync logout cloud
  $ cloudsync --profile staging logout onprem`,
    )
    .action(commandAction(rt, (g, cmd) => runLogout(g, cmd.processedArgs[0] as string)));
}
