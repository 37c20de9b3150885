import { describe, expect, it } from 'vitest';
import { aGrant, aPolicy, aRepo, aRole, lineContaining, theOne, topOf, withCode, type RuleSpec } from '../../support/builders/model.js';

const withRules = (...rules: RuleSpec[]) => rules.reduce((policy, rule) => policy.withRule(rule), aPolicy());

/** Where a rule's expression value begins in the policy file. */
function expressionPlace(policy: ReturnType<typeof aPolicy>, expression: string) {
  const spec = policy.build();
  const line = lineContaining(spec, `expression: ${expression}`);
  const col = spec.text.split('\n')[line - 1]!.indexOf('expression: ') + 'expression: '.length + 1;
  return { file: spec.path, start: { line, col } };
}

describe('custom CEL rules', () => {
  it('passes a grant for which the expression is true', () => {
    const policy = withRules({ id: 'short-grants', expression: 'grant.durationHours <= 4', message: 'at most 4 hours' });
    expect(aRepo().with(policy, aGrant().expiringIn('2h')).validate()).toEqual([]);
  });

  it("reports the rule's own message with its severity when the expression is false, at the top of the grant", () => {
    const policy = withRules({ id: 'short-grants', expression: 'grant.durationHours <= 1', message: 'Grants here last at most an hour.', severity: 'warning' });
    const grant = aGrant().expiringIn('2h');
    const finding = theOne(aRepo().with(policy, grant).validate(), 'POLICY_RULE_VIOLATED');
    expect(finding).toMatchObject({ severity: 'warning', summary: '[short-grants] Grants here last at most an hour.', ...topOf(grant) });
  });

  it('reports a violated rule as an error when the rule gives no severity', () => {
    const policy = withRules({ id: 'admin-needs-change', expression: 'role.permissionLevel != "Admin" || has(grant.ticket)', message: 'Admin needs a ticket.' });
    const finding = theOne(aRepo().with(policy, aRole().withPermissionLevel('Admin'), aGrant()).validate(), 'POLICY_RULE_VIOLATED');
    expect(finding.severity).toBe('error');
  });

  it('sees the request time, the role and optional grant fields', () => {
    const policy = withRules({
      id: 'prod-needs-inc',
      expression: '!role.production || (has(grant.ticket) && grant.ticket.startsWith("INC-") && request.at == now)',
      message: 'Production needs an incident.',
    });
    const role = aRole().production();
    expect(aRepo().with(policy, role, aGrant().withTicket('INC-1')).validate()).toEqual([]);
    expect(theOne(aRepo().with(policy, role, aGrant().withTicket('CHG-1')).validate(), 'POLICY_RULE_VIOLATED').summary).toBe('[prod-needs-inc] Production needs an incident.');
  });

  it('points a rule that does not compile at its expression in the policy file', () => {
    const policy = withRules({ id: 'broken', expression: 'grant.reason ==', message: 'never shown' });
    const finding = theOne(aRepo().with(policy, aGrant()).validate(), 'POLICY_RULE_INVALID');
    expect(finding).toMatchObject({ severity: 'error', ...expressionPlace(policy, 'grant.reason ==') });
    expect(finding.summary).toMatch(/^rule `broken` does not compile: /);
  });

  it('reports a rule that does not compile even when there are no grants', () => {
    const policy = withRules({ id: 'broken', expression: '1 +', message: 'never shown' });
    expect(theOne(aRepo().with(policy).validate(), 'POLICY_RULE_INVALID').file).toBe('policies/access.yaml');
  });

  it('reports a rule that fails at run time at its expression, once for each grant it failed on', () => {
    const policy = withRules({ id: 'ticket-prefix', expression: 'grant.ticket.startsWith("INC")', message: 'never shown' });
    const first = aGrant().for('alice@example.com');
    const second = aGrant().for('bob@example.com');
    const findings = withCode(aRepo().with(policy, first, second).validate(), 'POLICY_RULE_FAILED');
    expect(findings).toHaveLength(2);
    for (const finding of findings) expect(finding).toMatchObject({ severity: 'error', ...expressionPlace(policy, 'grant.ticket.startsWith("INC")') });
    expect(findings.map((f) => f.summary.split(':')[0])).toEqual([`rule \`ticket-prefix\` failed on ${first.path}`, `rule \`ticket-prefix\` failed on ${second.path}`]);
  });

  it('reports a rule that yields something other than true or false as a failed rule, at its expression', () => {
    const policy = withRules({ id: 'not-boolean', expression: 'grant.reason', message: 'must be a boolean' });
    const grant = aGrant();
    const finding = theOne(aRepo().with(policy, grant).validate(), 'POLICY_RULE_FAILED');
    expect(finding).toMatchObject({ severity: 'error', ...expressionPlace(policy, 'grant.reason') });
    expect(finding.summary).toBe(`rule \`not-boolean\` returned string on ${grant.path}, not true or false`);
  });
});
