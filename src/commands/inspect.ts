import type { Command } from 'commander';
import { explainFailure, failureSummary, toInspectView } from '../engine/views.js';
import { formatRelativeTime } from '../ui/format.js';
import { colorStatus } from '../ui/status.js';
import { renderPairs, renderTable } from '../ui/table.js';
import { openStore } from './context.js';
import { commandAction, type Globals, type Runtime } from './runtime.js';

/** `cloudsync inspect <set-id>`: definition, options, members, what each failure means, and conflict backups. */
export async function runInspect(g: Globals, prefix: string): Promise<number> {
  const store = openStore(g);
  const view = toInspectView(await store.load(await store.resolveId(prefix)));
  const c = g.out.color;
  await g.out.pagedResult(
    view,
    () => {
      const o = view.options;
      const parts = [
        renderPairs(c, [
          ['id', view.id],
          ['name', view.name],
          ['kind', view.kind],
          ['target', view.target || '/'],
          ['status', colorStatus(c, view.status)],
          ['last sync', formatRelativeTime(view.lastSyncAt)],
          ['created', view.createdAt],
          [
            'options',
            [
              `conflict=${o.conflict}`,
              `lock-onprem=${o.lockOnPrem}`,
              `delete-on-cloud=${o.deleteOnCloud}`,
              `delete-onprem=${o.deleteOnPrem}`,
              ...(view.kind === 'folder' ? [`subfolders=${o.includeSubfolders}`] : []),
            ].join(' '),
          ],
          ['excludes', view.excludes.length ? view.excludes.join(' ') : '(defaults only)'],
          ...view.changes.map((ch): [string, string] => ['changed', `${ch.time}  ${ch.changes.join('; ')}`]),
        ]),
        '',
        renderTable(
          c,
          ['ON-PREM', '', 'CLOUD', 'DIRECT', 'STATUS', 'ERROR', 'LAST SYNC'],
          view.members.map((m) => [
            m.onpremPath ?? '-',
            '↔',
            m.cloudPath ?? '-',
            m.direct ? 'yes' : '',
            colorStatus(c, m.status),
            m.errorCode ? `${m.errorCode}${m.errorDetails ? `: ${m.errorDetails}` : ''}` : '',
            formatRelativeTime(m.lastSyncAt),
          ]),
        ),
      ];
      const failures = failureSummary(view.members);
      if (failures.length) {
        parts.push('', c.bold('What the failures mean:'));
        for (const f of failures) {
          const e = explainFailure(f.code);
          parts.push(
            `  ${c.red(f.code)} (${f.count})`,
            `    ${e.meaning}`,
            `    fix: ${e.remedy.replaceAll('<set>', view.id.slice(0, 8))}`,
          );
        }
      }
      if (view.backups.length) {
        parts.push('', c.bold('Conflict backups (the losing bytes, kept):'));
        for (const b of view.backups)
          parts.push(`  ${b.time}  ${b.side} ${b.memberPath}  -> ${b.file}  (${b.reason})`);
      }
      return parts.join('\n');
    },
    g.rt.env,
  );
  return 0;
}

/** Register `inspect`. */
export function registerInspect(program: Command, rt: Runtime): void {
  program
    .command('inspect')
    .description('show a sync set: definition, options, every member with its status and what failures mean')
    .argument('<set-id>', 'set id or any unique prefix')
    .addHelpText(
      'after',
      `
Examples:
  $ cloudsync inspect 3f2a
  $ cloudsync inspect 3f2a --json | jq '.members[] | select(.status == "FAILED")'`,
    )
    .action(commandAction(rt, (g, cmd) => runInspect(g, cmd.processedArgs[0] as string)));
}
