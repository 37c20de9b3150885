/**
 * The world the GitHub commands run in during tests: the OpenAPI-checked GitHub double, access repos
 * on disk (optionally git, with a bare `origin`), the CLI run in-process with the double's URL and a
 * token in its environment, and a loopback Slack webhook that records what it was sent.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, onTestFinished } from 'vitest';
import type { FileSpec } from '../../support/builders/model.js';
import { startGitHubDouble, type GitHubDouble } from '../../support/github-double.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli, type CliRun } from '../../support/run-cli.js';

export const GITHUB_REPO = 'acme/access';
/** Monday 23 November 2026, 10:00 in London: inside a weekday office-hours window. */
export const NOW = '2026-11-23T10:00:00Z';

/** One double per test file; every test must leave it without a single contract violation. */
export function useGitHubDouble(): () => GitHubDouble {
  let gh: GitHubDouble | undefined;
  beforeAll(async () => {
    gh = await startGitHubDouble();
    // The repository exists on GitHub before anything happens in it.
    gh.state.repo(GITHUB_REPO);
  });
  afterAll(() => gh?.close());
  afterEach(() => {
    expect(gh!.takeViolations()).toEqual([]);
  });
  return () => gh!;
}

export function cliEnv(gh: GitHubDouble, extra: Record<string, string> = {}): Record<string, string> {
  return { GITHUB_TOKEN: 'test-token', GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: GITHUB_REPO, GITGRANT_GITHUB_THROTTLE: 'off', ...extra };
}

export function gitgrant(gh: GitHubDouble, repo: TempRepo, args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { cwd: repo.root, env: cliEnv(gh, extra) });
}

/** A git access repo on `main` whose commits need no global git identity. */
export function gitRepo(files: readonly FileSpec[]): TempRepo {
  const repo = TempRepo.fromFiles(files).initGit();
  repo.git('config', 'user.name', 'Test Committer');
  repo.git('config', 'user.email', 'committer@example.com');
  return repo;
}

/** A bare repository on disk as the repo's `origin`, with `main` pushed to it. */
export function withBareOrigin(repo: TempRepo): { origin: string; git: (...args: string[]) => string } {
  const origin = mkdtempSync(join(tmpdir(), 'gitgrant-origin-'));
  onTestFinished(() => rmSync(origin, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  repo.git('remote', 'add', 'origin', origin);
  repo.git('push', '-q', 'origin', 'main');
  return { origin, git: (...args) => execFileSync('git', ['--git-dir', origin, ...args], { encoding: 'utf8' }) };
}

export interface SlackHook {
  url: string;
  received: Array<{ text: string }>;
}

/** A loopback stand-in for a Slack incoming webhook; answers `status` to every POST. */
export async function startSlackHook(status = 200): Promise<SlackHook> {
  const received: Array<{ text: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'invalid_token');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  // A secret-looking path, so a test can prove it never reaches the output.
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/s3cr3t-hook`, received };
}
