import type { Command } from 'commander';
import { bashCompletion } from './completion-bash.js';
import { fishCompletion } from './completion-fish.js';
import { completionSpec } from './completion-spec.js';
import { zshCompletion } from './completion-zsh.js';

/** Shells `cloudsync completion` knows. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The committed file name of each shell's script under completions/. */
export const COMPLETION_FILES: Record<Shell, string> = {
  bash: 'cloudsync.bash',
  zsh: '_cloudsync',
  fish: 'cloudsync.fish',
};

/** The completion script for `shell`, generated from the commander program (one source of truth). */
export function generateCompletion(program: Command, shell: Shell): string {
  const spec = completionSpec(program);
  switch (shell) {
    case 'bash':
      return bashCompletion(spec);
    case 'zsh':
      return zshCompletion(spec);
    case 'fish':
      return fishCompletion(spec);
  }
}
