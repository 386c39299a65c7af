import assert from 'node:assert/strict';
import { AuthError, CloudsyncError, ExitCode, UnreachableError, UsageError } from '../../src/errors.js';
import { shellQuote } from '../../src/ui/wizard.js';
import { parentPath, validateFolderName } from '../../src/ui/wizard-browse.js';
import { classifyLoginFailure } from '../../src/ui/wizard-connect.js';
import { equivalentCommands, renderSummary, type SetupPlan } from '../../src/ui/wizard-options.js';
import { DEFAULT_OPTIONS } from '../../src/store/schema.js';

const plan = (over: Partial<SetupPlan> = {}): SetupPlan => ({
  profile: 'default',
  name: 'Plans',
  sides: {
    onprem: { kind: 'alfresco', address: 'https://acs.example.com', username: 'bob', password: 'pw-secret' },
    cloud: { kind: 'local', address: "/srv/bob's cloud" },
  },
  members: { kind: 'folder', paths: ['marketing/Plans'] },
  target: { target: 'Shared/New', mkdir: true },
  options: { ...DEFAULT_OPTIONS },
  ...over,
});

describe('setup wizard: pure pieces', () => {
  it('says which answer a failed connection test points at', () => {
    const cases: [unknown, 'local' | 'alfresco', string | undefined][] = [
      [new AuthError('login failed for bob'), 'alfresco', 'password'],
      [new UnreachableError('http://x unreachable'), 'alfresco', 'url'],
      [
        new CloudsyncError('TLS certificate not trusted', ExitCode.usage, 'TLS_CERTIFICATE'),
        'alfresco',
        'caFile',
      ],
      [new UsageError('plain http refused'), 'alfresco', 'url'],
      [new UsageError('/x overlaps the cloud folder'), 'local', 'folder'],
      [new Error('a bug'), 'alfresco', undefined],
    ];
    for (const [err, kind, field] of cases)
      assert.equal(classifyLoginFailure(err, kind)?.field, field, String(err));
    assert.match(
      classifyLoginFailure(new CloudsyncError('x', ExitCode.usage, 'TLS_CERTIFICATE'), 'alfresco')!.hint!,
      /--ca-file/,
    );
  });

  it('prints the equivalent commands without secrets, with only non-default flags', () => {
    const cmds = equivalentCommands(plan());
    assert.deepEqual(cmds, [
      'cloudsync login onprem https://acs.example.com --username bob --password-stdin',
      "cloudsync login cloud '/srv/bob'\\''s cloud'",
      'cloudsync create marketing/Plans --target Shared/New --mkdir',
    ]);
    assert.doesNotMatch(cmds.join('\n') + renderSummary(plan()), /pw-secret/);
    const changed = equivalentCommands(
      plan({
        profile: 'staging',
        home: '/srv/cloudsync home',
        name: 'Q3 plans',
        members: { kind: 'documents', paths: ['s/a b.txt', 's/c.txt'] },
        target: { target: '', mkdir: false },
        options: {
          lockOnPrem: true,
          deleteOnCloud: false,
          deleteOnPrem: true,
          includeSubfolders: false,
          conflict: 'keep-both',
        },
      }),
    );
    assert.equal(
      changed[2],
      "cloudsync --home '/srv/cloudsync home' --profile staging create 's/a b.txt' s/c.txt --target '' --name 'Q3 plans' --lock-onprem --no-delete-on-cloud --delete-onprem --conflict keep-both",
    );
    assert.match(changed[0]!, /^cloudsync --home '\/srv\/cloudsync home' --profile staging login onprem /);
  });

  it('shell quoting survives a round trip through sh', async () => {
    const { execFileSync } = await import('node:child_process');
    for (const s of ["it's", 'a b', '$HOME', '', 'plain/path.txt', '*"?']) {
      assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' }), s);
    }
  });

  it('new folder names: refused when empty, forbidden or already there', () => {
    const siblings = [{ name: 'Shared', path: 'Shared', kind: 'folder' as const }];
    assert.equal(validateFolderName('Incoming', siblings), true);
    for (const bad of ['', '..', 'a/b', 'what?', 'dot.', 'Shared'])
      assert.equal(typeof validateFolderName(bad, siblings), 'string', bad);
    assert.deepEqual(['a/b/c', 'a', ''].map(parentPath), ['a/b', '', '']);
  });
});
