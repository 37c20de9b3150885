/**
 * The adapters the scheduled jobs' use cases (src/app/) are given, built from the environment and
 * the checkout. Readers are built so that they hold no way to change anything: a reader's
 * providers expose `read` alone, whatever the object behind them can do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readHistory } from '../../adapters/git/history.js';
import { reconstruct } from '../../core/audit/lifecycle.js';
import { readVerifyEvidence } from '../../adapters/git/verify-evidence.js';
import { gitHubTicketSource, octokitIssueState } from '../../adapters/github/issue-state.js';
import { octokitIssueTracker, type IssueTracker } from '../../adapters/github/issues.js';
import { loadHrRecords } from '../../adapters/hr/load.js';
import type { Instant, Policy } from '../../core/model/types.js';
import type { ProviderName } from '../../core/plan/types.js';
import { readIamAuthorization } from '../../adapters/aws/iam-authorization.js';
import { cloudFromEnv, type Cloud } from '../../adapters/cloud/cloud.js';
import { resolveIdentityCenterDirectory } from '../../adapters/aws/identity-center-directory.js';
import type { BindingReader, LimitChecker } from '../../core/plan/provider.js';
import { verifyReads } from '../../adapters/cloud/verify-reads.js';
import type { AutomationIdentity } from '../../core/model/policy-sections.js';
import { commitRevocations } from '../../adapters/git/commit.js';
import { readGrantHistory } from '../../adapters/git/history.js';
import { runGit } from '../../adapters/git/plumbing.js';
import { gitHubFromEnv } from '../../adapters/github/github-env.js';
import { withEnvScimSource } from '../../core/jobs/hr-findings.js';
import { targetsInHistory } from '../../app/retired-targets.js';
import type { RevocationReads, RevocationWrites } from '../../app/revoke.js';
import { syncStandingAccess } from '../../app/standing-access.js';
import type { RevocationCommitter } from '../../app/sweep.js';
import { lookUpTickets } from '../../core/jobs/tickets.js';
import type { HrRecordsReader, StandingAccessWriter } from '../../app/hr-check.js';
import type { HistoryReader, Opened, TicketReader } from '../../app/ports.js';
import type { ReconcileReaders, ReconcileReads, ReconcileWriters } from '../../app/reconcile.js';
import type { EvidenceReader, EvidenceWriter, VerifyCloud, VerifyReaders } from '../../app/verify.js';
import { CommandFailure, type CliIo } from './io.js';
import { automationOf } from './load.js';
import { buildPlan } from './planning.js';

type Env = Readonly<Record<string, string | undefined>>;

/** GitHub issues as the ticket tracker, when the environment names the repo and a token. */
export function ticketReader(env: Env): TicketReader {
  return {
    async states(tickets) {
      const github = await gitHubFromEnv(env);
      if ('missing' in github) return { states: new Map(), unchecked: github.missing };
      return { states: await lookUpTickets([gitHubTicketSource(octokitIssueState(github.client), github.repo)], tickets) };
    },
  };
}

/** The providers' reads (and their pure limit checks) and nothing else: no `apply`. */
function readersOf(providers: Cloud['providers']): Record<ProviderName, BindingReader & LimitChecker> {
  const only = (p: Cloud['providers'][ProviderName]): BindingReader & LimitChecker => ({ read: (t) => p.read(t), checkLimits: (t, d, o) => p.checkLimits(t, d, o) });
  return { aws: only(providers.aws), gcp: only(providers.gcp) };
}

const directoryOf = (cloud: Cloud): RevocationReads['directory'] => (repo, identities, now) => resolveIdentityCenterDirectory(cloud.aws, repo, identities, now);

/** The clouds to read, for a preview. */
export function cloudReader(env: Env, now: Instant, policy: Pick<Policy, 'aws'>): Opened<RevocationReads> {
  const cloud = cloudFromEnv(env, () => now, policy);
  return { providers: readersOf(cloud.providers), directory: directoryOf(cloud), close: () => cloud.close() };
}

/** The clouds to change. */
export function cloudWriter(env: Env, now: Instant, policy: Pick<Policy, 'aws'>): Opened<RevocationWrites> {
  const cloud = cloudFromEnv(env, () => now, policy);
  return { providers: cloud.providers, directory: directoryOf(cloud), close: () => cloud.close() };
}

