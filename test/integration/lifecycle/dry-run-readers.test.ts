/**
 * Dry-run is a type: a job's preview is given readers, and the readers the CLI builds hold no way
 * to change the cloud or the repo, whatever the objects behind them can do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expire, previewExpiry } from '../../../src/app/expire.js';
import { cloudReader, cloudWriter, revocationCommitter, ticketReader } from '../../../src/cli/support/job-adapters.js';
import { loadRepo } from '../../../src/adapters/fs/load-repo.js';
import { aGrant } from '../../support/builders/model.js';
import { cli, gcpRole, gitRepo, membersOf, startWorld, type World } from './harness.js';

const T0 = '2026-11-23T10:00:00Z';
const T1 = Date.parse('2026-11-23T13:00:00Z');

describe('the jobs\' dry runs are given readers only', () => {
  let world: World;
  beforeEach(async () => void (world = await startWorld()));
  afterEach(() => world.close());

  const alice = aGrant().for('alice@example.com').named('alice-1').expiringAt('2026-11-23T12:00:00Z');

  it('a cloud reader exposes reads and pure limit checks, and no apply', async () => {
    const reader = cloudReader(world.env, T1, { aws: { sessionName: 'gitgrant' } });
    try {
      for (const provider of Object.values(reader.providers)) {
        expect(Object.keys(provider).sort()).toEqual(['checkLimits', 'read']);
        expect('apply' in provider).toBe(false);
      }
    } finally {
      await reader.close();
    }
  });

  it('the expiry preview reads what the sweep would remove and changes neither the cloud nor the repo', async () => {
    const repo = gitRepo([gcpRole(), alice.build()]);
    await cli(world, repo, 'apply', '--now', T0);
    const head = repo.git('rev-parse', 'HEAD');
    const writesBefore = world.gcp.calls('setIamPolicy');
    const input = { repo: loadRepo(repo.root).repo, now: T1, concurrency: 2 };

    const preview = await previewExpiry({ tickets: ticketReader(world.env), openCloud: () => cloudReader(world.env, T1, input.repo.policy) }, input);

    expect(preview.due.map((r) => r.grant.id)).toEqual([alice.path]);
    expect([preview.removals, preview.revoked, preview.commits]).toEqual([1, [], []]);
    expect(world.gcp.calls('setIamPolicy')).toBe(writesBefore);
    expect(membersOf(world)).toEqual(['user:alice@example.com']);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);

    // The sweep cannot be handed a reader (checked by `npm run typecheck`): it needs appliers.
    // @ts-expect-error a cloud reader has no apply, so it is not a RevocationWrites
    const refused = () => expire({ tickets: ticketReader(world.env), openCloud: () => cloudReader(world.env, T1, input.repo.policy), commits: revocationCommitter(repo.root) }, input);
    void refused;

    const swept = await expire({ tickets: ticketReader(world.env), openCloud: () => cloudWriter(world.env, T1, input.repo.policy), commits: revocationCommitter(repo.root) }, input);
    expect(swept.revoked.map((r) => r.grant.id)).toEqual([alice.path]);
    expect(membersOf(world)).toEqual([]);
  });
});
