import type { Runtime } from '../commands/runtime.js';
import type { Output } from './output.js';

/** The prompt library; a type only, so loading this file never loads @inquirer/prompts. */
export type Inquirer = typeof import('@inquirer/prompts');

/** What every wizard step needs: the prompts, where they draw, and the output for notes and errors. */
export interface Wizard {
  q: Inquirer;
  /** Prompts read stdin and draw on stderr, so stdout keeps only results. */
  ctx: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  out: Output;
}

/** Load the prompts (only when someone is at a terminal to answer them). */
export async function openWizard(rt: Runtime, out: Output): Promise<Wizard> {
  return { q: await import('@inquirer/prompts'), ctx: { input: rt.stdin, output: rt.stderr }, out };
}

/** Thrown by a step when the user picks "← back": the wizard returns to the previous step. */
export class GoBack extends Error {
  constructor() {
    super('back');
    this.name = 'GoBack';
  }
}

/** The label of the "previous question" choice every wizard list offers (but the very first). */
export const BACK_LABEL = '← back';

/** Quote one argument for a POSIX shell, only when it needs it, so printed commands stay readable. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
