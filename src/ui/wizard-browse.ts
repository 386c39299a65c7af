import type { BrowseEntry, Connector } from '../connectors/types.js';
import { UsageError } from '../errors.js';
import { BACK_LABEL, GoBack, type Wizard } from './wizard.js';

/** What was picked on the on-prem side: one folder, or documents (the two kinds of sync set). */
export interface MemberPick {
  kind: 'folder' | 'documents';
  paths: string[];
}

/** Where the set goes in the cloud; `mkdir` when it is a new folder the create step makes. */
export interface TargetPick {
  target: string;
  mkdir: boolean;
}

type Move =
  | { do: 'enter'; path: string }
  | { do: 'up' }
  | { do: 'this' }
  | { do: 'docs' }
  | { do: 'file'; path: string }
  | { do: 'new' }
  | { do: 'back' };

/** The folder above a SPEC path ('' above a top-level entry). */
export function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Names neither side can hold (alfresco's forbidden characters are the stricter set). */
export function validateFolderName(name: string, siblings: BrowseEntry[]): true | string {
  const n = name.trim();
  if (n === '' || n === '.' || n === '..') return 'give a name';
  if (/[*"<>\\/?:|]/.test(n) || n.endsWith('.'))
    return 'a name may not contain * " < > \\ / ? : | or end with "."';
  if (siblings.some((s) => s.name === n)) return `${n} already exists here; pick it from the list instead`;
  return true;
}

function browseOf(c: Connector): (path: string) => Promise<BrowseEntry[]> {
  if (!c.browse)
    throw new UsageError(`the ${c.kind} connector cannot be browsed`, 'use `cloudsync create` with paths');
  return (p) => c.browse!(p);
}

const display = (p: string): string => (p === '' ? '/' : p);

/**
 * Navigate the on-prem side and pick what to sync: a folder ("sync this folder"), one document, or several
 * documents of one folder with a checkbox. Folders that cannot be members (a site's document library) are
 * entered but never offered, as `checkMemberPath` says.
 */
export async function pickMembers(w: Wizard, c: Connector): Promise<MemberPick> {
  const browse = browseOf(c);
  let here = '';
  for (;;) {
    const entries = await browse(here);
    const files = entries.filter((e) => e.kind === 'file');
    const memberOk = here !== '' && !(await c.checkMemberPath?.(here));
    const choices: { name: string; value: Move }[] = [];
    if (memberOk) choices.push({ name: `✔ sync this folder (${here})`, value: { do: 'this' } });
    if (files.length > 1) choices.push({ name: '☐ pick several documents here…', value: { do: 'docs' } });
    if (here !== '') choices.push({ name: '.. (up)', value: { do: 'up' } });
    for (const e of entries)
      choices.push(
        e.kind === 'folder'
          ? { name: `${e.name}/`, value: { do: 'enter', path: e.path } }
          : { name: `${e.name}  (sync this document)`, value: { do: 'file', path: e.path } },
      );
    if (choices.length === 0) throw new UsageError(`there is nothing to sync in ${c.address}`);
    if (here === '') choices.push({ name: BACK_LABEL, value: { do: 'back' } }); // to the previous question
    const move = await w.q.select<Move>(
      {
        message: `On-prem ${display(here)}: pick a folder or documents to sync`,
        choices,
        pageSize: 15,
        loop: false,
      },
      w.ctx,
    );
    switch (move.do) {
      case 'back':
        throw new GoBack();
      case 'enter':
        here = move.path;
        break;
      case 'up':
        here = parentPath(here);
        break;
      case 'this':
        return { kind: 'folder', paths: [here] };
      case 'file':
        return { kind: 'documents', paths: [move.path] };
      case 'docs': {
        const paths = await w.q.checkbox<string>(
          {
            message: `Documents in ${display(here)}:`,
            choices: files.map((f) => ({ name: f.name, value: f.path })),
            required: true,
            pageSize: 15,
          },
          w.ctx,
        );
        return { kind: 'documents', paths };
      }
      case 'new':
        break;
    }
  }
}

/** Navigate the cloud side and pick the target folder, or name a new one that the create step makes. */
export async function pickTarget(w: Wizard, c: Connector): Promise<TargetPick> {
  const browse = browseOf(c);
  // The top is a folder for a local connection, a list of sites for alfresco: ask rather than check kinds.
  const topIsFolder = await c.resolvePath('').then(
    (n) => n?.kind === 'folder',
    () => false,
  );
  let here = '';
  for (;;) {
    const entries = await browse(here);
    const ok = here !== '' || topIsFolder;
    const choices: { name: string; value: Move }[] = [];
    if (ok) {
      choices.push({ name: `✔ put it here (${display(here)})`, value: { do: 'this' } });
      choices.push({ name: '+ new folder…', value: { do: 'new' } });
    }
    if (here !== '') choices.push({ name: '.. (up)', value: { do: 'up' } });
    for (const e of entries)
      if (e.kind === 'folder') choices.push({ name: `${e.name}/`, value: { do: 'enter', path: e.path } });
    if (choices.length === 0) throw new UsageError(`there is no folder to sync into in ${c.address}`);
    if (here === '') choices.push({ name: BACK_LABEL, value: { do: 'back' } }); // to the previous question
    const move = await w.q.select<Move>(
      { message: `Cloud ${display(here)}: where should it go?`, choices, pageSize: 15, loop: false },
      w.ctx,
    );
    if (move.do === 'back') throw new GoBack();
    if (move.do === 'enter') here = move.path;
    else if (move.do === 'up') here = parentPath(here);
    else if (move.do === 'this') return { target: here, mkdir: false };
    else if (move.do === 'new') {
      const name = (
        await w.q.input(
          {
            message: `New folder in ${display(here)}:`,
            required: true,
            validate: (v) => validateFolderName(v, entries),
          },
          w.ctx,
        )
      ).trim();
      // Chosen once is enough: the summary before "create" shows it as "(new folder)".
      return { target: here === '' ? name : `${here}/${name}`, mkdir: true };
    }
  }
}
