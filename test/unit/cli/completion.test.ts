import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const script = async (shell: string) => (await runCli(['completion', shell], { cwd: PROJECT_ROOT })).stdout;

/** What bash offers after the words typed so far, with the generated script loaded. */
function bashOffers(loaded: string, words: string[]): string[] {
  const program = `${loaded}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gitgrant; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('gitgrant completion', () => {
  it('completes commands and each command\'s own options in bash', async () => {
    const bash = await script('bash');
    expect(bashOffers(bash, ['gitgrant', 'exp'])).toEqual(['expire', 'explain']);
    expect(bashOffers(bash, ['gitgrant', 'list', '--st'])).toEqual(['--state']);
    expect(bashOffers(bash, ['gitgrant', 'apply', '--dr'])).toEqual(['--dry-run']);
  });

  it('offers every command that --help lists, in every shell', async () => {
    const help = (await runCli(['--help'], { cwd: PROJECT_ROOT })).stdout;
    const commands = help.slice(help.indexOf('Commands:')).split('\n').slice(1).map((l) => /^ {2}([a-z-]+)/.exec(l)?.[1]).filter((c): c is string => c !== undefined && c !== 'help');
    expect(commands).toContain('list');
    const bash = await script('bash');
    expect(bashOffers(bash, ['gitgrant', '']).filter((w) => !w.startsWith('-')).sort()).toEqual([...commands].sort());
    const fish = await script('fish');
    for (const command of commands) expect(fish).toContain(`complete -c gitgrant -n __fish_use_subcommand -a ${command}\n`);
    expect(await script('zsh')).toContain('bashcompinit');
  });

  it('refuses a shell it has no script for', async () => {
    const run = await runCli(['completion', 'powershell'], { cwd: PROJECT_ROOT });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('gitgrant: no completion for powershell\nhint: choose one of bash, zsh, fish\n');
  });
});
