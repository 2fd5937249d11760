/**
 * The commander tree. Commands are registered only when they work end to end. Each command file is
 * imported only when needed: a run of `clusterctl version` loads the version command and what it
 * uses, not the YAML, Kubernetes and spinner code of the others (start-up is most of a short
 * command's time). Root help, `help`, completion and anything unrecognised load them all.
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { ClusterctlError } from '../errors.js';
import { formatError } from '../ui/errors.js';
import { createContext, type CliContext, type CliIo, type CommandRunner, type GlobalOptions } from './context.js';

/** Defined in context.ts (commands import it from there); re-exported for commands not yet moved over. */
export type { CommandRunner };

export interface ProgramState {
  exitCode: number;
}

type Register = (program: Command, run: CommandRunner) => void;

/** The command files in registration order (the order help lists them) and the top-level names each adds. */
export const commandModules: readonly { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['alpha'], load: async () => (await import('./commands/rollout.js')).registerAlpha },
  { names: ['create', 'bootstrap'], load: async () => (await import('./commands/bootstrap.js')).registerBootstrap },
  // completion prints the whole tree, so it is not listed by name: it always loads every command.
  { names: [], load: async () => (await import('./commands/completion.js')).registerCompletion },
  { names: ['config'], load: async () => (await import('./commands/config.js')).registerConfig },
  { names: ['delete'], load: async () => (await import('./commands/delete.js')).registerDelete },
  { names: ['describe'], load: async () => (await import('./commands/describe.js')).registerDescribe },
  { names: ['generate'], load: async () => (await import('./commands/generate.js')).registerGenerate },
  { names: ['get'], load: async () => (await import('./commands/get.js')).registerGet },
  { names: ['init'], load: async () => (await import('./commands/init.js')).registerInit },
  { names: ['move'], load: async () => (await import('./commands/move.js')).registerMove },
  { names: ['publish'], load: async () => (await import('./commands/publish.js')).registerPublish },
  { names: ['upgrade'], load: async () => (await import('./commands/upgrade.js')).registerUpgrade },
  { names: ['version'], load: async () => (await import('./commands/version.js')).registerVersion },
];

/** Global options that take a value as the next argument (`--kubeconfig PATH`). */
const globalValueFlags = new Set(['--config', '-v', '--v', '--kubeconfig', '--kubeconfig-context']);

/** The top-level command argv names (the first word that is neither a global flag nor its value). */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return arg;
    if (globalValueFlags.has(arg)) i++;
  }
  return undefined;
}

/** The registrations this argv needs: its command's file alone when it names one, else all of them. */
async function loadCommands(argv: readonly string[] | undefined): Promise<Register[]> {
  const word = argv && commandWord(argv);
  const own = word === undefined ? undefined : commandModules.find((m) => m.names.includes(word));
  return Promise.all((own ? [own] : commandModules).map((m) => m.load()));
}

/**
 * The program for this argv (see commandModules); without argv, the whole tree.
 */
export async function buildProgram(io: CliIo, state: ProgramState, argv?: readonly string[]): Promise<Command> {
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
    // Flags in help sorted by long name, byte-wise, as the Go tool lists them (subcommands inherit this).
    .configureHelp({ visibleOptions: (cmd) => new Help().visibleOptions(cmd).sort(byLongName) })
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
        ctx = await createContext(io, global, opts.output, commandPath(command));
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
      } finally {
        ctx.dispose();
      }
    };

  for (const register of await loadCommands(argv)) register(program, run);
  return program;
}

function byLongName(a: Option, b: Option): number {
  const key = (o: Option) => (o.long ?? o.short ?? '').replace(/^-+/, '');
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `upgrade apply` for that subcommand: the names below the root. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Runs the CLI with the given argv (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const state: ProgramState = { exitCode: 0 };
  const program = await buildProgram(io, state, argv);
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
