/**
 * Renderers for the gate's verdict: a Markdown table for the PR comment and plain lines for the
 * log. Every name, reason and path is user-controlled text and goes through `render/escape.ts`, so
 * a reason cannot mention a team, inject HTML or break the table.
 */
import { markdownCode, markdownText, plainText } from '../render/escape.js';
import type { Blocker, DismisserBar, GateResult, GateSubject, IgnoreReason, LevelVerdict, SubjectStatus, SubjectVerdict, UnlinkedCommit } from './gate.js';

const STATUS_WORDS: Record<SubjectStatus, string> = {
  approved: 'approved',
  waived: 'approval waived',
  missing: 'approvals missing',
  blocked: 'changes requested',
  unevaluated: 'not evaluated (the grant did not load; fix validation first)',
  'grantee-unknown': "grantee's GitHub login unknown",
};

const LEVEL_MARK: Record<LevelVerdict['status'], string> = { satisfied: '✅ satisfied', missing: '⏳ missing', waived: '➖ waived' };

const IGNORE_WORDS: Record<IgnoreReason, string> = {
  dismissed: 'review was dismissed',
  bot: 'bots cannot approve',
  'pr-author': 'the PR author cannot approve their own PR',
  'commit-author': 'wrote a commit of this PR, so cannot approve it',
  grantee: 'the grantee cannot approve their own access',
  requester: 'the requester cannot approve their own request',
  stale: 'approved an older commit; approve the latest one',
  'not-eligible': 'not an active member of any approving team or user list',
  'not-needed': 'valid, but every level it could count for was already met',
};

function subjectLabel(subject: GateSubject, code: (s: string) => string): string {
  return subject.kind === 'grant' ? `${code(subject.grant)} (${subject.change})` : `policy files: ${subject.files.map(code).join(', ')}`;
}

export function renderGateMarkdown(result: GateResult): string {
  const md = markdownText;
  const lines = [
    `### ${result.passed ? '✅ Approvals complete' : '❌ Approvals incomplete'}`,
    '',
    `Checked at commit ${markdownCode(result.headSha.slice(0, 12))}.`,
    '',
  ];
  if (result.subjects.length > 0) {
    lines.push('| Change | Level | Needs | Counted | Status |', '| --- | --- | --- | --- | --- |');
    for (const verdict of result.subjects) {
      const change = `${subjectLabel(verdict.subject, markdownCode)}<br>${md(STATUS_WORDS[verdict.status])}`;
      if (verdict.levels.length === 0) lines.push(`| ${change} | | | | ❔ ${md(verdict.status)} |`);
      for (const level of verdict.levels) {
        const needs = `${level.needed} of ${level.from.map(md).join(', ') || md('(nobody)')}`;
        const counted = level.approvers.map((a) => md(a.login)).join(', ') || '—';
        lines.push(`| ${change} | ${md(level.name)}<br><sub>${md(level.because)}</sub> | ${needs} | ${counted} | ${LEVEL_MARK[level.status]} |`);
      }
    }
    lines.push('');
  }
  for (const verdict of result.subjects) {
    const notes = subjectNotes(verdict, md);
    if (notes.length === 0) continue;
    lines.push(`${subjectLabel(verdict.subject, markdownCode)}:`, ...notes.map((n) => `- ${n}`), '');
  }
  if (result.refused.length > 0) {
    lines.push('Refused whoever approves (fix or remove these files):', ...result.refused.map((r) => `- ${markdownCode(r.path)}: ${md(r.reason)} (${md(r.hint)})`), '');
  }
  if (result.unlinkedCommits.length > 0) {
    lines.push(`${md(UNLINKED_RULE)}:`, ...result.unlinkedCommits.map((c) => `- ${unlinkedLine(c, markdownCode, md)}`), '');
  }
  if (result.deletedGrants.length > 0) {
    lines.push(`Revocations need no approval: ${result.deletedGrants.map(markdownCode).join(', ')}.`, '');
  }
  return lines.join('\n').trimEnd() + '\n';
}

