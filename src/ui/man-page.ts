import type { Command, Option } from 'commander';
import { isHidden } from './completion-spec.js';
import { ENVIRONMENT } from './environment.js';

/** Facts the page states that commander does not hold. */
export interface ManPageInfo {
  version: string;
  bugsUrl: string;
  homepage: string;
}

/** Text as roff: backslashes escaped, dashes literal, no line starting with a control character. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

function optionItem(o: Option): string {
  return `.TP\n.B ${roff(o.flags)}\n${roff(o.description)}${o.argChoices ? roff(` (${o.argChoices.join(', ')})`) : ''}`;
}

/** The "after" help text commander holds for a command (examples), if any. */
function examplesOf(cmd: Command): string[] {
  const lines: string[] = [];
  // commander keeps addHelpText listeners on the 'afterHelp' event; render them into a buffer.
  const ctx = { error: false, command: cmd, write: (s: string) => lines.push(s) };
  for (const listener of (cmd as unknown as NodeJS.EventEmitter).listeners('afterHelp'))
    (listener as (c: typeof ctx) => void)(ctx);
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

function commandSection(cmd: Command): string {
  const usage = `${cmd.name()} ${cmd.usage()}`.replace(/\s*\[options\]/, ' [options]');
  const parts = [`.SS ${roff(usage)}`, roff(cmd.description())];
  if (cmd.aliases().length) parts.push(`.br\nAlias: ${roff(cmd.aliases().join(', '))}.`);
  const args = cmd.registeredArguments.filter((a) => a.description);
  for (const a of args) parts.push(`.TP\n.I ${roff(a.name())}\n${roff(a.description)}`);
  for (const o of cmd.options.filter((o) => !o.hidden)) parts.push(optionItem(o));
  const examples = examplesOf(cmd);
  if (examples.length) parts.push('.PP', '.nf', ...examples.map((l) => roff(l.replace(/^ {2}/, ''))), '.fi');
  return parts.join('\n');
}

/** The cloudsync(1) page generated from the commander program: the same source as the completions. */
export function generateManPage(program: Command, info: ManPageInfo): string {
  const name = program.name();
  const sections = [
    `.TH ${name.toUpperCase()} 1 "" "${name} ${info.version}" "User Commands"`,
    '.SH NAME',
    `${name} \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    `.B ${name}\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]`,
    '.SH DESCRIPTION',
    roff(
      'cloudsync keeps chosen folders and documents of an on-premise repository and a cloud repository in step. ' +
        'A sync set ties on-premise nodes to a cloud folder; a pass detects changes on both sides, plans, ' +
        'checks the safety guards and applies. Each command below accepts the global options before or after its name.',
    ),
    '.SH GLOBAL OPTIONS',
    ...program.options.filter((o) => !o.hidden).map(optionItem),
    '.SH COMMANDS',
    ...program.commands.filter((c) => !isHidden(c)).map(commandSection),
    '.SH EXIT STATUS',
    ...[
      ['0', 'success; everything in sync'],
      ['1', 'unexpected internal error'],
      ['2', 'usage or configuration error'],
      ['3', 'the pass completed but at least one member failed'],
      ['4', 'authentication failed or required'],
      ['5', 'aborted by a safety guard; nothing was changed'],
      ['6', 'another pass holds the lock'],
      ['7', 'a side could not be reached (temporary)'],
    ].map(([c, m]) => `.TP\n.B ${c}\n${roff(m)}`),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.map((e) => `.TP\n.B ${roff(e.name)}\n${roff(e.meaning)}`),
    '.SH FILES',
    roff(
      'Under the home: config.json (profiles and connections), credentials.json (0600), ' +
        'state/<profile>/<set-id>.json, backups/ (conflict losers), logs/cloudsync.log.',
    ),
    '.SH BUGS',
    `Report them at ${roff(info.bugsUrl)}.`,
    '.SH SEE ALSO',
    roff(info.homepage),
  ];
  return `${sections.join('\n')}\n`;
}
