/**
 * Git for the lifecycle jobs: plumbing with its own environment (a temporary index, a token header
 * for the remote) that the CLI's plain `git` helper does not need.
 */
import { execFileSync } from 'node:child_process';
import { CommandFailure } from '../cli/io.js';

export type GitEnv = Readonly<Record<string, string | undefined>>;

export function runGit(root: string, args: string[], options: { env?: GitEnv; input?: string } = {}): string {
  return runGitBytes(root, args, options).toString('utf8');
}

/** Raw output, for `cat-file --batch`, whose sizes count bytes. */
export function runGitBytes(root: string, args: string[], options: { env?: GitEnv; input?: string } = {}): Buffer {
  try {
    return execFileSync('git', args, {
      cwd: root, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1024 * 1024 * 1024,
      env: { ...process.env, ...options.env }, ...(options.input !== undefined ? { input: options.input } : {}),
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim().split('\n')[0] ?? String(error);
    throw new CommandFailure(`git ${args[0]} failed: ${stderr}`, 'check the checkout and that the remote is reachable');
  }
}

/**
 * In Actions the checkout keeps no credentials; the token goes to git as an HTTP header through
 * GIT_CONFIG_* variables, never on a command line or into .git/config.
 */
export function remoteAuthEnv(env: GitEnv, remoteUrl: string): GitEnv {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token || !remoteUrl.startsWith('https://')) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraheader', GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}` };
}