export function renderGateText(result: GateResult): string {
  const t = plainText;
  const lines = [`gate: PR #${result.pr} at ${result.headSha.slice(0, 12)}: ${result.passed ? 'PASSED' : 'FAILED'}`];
  for (const verdict of result.subjects) {
    lines.push(`${subjectLabel(verdict.subject, t)}: ${STATUS_WORDS[verdict.status]}`);
    for (const level of verdict.levels) {
      const counted = level.approvers.map((a) => t(a.login)).join(', ') || 'nobody';
      lines.push(`  ${t(level.name)} (${t(level.because)}): ${level.approvers.length} of ${level.needed} from ${level.from.map(t).join(', ')} [${counted}]: ${level.status}`);
    }
    for (const note of subjectNotes(verdict, t)) lines.push(`  ${note}`);
  }
  for (const r of result.refused) lines.push(`${t(r.path)} (refused): ${t(r.reason)} (hint: ${t(r.hint)})`);
  if (result.unlinkedCommits.length > 0) lines.push(`${UNLINKED_RULE}:`, ...result.unlinkedCommits.map((c) => `  ${unlinkedLine(c, t, t)}`));
  for (const grant of result.deletedGrants) lines.push(`${t(grant)} (deleted): no approval needed`);
  return lines.join('\n') + '\n';
}

/** The rule, in one sentence, for the gate's output. */
export const UNLINKED_RULE = 'Approvals count only when GitHub links every commit of the pull request to an account, so that nobody approves what they wrote';

function unlinkedLine(c: UnlinkedCommit, code: (s: string) => string, escape: (s: string) => string): string {
  const who = c.unlinked.join(' and ');
  const email = c.email === undefined ? '' : ` ${code(c.email)}`;
  const verb = c.unlinked.length > 1 ? 'are' : 'is';
  return (
    `commit ${code(c.sha.slice(0, 12))}: its ${who}${email} ${verb} not linked to a GitHub account, so approvals cannot be told apart from its writer's ` +
    `(fix: ${escape("add the email to the writer's GitHub account, or rewrite the commit with a linked email, e.g.")} ${code('git commit --amend --reset-author')}${escape(', and push')})`
  );
}

/** Why a dismisser cannot lift a request for changes (their own approval would not count either). */
const DISMISSER_WORDS: Record<DismisserBar, string> = {
  bot: 'bots cannot approve',
  'pr-author': 'the PR author cannot approve their own PR',
  'commit-author': 'wrote a commit of this PR, so cannot approve it',
  grantee: 'the grantee cannot approve their own access',
  requester: 'the requester cannot approve their own request',
  'not-eligible': 'only someone who could approve',
};

function blockerNote(b: Blocker, escape: (s: string) => string): string {
  const who = escape(b.login);
  const levels = b.levels.map(escape).join(', ');
  if (!b.dismissed) return `changes requested by ${who}, who could approve ${levels}`;
  if ('unknown' in b.dismissed) {
    const { cause, hint } = b.dismissed.unknown;
    return `review by ${who}, who could approve ${levels}, was dismissed, and whether it requested changes and who dismissed it is unknown: ${escape(cause)} (fix: ${escape(hint)})`;
  }
  const { by, because } = b.dismissed;
  const why = because === 'not-eligible' ? `${DISMISSER_WORDS[because]} ${levels} can` : DISMISSER_WORDS[because];
  return `changes requested by ${who}, dismissed by ${escape(by)}, who cannot dismiss it: ${why}; it blocks until ${who} approves the latest commit (a dismissed review cannot be dismissed again)`;
}

function subjectNotes(verdict: SubjectVerdict, escape: (s: string) => string): string[] {
  const notes: string[] = [];
  if (verdict.waivedBy) notes.push(`approval waived (${escape(verdict.waivedBy.kind)}): ${escape(verdict.waivedBy.because)}`);
  if (verdict.notWaived) notes.push(`not waived (${escape(verdict.notWaived.kind)}): ${escape(verdict.notWaived.because)}`);
  if (verdict.granteeUnknown) {
    const { grantee, identitiesFile } = verdict.granteeUnknown;
    notes.push(
      `cannot tell ${escape(grantee)}'s GitHub login, so their own approval cannot be told apart from anyone else's: ` +
        `add ${escape(`\`${grantee}: { github: <login> }\``)} under identities.people in ${escape(identitiesFile)}`,
    );
  }
  for (const b of verdict.blockedBy) notes.push(blockerNote(b, escape));
  for (const i of verdict.ignored) notes.push(`not counted: ${escape(i.login)} (${i.state.toLowerCase()}): ${IGNORE_WORDS[i.reason]}`);
  return notes;
}
