/** The commander tree. Commands are registered only when they work end to end. */
import { Command, CommanderError, Option } from 'commander';
import { ClusterctlError } from '../errors.js';
import { formatError } from '../ui/errors.js';
import { createContext, type CliContext, type CliIo, type GlobalOptions } from './context.js';
import { registerAlpha } from './commands/rollout.js';
import { registerBootstrap } from './commands/bootstrap.js';
import { registerCompletion } from './commands/completion.js';
import { registerConfig } from './commands/config.js';
import { registerDelete } from './commands/delete.js';
import { registerDescribe } from './commands/describe.js';
import { registerGenerate } from './commands/generate.js';
import { registerGet } from './commands/get.js';
import { registerInit } from './commands/init.js';
import { registerMove } from './commands/move.js';
import { registerUpgrade } from './commands/upgrade.js';
import { registerVersion } from './commands/version.js';

export type CommandRunner = <O>(
  fn: (ctx: CliContext, opts: O, args: string[], command: Command) => Promise<void> | void,
) => (...args: unknown[]) => Promise<void>;

export interface ProgramState {
  exitCode: number;
}

export function buildProgram(io: CliIo, state: ProgramState): Command {
  const program = new Command('clusterctl');
  program
    .description('clusterctl controls the lifecycle of a Cluster API management cluster')
    .addOption(
      new Option(
        '--config <path>',
        'Path to clusterctl configuration (default is `$XDG_CONFIG_HOME/cluster-api/clusterctl.yaml`) or to a remote location (i.e. https://example.com/clusterctl.yaml)',
      ),
    )
    .addOption(
      new Option(
        '-v, --v <level>',
        'Set the log level verbosity. This overrides the CLUSTERCTL_LOG_LEVEL environment variable.',
      ),
    )
    .addOption(
      new Option(
        '--kubeconfig <path>',
        'Path to a kubeconfig file to use for the management cluster. If empty, default discovery rules apply.',
      ),
    )
    .addOption(
      new Option(
        '--kubeconfig-context <context>',
        'Context to be used within the kubeconfig file. If empty, current context will be used.',
      ),
    )
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();

  const run: CommandRunner =
    <O>(fn: (ctx: CliContext, opts: O, args: string[], command: Command) => Promise<void> | void) =>
    async (...actionArgs: unknown[]) => {
      const command = actionArgs[actionArgs.length - 1] as Command;
      const opts = command.opts<O & { output?: string }>();
      const global = command.optsWithGlobals<GlobalOptions>();
      let ctx: CliContext;
      try {
        ctx = createContext(io, global, opts.output);
      } catch (error) {
        throw new ClusterctlError('INVALID_ARGUMENT', error instanceof Error ? error.message : String(error));
      }
      const positional = command.args;
      try {
        await fn(ctx, opts, positional, command);
      } catch (error) {
        const formatted = formatError(error, { verbosity: ctx.verbosity, color: ctx.color });
        io.stderr.write(formatted.text + '\n');
        state.exitCode = formatted.exitCode;
      }
    };

  registerAlpha(program, run);
  registerBootstrap(program, run);
  registerCompletion(program, run);
  registerConfig(program, run);
  registerDelete(program, run);
  registerDescribe(program, run);
  registerGenerate(program, run);
  registerGet(program, run);
  registerInit(program, run);
  registerMove(program, run);
  registerUpgrade(program, run);
  registerVersion(program, run);
  return program;
}

/** Runs the CLI with the given argv (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const state: ProgramState = { exitCode: 0 };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version displays end with exit code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    const formatted = formatError(error, { verbosity: 0, color: false });
    io.stderr.write(formatted.text + '\n');
    return formatted.exitCode;
  }
  return state.exitCode;
}
