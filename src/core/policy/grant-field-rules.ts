/** Rules about one grant's own fields. */
import { formatInstant } from '../model/instant.js';
import { ticketRequired } from '../model/policy.js';
import type { Grant, Role } from '../model/types.js';
import type { RuleContext } from './context.js';
import { expandIdentityTemplate as expand } from '../model/policy-sections.js';

/** The first character (a whole code point) past `~`: what the check below names. */
const NOT_PRINTABLE_ASCII = /[^\u0000-\u007e]/u;
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function roleExists(ctx: RuleContext, grant: Grant): boolean {
  if (ctx.repo.roles.has(grant.role)) return true;
  ctx.report(grant, [], {
    code: 'GRANT_ROLE_UNKNOWN',
    summary: `grant is in grants/${grant.role}/ but there is no roles/${grant.role}.yaml`,
    hint: `create the role, or move the grant into the folder of an existing role (${[...ctx.repo.roles.keys()].slice(0, 5).join(', ')})`,
  });
  return false;
}

export function granteeIsValidEmail(ctx: RuleContext, grant: Grant): void {
  // Non-ASCII look-alikes (Cyrillic "а" for Latin "a") would map to a different person in HR and
  // in the cloud; they are refused rather than guessed at.
  const foreign = NOT_PRINTABLE_ASCII.exec(grant.grantee)?.[0];
  if (foreign) {
    const code = foreign.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    ctx.report(grant, ['grantee'], {
      code: 'GRANTEE_NOT_ASCII',
      summary: `grantee contains the non-ASCII character "${foreign}" (U+${code})`,
      hint: 'type the address in plain ASCII: look-alike letters name a different person',
    });
    return;
  }
  if (!EMAIL.test(grant.grantee)) {
    ctx.report(grant, ['grantee'], { code: 'GRANTEE_INVALID', summary: `grantee \`${grant.grantee}\` is not an email address`, hint: 'use the person\'s work email, as in HR' });
    return;
  }
  const domains = ctx.repo.policy.grantDomains;
  const domain = grant.grantee.slice(grant.grantee.lastIndexOf('@') + 1);
  if (domains && !domains.includes(domain)) {
    ctx.report(grant, ['grantee'], { code: 'GRANTEE_DOMAIN', summary: `grantee domain \`${domain}\` is not one of ${domains.join(', ')}`, hint: 'grants are for people in HR; use their work address' });
  }
}

export function reasonIsMeaningful(ctx: RuleContext, grant: Grant): void {
  const text = grant.reason.trim();
  const min = ctx.repo.policy.reasons.minLength;
  if (text.length < min) {
    ctx.report(grant, ['reason'], { code: 'GRANT_REASON_TOO_SHORT', summary: `reason has ${text.length} characters; the policy asks for at least ${min}`, hint: 'say what you will do and why, so approvers and auditors can judge it' });
  }
}

export function ticketSatisfiesPolicy(ctx: RuleContext, grant: Grant, role: Pick<Role, 'production'>): void {
  const { required, pattern } = ctx.repo.policy.tickets;
  if (grant.ticket === undefined) {
    if (ticketRequired(ctx.repo.policy, role)) {
      ctx.report(grant, [], {
        code: 'GRANT_TICKET_REQUIRED',
        summary: required === 'always' ? 'a ticket is required for every grant' : `role ${grant.role} is a production role: a ticket is required`,
        // The hint follows the organisation's own tracker: an example key from elsewhere would be refused.
        hint: pattern ? `add \`ticket:\` with a key that matches the policy pattern ${pattern}` : 'add `ticket: INC-1234` (or #123 for a GitHub issue)',
      });
    }
    return;
  }
  if (pattern && !new RegExp(pattern).test(grant.ticket)) {
    ctx.report(grant, ['ticket'], { code: 'GRANT_TICKET_PATTERN', summary: `ticket \`${grant.ticket}\` does not match the policy pattern ${pattern}`, hint: 'use a ticket key from the tracker the policy names' });
  }
}

