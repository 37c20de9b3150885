/** Duration caps: the role's maximum, the policy's hard cap, and the break-glass cap. */
import { formatDuration } from '../model/duration.js';
import type { Grant, Role } from '../model/types.js';
import type { RuleContext } from './context.js';
import { continuousStretch, grantDuration } from './window.js';

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
  const tightest = (length: number) => caps.filter((cap) => length > cap.limit).sort((a, b) => a.limit - b.limit)[0];
  const broken = tightest(duration);
  if (broken) {
    ctx.report(grant, ['expires'], {
      code: broken.code,
      summary: `lasts ${formatDuration(duration)}, over ${broken.what} of ${formatDuration(broken.limit)}`,
      hint: `set expires at most ${formatDuration(broken.limit)} after ${grant.starts === undefined ? 'now' : 'starts'}, and request again later if needed`,
    });
    return;
  }
  // Back-to-back grants are one stretch of access: each within the cap, together past it.
  const stretch = continuousStretch(grant, ctx.repo.grants, ctx.options.now);
  const chained = tightest(stretch.duration);
  if (!chained) return;
  const changed = [grant.id, ...stretch.with].filter((id) => ctx.options.changed?.has(id));
  // On a pull request, blame the grants it adds or changes; a stretch nothing in the change touches
  // (already on main) is a warning, so main keeps applying while someone shortens it.
  if (ctx.options.changed && changed.length > 0 && !changed.includes(grant.id)) return;
  ctx.report(grant, ['expires'], {
    code: chained.code,
    severity: ctx.options.changed && changed.length > 0 ? 'error' : 'warning',
    summary: `with ${stretch.with.join(', ')} it gives ${grant.grantee} ${formatDuration(stretch.duration)} of continuous access to role ${grant.role}, over ${chained.what} of ${formatDuration(chained.limit)}`,
    hint: 'grants that overlap or follow each other without a gap count as one; end the stretch within the cap, and request again later if needed',
  });
}
