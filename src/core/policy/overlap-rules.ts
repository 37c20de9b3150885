/** Cross-file rules: exclusive roles and duplicate grants. */
import type { Grant, Role } from '../model/types.js';
import type { RuleContext } from './context.js';
import { isExpired, windowsOverlap } from './window.js';
import { compareText } from '../text/compare-text.js';

/** Groups the live grants of each role, sorted by start, for a sweep over overlapping windows. */
export function overlapRules(ctx: RuleContext): void {
  const byRole = new Map<string, Grant[]>();
  for (const grant of ctx.repo.grants) {
    if (isExpired(grant, ctx.options.now) || !ctx.repo.roles.has(grant.role)) continue;
    const list = byRole.get(grant.role) ?? [];
    list.push(grant);
    byRole.set(grant.role, list);
  }
  for (const [name, grants] of byRole) {
    const role = ctx.repo.roles.get(name as Role['name'])!;
    grants.sort((a, b) => (a.starts ?? -Infinity) - (b.starts ?? -Infinity) || compareText(a.id, b.id));
    forEachOverlap(grants, (a, b) => {
      if (role.exclusive && a.grantee !== b.grantee) {
        reportPair(ctx, a, b, 'GRANT_EXCLUSIVE_OVERLAP', (other) => `role ${role.name} is exclusive, and ${other.id} (${other.grantee}) holds it in an overlapping window`, 'pick a window after the other grant ends, or ask its holder to end it early');
      } else if (a.grantee === b.grantee && !ctx.repo.policy.allowDuplicateGrants) {
        reportPair(ctx, a, b, role.exclusive ? 'GRANT_EXCLUSIVE_OVERLAP' : 'GRANT_DUPLICATE', (other) => `${a.grantee} already has role ${role.name} in an overlapping window (${other.id})`, 'extend the existing grant instead of adding another');
      }
    });
  }
}

/** Calls `visit` for every overlapping pair; grants must be sorted by start. */
function forEachOverlap(grants: readonly Grant[], visit: (a: Grant, b: Grant) => void): void {
  const open: Grant[] = [];
  for (const grant of grants) {
    const start = grant.starts ?? -Infinity;
    for (let i = open.length - 1; i >= 0; i--) if (open[i]!.expires <= start) open.splice(i, 1);
    for (const other of open) if (windowsOverlap(other, grant)) visit(other, grant);
    open.push(grant);
  }
}

function reportPair(ctx: RuleContext, a: Grant, b: Grant, code: string, summary: (other: Grant) => string, hint: string): void {
  for (const [grant, other] of [[a, b], [b, a]] as const) {
    // On a PR, blame the grant being added, not the one already approved. When neither changed (the
    // PR changed their role or the policy), both are to blame, or the change would pass unseen.
    if (ctx.options.changed && !ctx.isChanged(grant) && ctx.isChanged(other)) continue;
    if (!ctx.inScope(grant) && !ctx.inScope(other)) continue;
    ctx.report(grant, ['expires'], { code, summary: summary(other), hint });
  }
}
