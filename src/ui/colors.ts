import type { OutputMode, Streams } from './output.js';

/** One style: text in, text with escape codes (or as it was) out. */
type Paint = (text: string) => string;

/**
 * The styles cloudsync paints with. A chalk instance is one; `plainColors` is one without loading chalk,
 * which a run that cannot colour (--json, a pipe, NO_COLOR) never imports.
 */
export interface Colors {
  /** 0: no colour; 1–3: chalk's colour levels. */
  readonly level: number;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

const asIs: Paint = (text) => text;

/** No colour at all. */
export const plainColors: Colors = {
  level: 0,
  bold: asIs,
  dim: asIs,
  red: asIs,
  green: asIs,
  yellow: asIs,
  cyan: asIs,
};

/** True when an environment flag is set to something other than empty, "0" or "false". */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Whether the environment allows colour at all: not with NO_COLOR (any non-empty value, no-color.org),
 * FORCE_COLOR=0/false (the chalk convention), or TERM=dumb (a terminal that cannot draw it).
 */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && !envFlag(env.FORCE_COLOR)) return false;
  return env.TERM !== 'dumb';
}

let chalk: typeof import('chalk') | undefined;

/** Whether a stream may get colour: asked for, not inside JSON, and a terminal (or FORCE_COLOR). */
function mayColor(mode: OutputMode, isTTY: boolean): boolean {
  return mode.color && !mode.json && (isTTY || Boolean(mode.forceColor));
}

/** Load chalk when either stream may be coloured; call before making an Output. */
export async function loadColors(mode: OutputMode, streams: Streams): Promise<void> {
  if (mayColor(mode, streams.stdoutIsTTY) || mayColor(mode, streams.stderrIsTTY))
    chalk ??= await import('chalk');
}

/** The colours for one stream (chalk's detected level, at least 1, when it may be coloured). */
export function colorsFor(mode: OutputMode, isTTY: boolean, stream: 'stdout' | 'stderr'): Colors {
  if (!mayColor(mode, isTTY)) return plainColors;
  if (!chalk) throw new Error('internal: colours wanted before loadColors()');
  const detected = stream === 'stdout' ? chalk.supportsColor : chalk.supportsColorStderr;
  return new chalk.Chalk({ level: (detected ? Math.max(detected.level, 1) : 1) as 1 | 2 | 3 });
}
