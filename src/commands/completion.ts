import { Argument, type Command } from 'commander';
import { generateCompletion, SHELLS, type Shell } from '../ui/completions.js';
import { commandAction, type Runtime } from './runtime.js';

/** Register `completion <shell>`: print the script generated from this very program. */
export function registerCompletion(program: Command, rt: Runtime): void {
  program
    .command('completion')
    .description('print the shell completion script (also shipped in completions/)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  $ source <(cloudsync completion bash)        # in ~/.bashrc
  $ cloudsync completion zsh > "\${fpath[1]}/_cloudsync"
  $ cloudsync completion fish > ~/.config/fish/completions/cloudsync.fish`,
    )
    .action(
      commandAction(
        rt,
        async (g, cmd) => {
          // Raw script even with --json: it is meant to be sourced, and JSON would be useless to a shell.
          g.rt.stdout.write(generateCompletion(program, cmd.processedArgs[0] as Shell));
        },
        { anyProfile: true },
      ),
    );
}
