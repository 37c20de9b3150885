/**
 * Shell completion scripts, generated from the commands and options the CLI declares, so they
 * cannot drift from `--help`. Pure: the command tree in, a script out.
 */
import { compareText } from '../../core/text/compare-text.js';

export interface CompletableCommand {
  name: string;
  /** Long options, e.g. `--repo`. */
  options: string[];
}

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

export function completionScript(shell: Shell, commands: readonly CompletableCommand[]): string {
  const sorted = [...commands].sort((a, b) => compareText(a.name, b.name));
  if (shell === 'fish') return fishScript(sorted);
  return bashScript(sorted, shell === 'zsh');
}

function bashScript(commands: readonly CompletableCommand[], forZsh: boolean): string {
  const cases = commands.map((c) => `    ${c.name}) opts="${c.options.join(' ')}" ;;`).join('\n');
  return [
    '# gitgrant completion; load it with: source <(gitgrant completion ' + (forZsh ? 'zsh' : 'bash') + ')',
    ...(forZsh ? ['autoload -U +X bashcompinit && bashcompinit'] : []),
    '_gitgrant() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" opts',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} --help --version" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "${COMP_WORDS[1]}" in',
    cases,
    '    *) opts="" ;;',
    '  esac',
    '  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts --help" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi',
    '}',
    'complete -F _gitgrant gitgrant',
    '',
  ].join('\n');
}

function fishScript(commands: readonly CompletableCommand[]): string {
  const lines = ['# gitgrant completion; load it with: gitgrant completion fish | source', 'complete -c gitgrant -f'];
  for (const c of commands) {
    lines.push(`complete -c gitgrant -n __fish_use_subcommand -a ${c.name}`);
    for (const option of c.options) lines.push(`complete -c gitgrant -n '__fish_seen_subcommand_from ${c.name}' -l ${option.replace(/^--/, '')}`);
  }
  return lines.join('\n') + '\n';
}
