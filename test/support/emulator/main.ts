// CLI: run the emulator by hand or from scripts until SIGINT/SIGTERM.
// Usage: node dist/test/support/emulator/main.js --port 8081 [--user bob:pw ...] [--site s1 ...]
//   [--member s1:bob:SiteConsumer ...] [--network acme ...] [--max-upload BYTES] [--quota BYTES]
//   [--fault-rate 0.1] [--fault-kinds 500,reset] [--fault-seed 7] [--ticket-ttl MS]
//   [--events stomp://127.0.0.1:61613]   (publish every change as an ACS event2 message to that broker)
// Every --user becomes SiteCollaborator of every --site unless a --member entry says otherwise.
import { type EmulatorOptions, type SiteRole, startEmulator } from './index.js';
import type { FaultKind } from './faults.js';

/** `--help`: the real options, with what each does. */
export const HELP = `Usage: npm run emulator -- [options]
       node dist/test/support/emulator/main.js [options]

An Alfresco Content Services REST API emulator on 127.0.0.1, for trying cloudsync without a server.

Options:
  --port <n>             port to listen on (default 8081; 0 picks a free one)
  --user <name:pw>       add a user (repeatable); admin:admin always exists
  --site <id>            create a site (repeatable); every --user is its SiteCollaborator
  --member <site:user:role>
                         set a site role (SiteConsumer, SiteContributor, SiteCollaborator, SiteManager)
  --network <id>         add a tenant network besides -default- (repeatable)
  --max-upload <bytes>   refuse uploads above this size (CONTENT_LIMIT_VIOLATION)
  --quota <bytes>        total content quota (QUOTA_LIMIT_VIOLATION)
  --fault-rate <0..1>    fraction of requests that fail
  --fault-kinds <list>   which faults, comma-separated (e.g. 500,reset)
  --fault-seed <n>       seed for the fault sequence (repeatable runs)
  --ticket-ttl <ms>      tickets expire after this long
  -h, --help             this text

Example:
  npm run emulator -- --port 8081 --user bob:secret --site marketing
  cloudsync login cloud http://127.0.0.1:8081 --username bob
`;

function parse(argv: string[]): { opts: EmulatorOptions; sites: string[]; members: string[] } {
  const opts: EmulatorOptions = { port: 8081, users: [] };
  const sites: string[] = [];
  const members: string[] = [];
  let faultRate = 0;
  let kinds: FaultKind[] | undefined;
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const num = (): number => {
      const n = Number(val());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} needs a non-negative number`);
      return n;
    };
    switch (arg) {
      case '--port':
        opts.port = num();
        break;
      case '--user': {
        const [name, ...pw] = val().split(':');
        if (!name || !pw.length) throw new Error('--user expects name:password');
        opts.users!.push({ name, password: pw.join(':') });
        break;
      }
      case '--site':
        sites.push(val());
        break;
      case '--member':
        members.push(val());
        break;
      case '--network':
        (opts.networks ??= []).push(val());
        break;
      case '--max-upload':
        opts.maxUploadBytes = num();
        break;
      case '--quota':
        opts.quotaBytes = num();
        break;
      case '--fault-rate':
        faultRate = num();
        break;
      case '--fault-kinds':
        kinds = val().split(',') as FaultKind[];
        break;
      case '--fault-seed':
        seed = num();
        break;
      case '--ticket-ttl':
        opts.ticketTtlMs = num();
        break;
      case '--events':
        opts.events = argv[++i];
        break;
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (faultRate > 0) opts.faults = { rate: faultRate, kinds, seed };
  return { opts, sites, members };
}

async function main(): Promise<void> {
  const { opts, sites, members } = parse(process.argv.slice(2));
  const emu = await startEmulator(opts);
  for (const id of sites) {
    const list = (opts.users ?? [])
      .filter((u) => u.name !== 'admin')
      .map((u) => ({ id: u.name, role: 'SiteCollaborator' as SiteRole }));
    emu.createSite(id, { members: list });
  }
  for (const m of members) {
    const [site, user, role] = m.split(':');
    emu.setMember(site!, user!, (role ?? 'SiteCollaborator') as SiteRole);
  }
  console.log(`emulator listening on ${emu.url}`);
  const users = [
    'admin:admin',
    ...(opts.users ?? []).filter((u) => u.name !== 'admin').map((u) => `${u.name}:${u.password}`),
  ];
  console.log(`users: ${users.join(' ')}`);
  console.log(`sites: ${sites.length ? sites.join(' ') : '(none; add with --site <id>)'}`);
  console.log(`try:   cloudsync login cloud ${emu.url} --username ${opts.users?.[0]?.name ?? 'admin'}`);
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`emulator: ${(e as Error).message} (see --help)`);
  process.exit(2);
});
