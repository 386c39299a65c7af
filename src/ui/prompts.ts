import type { Runtime } from '../commands/runtime.js';

/** Read all of stdin as one secret, dropping the final line break (`echo $PW | cloudsync login ...`). */
export async function readStdinSecret(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Prompts draw on stderr so stdout stays clean for results. */
function promptContext(rt: Runtime): { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } {
  return { input: rt.stdin, output: rt.stderr };
}

/** Ask for a secret with masked echo (only called when a person is at a terminal). */
export async function promptSecret(rt: Runtime, message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '*' }, promptContext(rt));
}

/** Ask for a line of text (only called when a person is at a terminal). */
export async function promptText(rt: Runtime, message: string, defaultValue?: string): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, default: defaultValue, required: true }, promptContext(rt));
}

/** Ask a yes/no question (only called when a person is at a terminal); Ctrl-C cancels. */
export async function promptConfirm(rt: Runtime, message: string, defaultValue = false): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: defaultValue }, promptContext(rt));
}
