// CLI: run the emulator by hand or from scripts until SIGINT/SIGTERM.
// Usage: node dist/test/support/emulator/main.js --port 8081 [--user bob:pw ...] [--site s1 ...]
//   [--member s1:bob:SiteConsumer ...] [--network acme ...] [--max-upload BYTES] [--quota BYTES]
//   [--fault-rate 0.1] [--fault-kinds 500,reset] [--fault-seed 7] [--ticket-ttl MS]
//   [--events stomp://127.0.0.1:61613]   (publish every change as an ACS event2 message to that broker)
// Every --user becomes SiteCollaborator of every --site unless a --member entry says otherwise.
import { type EmulatorOptions, type SiteRole, startEmulator } from './index.js';
import type { FaultKind } from './faults.js';

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
        console.log('see the header of test/support/emulator/main.ts for options');
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
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`emulator: ${(e as Error).message}`);
  process.exit(2);
});
