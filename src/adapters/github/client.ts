/**
 * The one place an Octokit is built: REST with pagination, throttling and retries, pointed at
 * `GITHUB_API_URL` when set (Actions sets it; tests point it at the GitHub double).
 * The token is handed to Octokit and never logged, returned in errors, or put in messages.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

const GitGrantOctokit = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof GitGrantOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** API root, e.g. `https://api.github.com` or a GHES `https://host/api/v3`. */
  baseUrl?: string;
  /** Where warnings go (rate limits, retries). Lines never contain the token. */
  log?: (line: string) => void;
  /** How often one request is retried after a primary or secondary rate limit. */
  maxRateLimitRetries?: number;
  /**
   * Milliseconds waited per second of `retry-after` (1000: real seconds). Tests shrink it so a
   * scripted rate limit is retried at once; production leaves it alone.
   */
  retryAfterUnitMs?: number;
  /**
   * `false` turns off the throttling plugin (its documented `throttle.enabled` option), which spaces
   * writes 1-3 s apart and retries rate limits. Only for tests against the local GitHub double.
   */
  throttle?: boolean;
}

const DEFAULT_RATE_LIMIT_RETRIES = 3;

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const maxRetries = options.maxRateLimitRetries ?? DEFAULT_RATE_LIMIT_RETRIES;
  const unitMs = options.retryAfterUnitMs ?? 1000;

  // Bounded: a stuck limit must fail the run loudly rather than wait forever.
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const where = `${request.method} ${request.url}`;
      if (retryCount < maxRetries) {
        log(`github: ${kind} rate limit on ${where}; retry ${retryCount + 1} of ${maxRetries} in ${retryAfter}s`);
        return true;
      }
      log(`github: ${kind} rate limit on ${where}; giving up after ${maxRetries} retries`);
      return false;
    };

  return new GitGrantOctokit({
    auth: options.token,
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {}),
    userAgent: 'gitgrant',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log(`github: ${m}`), error: (m: string) => log(`github: ${m}`) },
    throttle: {
      enabled: options.throttle ?? true,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: unitMs,
    },
    retry: { retryAfterBaseValue: unitMs },
  });
}

export interface GitHubAuth {
  token: string;
  /** Where the token came from, for messages (never the token itself). */
  source: 'GITHUB_TOKEN' | 'gh auth token';
}

/** Runs `gh auth token`; resolves undefined when `gh` is missing or not logged in. */
export type GhTokenReader = () => Promise<string | undefined>;

const execFileAsync = promisify(execFile);

export const ghAuthToken: GhTokenReader = async () => {
  try {
    const { stdout } = await execFileAsync('gh', ['auth', 'token'], { timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    // Absent or logged-out gh is an expected situation, reported by the caller with a fix hint.
    return undefined;
  }
};

/** `GITHUB_TOKEN` first, then `gh auth token`. Throws with a fix hint when neither gives a token. */
export async function resolveGitHubAuth(
  env: Readonly<Record<string, string | undefined>>,
  readGhToken: GhTokenReader = ghAuthToken,
): Promise<GitHubAuth> {
  const fromEnv = env.GITHUB_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'GITHUB_TOKEN' };
  const fromGh = await readGhToken();
  if (fromGh) return { token: fromGh, source: 'gh auth token' };
  throw new Error('No GitHub token: GITHUB_TOKEN is unset and `gh auth token` gave none. Fix: export GITHUB_TOKEN, or run `gh auth login`.');
}

/**
 * The client as the CLI and the Actions build it: token and API root from the environment.
 * `GITGRANT_GITHUB_THROTTLE=off` exists for the CLI's tests against the local double (seconds of
 * write spacing per test otherwise); no workflow sets it.
 */
export async function gitHubClientFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: Omit<GitHubClientOptions, 'token' | 'baseUrl'> & { readGhToken?: GhTokenReader } = {},
): Promise<GitHubClient> {
  const { readGhToken, ...rest } = options;
  const auth = await resolveGitHubAuth(env, readGhToken);
  const baseUrl = env.GITHUB_API_URL?.trim();
  const throttle = env.GITGRANT_GITHUB_THROTTLE === 'off' ? { throttle: false } : {};
  return createGitHubClient({ ...throttle, ...rest, token: auth.token, ...(baseUrl ? { baseUrl } : {}) });
}
