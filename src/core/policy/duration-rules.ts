/** Duration caps: the role's maximum, the policy's hard cap, and the break-glass cap. */
import { formatDuration } from '../model/duration.js';
import type { Grant, Role } from '../model/types.js';
import type { RuleContext } from './context.js';
import { grantDuration } from './window.js';

export function durationWithinCaps(ctx: RuleContext, grant: Grant, role: Role): void {
  const duration = grantDuration(grant, ctx.options.now);
  const policy = ctx.repo.policy;
  const caps: { limit: number; what: string; code: string }[] = [
    { limit: policy.durations.max, what: 'the policy hard cap', code: 'GRANT_DURATION_OVER_CAP' },
  ];
  if (role.maxDuration !== undefined) caps.push({ limit: role.maxDuration, what: `role ${role.name}'s maxDuration`, code: 'GRANT_DURATION_OVER_ROLE_MAX' });
  if (grant.breakGlass) {
    if (!role.breakGlass?.allowed) {
      ctx.report(grant, ['breakGlass'], { code: 'GRANT_BREAK_GLASS_NOT_ALLOWED', summary: `role ${role.name} does not allow break-glass`, hint: 'request it normally, or ask security to allow break-glass on the role' });
    }
    caps.push({ limit: policy.durations.breakGlassMax, what: 'the policy break-glass cap', code: 'GRANT_BREAK_GLASS_OVER_CAP' });
    if (role.breakGlass?.maxDuration !== undefined) caps.push({ limit: role.breakGlass.maxDuration, what: `role ${role.name}'s break-glass maxDuration`, code: 'GRANT_BREAK_GLASS_OVER_CAP' });
  }
  // The tightest cap is the one that explains the problem.
  const broken = caps.filter((cap) => duration > cap.limit).sort((a, b) => a.limit - b.limit)[0];
  if (broken) {
    ctx.report(grant, ['expires'], {
      code: broken.code,
      summary: `lasts ${formatDuration(duration)}, over ${broken.what} of ${formatDuration(broken.limit)}`,
      hint: `set expires at most ${formatDuration(broken.limit)} after ${grant.starts === undefined ? 'now' : 'starts'}, and request again later if needed`,
    });
  }
}
