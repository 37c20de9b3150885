/**
 * Git for the jobs that write: plumbing with its own environment (a temporary index, a token header
 * for the remote, commit dates) and input (`commit -F -`, `hash-object --stdin`), run by the one
 * runner (./run.ts).
 */
import { gitBytes, type GitEnv } from './run.js';

export type { GitEnv } from './run.js';

const HINT = 'check the checkout and that the remote is reachable';

export function runGit(root: string, args: string[], options: { env?: GitEnv; input?: string } = {}): string {
  return runGitBytes(root, args, options).toString('utf8');
}

/** Raw output, whose sizes count bytes. */
export function runGitBytes(root: string, args: string[], options: { env?: GitEnv; input?: string } = {}): Buffer {
  return gitBytes(root, args, { ...options, hint: HINT });
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
