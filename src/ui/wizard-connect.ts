import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Side } from '../connectors/types.js';
import { AuthError, CloudsyncError, UnreachableError, UsageError } from '../errors.js';
import { BACK_LABEL, GoBack, type Wizard } from './wizard.js';

/** A side's answers so far: exactly what `cloudsync login` would be given (the password never printed). */
export interface ConnectionAnswers {
  kind: 'local' | 'alfresco';
  /** Absolute folder, or server URL. */
  address: string;
  network?: string;
  username?: string;
  password?: string;
  caFile?: string;
}

/** One answer the user can correct after a failed connection test. */
export type AnswerField = 'folder' | 'url' | 'network' | 'username' | 'password' | 'caFile';

/** What a failed connection test means for the person at the terminal, and which answer most likely fixes it. */
export interface LoginProblem {
  field: AnswerField;
  message: string;
  hint?: string;
}

/** Classify a login failure; undefined for errors that are not about the answers (bugs propagate). */
export function classifyLoginFailure(
  err: unknown,
  kind: ConnectionAnswers['kind'],
): LoginProblem | undefined {
  if (!(err instanceof CloudsyncError)) return undefined;
  if (err instanceof AuthError)
    return { field: 'password', message: `the server refused the user name or password (${err.message})` };
  if (err instanceof UnreachableError)
    return { field: 'url', message: `could not reach the server: ${err.message}`, hint: err.hint };
  if (err.code === 'TLS_CERTIFICATE') {
    return {
      field: 'caFile',
      message: `${err.message}: the server's certificate is not trusted`,
      hint: 'if it uses a private CA, give its PEM file (what `cloudsync login --ca-file` takes)',
    };
  }
  if (err instanceof UsageError)
    return { field: kind === 'local' ? 'folder' : 'url', message: err.message, hint: err.hint };
  return undefined;
}

/** `~/x` and relative paths as the shell would read them. */
export function expandFolder(input: string): string {
  const v = input.trim();
  return path.resolve(v === '~' || v.startsWith('~/') ? path.join(os.homedir(), v.slice(1)) : v);
}

async function validateFolder(v: string): Promise<true | string> {
  const st = await stat(expandFolder(v)).catch(() => null);
  return st?.isDirectory() ? true : `${expandFolder(v)} is not an existing folder`;
}

function validateUrl(v: string): true | string {
  try {
    const u = new URL(v.trim());
    return /^https?:$/.test(u.protocol) ? true : 'the URL starts with https:// (or http:// to this machine)';
  } catch {
    return 'not a URL; e.g. https://acs.example.com or https://acs.example.com/alfresco';
  }
}

const LABELS: Record<AnswerField, string> = {
  folder: 'the folder',
  url: 'the server URL',
  network: 'the network (tenant)',
  username: 'the user name',
  password: 'the password',
  caFile: 'the CA certificate file (--ca-file)',
};

/** Ask one answer (again), keeping the earlier value as the default where it is not a secret. */
async function askField(w: Wizard, side: Side, a: ConnectionAnswers, field: AnswerField): Promise<void> {
  const { q, ctx } = w;
  const prev = (v: string | undefined): string | undefined => (v === '' ? undefined : v);
  switch (field) {
    case 'folder':
      a.address = expandFolder(
        await q.input(
          { message: `${side} folder:`, default: prev(a.address), required: true, validate: validateFolder },
          ctx,
        ),
      );
      return;
    case 'url':
      a.address = (
        await q.input(
          { message: `${side} server URL:`, default: prev(a.address), required: true, validate: validateUrl },
          ctx,
        )
      )
        .trim()
        .replace(/\/+$/, '');
      return;
    case 'network':
      a.network =
        (
          await q.input(
            { message: 'Network (tenant), empty for the default:', default: a.network ?? '' },
            ctx,
          )
        ).trim() || undefined;
      return;
    case 'username':
      a.username = (
        await q.input({ message: 'User name:', default: a.username, required: true }, ctx)
      ).trim();
      return;
    case 'password':
      a.password = await q.password({ message: 'Password:', mask: '*' }, ctx);
      return;
    case 'caFile':
      a.caFile = expandFolder(
        await q.input({ message: 'CA certificate file (PEM):', default: a.caFile, required: true }, ctx),
      );
      return;
  }
}

/**
 * Ask how one side is reached and test it with `tryLogin` (which saves it). On failure say what went wrong
 * and let the user correct just the answer at fault, then test again: never start over.
 */
export async function askConnection(
  w: Wizard,
  side: Side,
  tryLogin: (a: ConnectionAnswers) => Promise<string | undefined>,
  canGoBack = false,
): Promise<ConnectionAnswers> {
  const kind = await w.q.select<ConnectionAnswers['kind'] | 'back'>(
    {
      message: `${side === 'onprem' ? 'On-premise side' : 'Cloud side'}: what is it?`,
      choices: [
        {
          name: 'a local folder',
          value: 'local',
          description: 'a folder on this machine acts as the repository',
        },
        {
          name: 'an Alfresco server',
          value: 'alfresco',
          description: 'Alfresco Content Services, REST API v1',
        },
        ...(canGoBack ? [{ name: BACK_LABEL, value: 'back' as const }] : []),
      ],
    },
    w.ctx,
  );
  if (kind === 'back') throw new GoBack();
  const a: ConnectionAnswers = { kind, address: '' };
  const first: AnswerField[] = kind === 'local' ? ['folder'] : ['url', 'network', 'username', 'password'];
  for (const f of first) await askField(w, side, a, f);
  for (;;) {
    try {
      const user = await tryLogin(a);
      w.out.info(
        `${side}: ${kind === 'local' ? `local folder ${a.address}` : `logged in to ${a.address} as ${user}`}`,
      );
      return a;
    } catch (err) {
      const problem = classifyLoginFailure(err, kind);
      if (!problem) throw err;
      w.out.error(problem.message, problem.hint);
      w.out.log?.write('warn', `setup: ${side}: ${problem.message}`);
      const fields: AnswerField[] =
        kind === 'local' ? ['folder'] : ['password', 'username', 'url', 'network', 'caFile'];
      const fix = await w.q.select<AnswerField | 'stop'>(
        {
          message: 'What do you want to change?',
          choices: [
            ...fields.map((f) => ({ name: LABELS[f], value: f })),
            { name: 'stop the setup', value: 'stop' as const },
          ],
          default: problem.field,
        },
        w.ctx,
      );
      if (fix === 'stop') throw err;
      await askField(w, side, a, fix);
    }
  }
}