/** Deletes the revoked grants' files and commits them in the checkout. */
export function revocationCommitter(root: string): RevocationCommitter {
  return { commit: (action, revocations, now) => commitRevocations(root, action, revocations, now) };
}

/** The grant history, or an empty one with the reason when the checkout is not a full git clone. */
export function historyReader(root: string): HistoryReader {
  return {
    read(automation?: AutomationIdentity) {
      const empty = { added: [], lifecycle: [], forged: [] };
      let shallow: string;
      try {
        shallow = runGit(root, ['rev-parse', '--is-shallow-repository']).trim();
      } catch {
        return { history: empty, note: 'not a git checkout: the rules see the active grants only' };
      }
      const history = readGrantHistory(root, automation);
      return shallow === 'true' ? { history, note: 'shallow clone: history is incomplete (check out with fetch-depth: 0)' } : { history };
    },
  };
}

/** The policy's HR sources, plus the SCIM service the nightly workflow names in its environment. */
export function hrRecordsReader(env: Env, root: string): HrRecordsReader {
  return { read: (config) => loadHrRecords(withEnvScimSource(config, env), { repoRoot: root, env }) };
}

export function standingAccessWriter(env: Env, root: string): StandingAccessWriter {
  return { sync: (repo, records, now) => syncStandingAccess(env, root, repo, records, now) };
}

/** The repo planned against every target today's roles or history name, and reconcile's extra reads. */
async function openPlan(io: CliIo, root: string, now: Instant, concurrency: number) {
  const planned = await buildPlan(io, root, now, { offline: false, concurrency, retiredTargets: await targetsInHistory(root) });
  const cloud = planned.cloud!;
  const reads: ReconcileReads = {
    directory: directoryOf(cloud),
    iamAuthorization: (account) => readIamAuthorization(cloud.iam(account), account),
  };
  return { planned: { repo: planned.repo, plan: planned.plan, diagnostics: planned.findings, readFailures: planned.readFailures }, cloud: reads, appliers: cloud.providers, close: () => cloud.close() };
}

export function reconcileReaders(io: CliIo, root: string, now: Instant, concurrency: number): ReconcileReaders {
  return {
    async openPlan() {
      const { planned, cloud, close } = await openPlan(io, root, now, concurrency);
      return { planned, cloud, close };
    },
  };
}

export function reconcileWriters(io: CliIo, root: string, now: Instant, concurrency: number): ReconcileWriters {
  return { openPlan: () => openPlan(io, root, now, concurrency) };
}

export function verifyReaders(env: Env, root: string, now: Instant, policy: Pick<Policy, 'aws'>): VerifyReaders {
  return {
    reconstruction: async () => reconstruct(await readHistory(root)),
    openCloud(): Opened<VerifyCloud> {
      const cloud = cloudFromEnv(env, () => now, policy);
      const reads = verifyReads(cloud, env);
      return {
        gcpPolicy: (r) => reads.gcpPolicy(r),
        iamAuthorization: (a) => reads.iamAuthorization(a),
        roleSessionSeconds: (a, r) => reads.roleSessionSeconds(a, r),
        identityCenter: (i, a, p) => reads.identityCenter(i, a, p),
        directory: directoryOf(cloud),
        close: async () => {
          await reads.close();
          await cloud.close();
        },
      };
    },
  };
}

/** Evidence counts only when the policy's automation identity committed it (see audit/verify-evidence.ts). */
export function evidenceReader(root: string): EvidenceReader {
  return { records: () => readVerifyEvidence(root, automationOf(root)) };
}

/** Writes the evidence file and commits it alone. */
export function evidenceWriter(root: string): EvidenceWriter {
  return {
    commit(path, text, message) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
      runGit(root, ['add', '--', path]);
      runGit(root, ['commit', '-q', '--no-verify', '-F', '-', '--', path], { input: message });
    },
  };
}

/** The exception issues on GitHub; without GitHub the command cannot do its job. */
export async function issueTracker(env: Env): Promise<IssueTracker> {
  const github = await gitHubFromEnv(env);
  if ('missing' in github) throw new CommandFailure(`cannot reach the exception issues: ${github.missing}`, 'set GITHUB_TOKEN and GITHUB_REPOSITORY (Actions sets both), or run with --dry-run');
  return octokitIssueTracker(github.client, github.repo);
}
