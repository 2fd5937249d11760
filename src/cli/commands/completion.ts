/**
 * `clusterctl completion bash|zsh|fish`: shell completion generated from the command tree, so it
 * always matches the registered commands and flags.
 */
import type { Command } from 'commander';
import { ClusterctlError } from '../../errors.js';
import type { CommandRunner } from '../context.js';

interface Node {
  path: string[];
  subcommands: string[];
  flags: string[];
}

function collect(cmd: Command, path: string[], out: Node[], globalFlags: string[]): void {
  const flags = [
    ...globalFlags,
    ...cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))),
    '--help',
  ];
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  out.push({ path, subcommands: subs.map((c) => c.name()), flags: [...new Set(flags)] });
  for (const sub of subs) collect(sub, [...path, sub.name()], out, globalFlags);
}

function completionScript(program: Command, shell: string): string {
  const globalFlags = program.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
  const nodes: Node[] = [];
  collect(program, [], nodes, globalFlags);
  switch (shell) {
    case 'bash':
    case 'zsh': {
      const cases = nodes
        .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.flags].join(' ')}" ;;`)
        .join('\n');
      const body = `# clusterctl completion for ${shell}; load with: source <(clusterctl completion ${shell})
_clusterctl_ts_complete() {
  local cur path word words i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "$path" in
${nodes.map((n) => `      "${n.path.join(' ')}") [[ " ${n.subcommands.join(' ')} " == *" $word "* ]] && path="\${path:+$path }$word" ;;`).join('\n')}
    esac
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _clusterctl_ts_complete clusterctl
`;
      return shell === 'zsh'
        ? `#compdef clusterctl\nautoload -U +X bashcompinit && bashcompinit\n${body}compdef _clusterctl_ts_complete clusterctl 2>/dev/null || true\n`
        : body;
    }
    case 'fish': {
      const lines = [
        '# clusterctl completion for fish; load with: clusterctl completion fish | source',
        'complete -c clusterctl -f',
      ];
      for (const n of nodes) {
        const condition =
          n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
        for (const sub of n.subcommands) lines.push(`complete -c clusterctl -n '${condition}' -a ${sub}`);
        for (const flag of n.flags) {
          if (flag.startsWith('--')) lines.push(`complete -c clusterctl -n '${condition}' -l ${flag.slice(2)}`);
          else lines.push(`complete -c clusterctl -n '${condition}' -s ${flag.slice(1)}`);
        }
      }
      return lines.join('\n') + '\n';
    }
    default:
      throw new ClusterctlError('INVALID_ARGUMENT', `unsupported shell type "${shell}"`, {
        hint: 'Use one of: bash, zsh, fish.',
      });
  }
}

export function registerCompletion(program: Command, run: CommandRunner): void {
  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('Output shell completion code for the specified shell (bash, zsh or fish)')
    .action(
      run((ctx, _opts, args) => {
        ctx.out(completionScript(program, args[0] ?? ''));
      }),
    );
}
