/**
 * `npm run demo` is a newcomer's first look: it must run offline to the end and show the real
 * sweep, its commit with trailers, the expired access gone, and an empty plan after it.
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
  });
});
