/**
 * `npm run demo` is a newcomer's first look: it must run offline to the end and show the real
 * sweep, its commit with trailers, the expired access gone, an empty plan after it, a live session
 * evaluated after `expires`, and verify's evidence.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('the offline demo', () => {
  it('sweeps the expired grants with gitgrant expire, prints the commit and its trailers, and ends with an empty plan', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { maxBuffer: 16 * 1024 * 1024 });

    const afterSweep = stdout.slice(stdout.indexOf('$ gitgrant expire'));
    expect(afterSweep).toMatch(/committed [0-9a-f]{12} \(expire\)/);
    expect(afterSweep).toContain('Gitgrant-Action: expire');
    expect(afterSweep).toContain('Grant: grants/staging-poweruser/heidi-202611231000.yaml');
    expect(afterSweep).toContain('Expired-At: 2026-11-23T16:00:00Z');
    const cloud = afterSweep.slice(afterSweep.indexOf('Cloud state now:'));
    expect(cloud).toContain('GCP folders/281746352014: (no bindings)');
    expect(cloud).toContain('AWS IAM gina@example.com: (no policies)');
    expect(cloud).toContain('AWS Identity Center: (no assignments)');
    expect(cloud).not.toContain('alice@example.com if request.time');
    expect(stdout.slice(stdout.lastIndexOf('$ gitgrant plan'))).toContain('No changes: the cloud matches the grants.');

    // A session issued one second before gina's deadline, used three hours after it, evaluated against IAM as moto holds it.
    const live = stdout.slice(stdout.indexOf('=== A live session after `expires`'));
    const session = /session PaymentsConsoleOperator\/gina@example\.com issued 2026-11-23T15:59:59Z, used 2026-11-23T19:00:00Z: (Allowed|ExplicitlyDenied)\b/.exec(live);
    // The deadline deny apply writes on the role ends it (issue 10, point 1).
    expect(session?.[1]).toBe('ExplicitlyDenied');
    // verify's evidence: every grant that ended since the apply, read back, with when it ended and when it was proven.
    const proof = stdout.slice(stdout.indexOf('$ gitgrant verify'));
    expect(proof).toContain('gitgrant verify: 4 grant(s) ended between 2026-11-23T10:00:00Z and 2026-11-23T19:00:00Z');
    expect(proof).toContain('ended at 2026-11-23T16:00:00Z (expired), proven at 2026-11-23T19:00:00Z');
    expect(proof).toMatch(/erin-trace-debugging\.yaml \(erin@example\.com, gcp-platform-folder-viewer\): ended: no path remains/);
    // The demo's evaluation and verify agree: a session the cloud still allows is a path that remains.
    const gina = /gina-inc-4302\.yaml \(gina@example\.com, payments-console-operator\): (.+)/.exec(proof)?.[1];
    expect(gina).toBe(session![1] === 'Allowed' ? 'PATH REMAINS' : 'ended: no path remains');
  });
});