export function windowIsOrdered(ctx: RuleContext, grant: Grant): boolean {
  if (grant.starts === undefined || grant.starts < grant.expires) return true;
  ctx.report(grant, ['starts'], {
    code: 'GRANT_STARTS_AFTER_EXPIRES',
    summary: `starts (${formatInstant(grant.starts)}) is not before expires (${formatInstant(grant.expires)})`,
    hint: 'swap them, or fix the date',
  });
  return false;
}

/**
 * A new or changed grant must end in the future. A grant already on main and past its expiry is
 * normal between expiry and the sweep: reported as a notice so applies never fail on it.
 */
export function endsInFuture(ctx: RuleContext, grant: Grant): boolean {
  if (grant.expires > ctx.options.now) return true;
  if (ctx.isChanged(grant)) {
    ctx.report(grant, ['expires'], {
      code: 'GRANT_ALREADY_EXPIRED',
      summary: `expires ${formatInstant(grant.expires)}, which is not after now (${formatInstant(ctx.options.now)})`,
      hint: 'a new or changed grant must end in the future',
    });
  } else {
    ctx.report(grant, ['expires'], {
      code: 'GRANT_AWAITING_SWEEP',
      severity: 'notice',
      summary: `expired at ${formatInstant(grant.expires)}; the expiry sweep will revoke it and delete this file`,
    });
  }
  return false;
}

export function breakGlassFields(ctx: RuleContext, grant: Grant): void {
  if (grant.breakGlass && grant.incident === undefined) {
    ctx.report(grant, ['breakGlass'], { code: 'GRANT_BREAK_GLASS_NO_INCIDENT', summary: 'a break-glass grant must name its incident', hint: 'add `incident: INC-1234`' });
  }
  if (!grant.breakGlass && grant.incident !== undefined) {
    ctx.report(grant, ['incident'], { code: 'GRANT_INCIDENT_WITHOUT_BREAK_GLASS', severity: 'warning', summary: '`incident` is only meaningful on break-glass grants', hint: 'use `ticket` for the ticket this access is for' });
  }
}

/**
 * A grant must not name a protected principal (`apply.protected`, the automation's own access) as
 * grantee: the expiry and HR sweeps would then be asked to remove that access. Refused on the
 * change that adds it; a grant already on main is a warning (apply keeps working, the sweeps hold
 * its removal). Identity Center entries are matched by user name here (`identitystore-user:NAME`);
 * a user id in the list is matched by apply and the sweeps, which read the directory.
 */
export function granteeIsNotProtected(ctx: RuleContext, grant: Grant, role: Pick<Role, 'targets'>): void {
  const shielded = new Set(ctx.repo.policy.apply.protected);
  if (shielded.size === 0) return;
  // The same mapping as plan/identity.ts (which core/policy may not import: plan depends on policy).
  const { identities } = ctx.repo.policy;
  const person = identities.people[grant.grantee];
  const principals = new Set<string>([grant.grantee]);
  for (const target of role.targets) {
    if (target.kind === 'gcp') principals.add(person?.gcp ?? expand(identities.gcp, grant.grantee));
    else if (target.strategy === 'iam') principals.add(`arn:aws:iam::${target.account}:user/${person?.awsIamUser ?? expand(identities.awsIamUser, grant.grantee)}`);
    else {
      const userName = person?.identityCenterUserName ?? expand(identities.identityCenterUserName, grant.grantee);
      principals.add(userName).add(`identitystore-user:${userName}`);
    }
  }
  const hit = [...principals].find((p) => shielded.has(p));
  if (hit === undefined) return;
  ctx.report(grant, ['grantee'], {
    code: 'GRANT_GRANTEE_PROTECTED',
    ...(ctx.isChanged(grant) ? {} : { severity: 'warning' as const }),
    summary: `grantee ${grant.grantee} is ${hit}, a protected principal (policies: apply.protected): its access is never granted or revoked by a grant file`,
    hint: ctx.isChanged(grant) ? 'grant access to a person, not to the automation\'s own principal' : 'delete this grant file by pull request; the expiry and HR sweeps hold its removal and report it',
  });
}
