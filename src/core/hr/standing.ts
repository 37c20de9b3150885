/**
 * Standing access: for roles with `standing` HR attributes, the grant files that should exist
 * (one per matching person) against those that do. Pure: the caller writes `add`, deletes
 * `remove` and opens the pull request. Running it again on unchanged input changes nothing: an
 * existing file is only rewritten when its expiry comes within the renewal threshold.
 */
import { stringify } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccessRepo, Email, Grant, Instant, Millis, Role, RoleName } from '../model/types.js';
import { eligibilityMismatches } from './eligibility.js';
import { employmentStatus, hasLeft, type HrRecord } from './record.js';
import { compareText } from '../text/compare-text.js';

export interface StandingFile {
  /** Repo-relative path, e.g. `grants/oncall-readonly/alice-standing.yaml`. */
  path: string;
  content: string;
}

export interface StandingPlan {
  /** Files to write: new standing grants, and existing ones renewed. */
  add: StandingFile[];
  /** Standing grant files whose holder no longer matches. */
  remove: string[];
  /** Standing grant files that are right as they are. */
  keep: string[];
  diagnostics: Diagnostic[];
}

export interface StandingInput {
  repo: AccessRepo;
  /** Merged HR records, read without errors. */
  records: readonly HrRecord[];
  now: Instant;
  /** Renew a grant that expires within this long; defaults to a third of the role's duration. */
  renewWithin?: Millis;
}

export const SCHEMA_COMMENT = '# yaml-language-server: $schema=../../schemas/grant.schema.json';

/** The longest a standing grant may run: the role's maximum, never above the policy's cap. */
export function standingDuration(repo: AccessRepo, role: Role): Millis {
  const cap = repo.policy.durations.max;
  return Math.min(role.maxDuration ?? cap, cap);
}

export function standingPath(role: RoleName, person: Email): string {
  const local = person.slice(0, person.lastIndexOf('@')).replace(/[^a-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return `grants/${role}/${local || 'person'}-standing.yaml`;
}

/** RFC 3339 in UTC, whole seconds: what a person would write. */
function timestamp(instant: Instant): string {
  return new Date(Math.floor(instant / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function reasonFor(role: Role, record: HrRecord): string {
  const standing = role.standing ?? {};
  const matched = [
    standing.departments && `department ${record.department}`,
    standing.titles && `title ${record.title}`,
    standing.employmentStatus && !standing.departments && !standing.titles && `status ${employmentStatus(record)}`,
  ].filter(Boolean);
  return `Standing access from HR: ${matched.join(', ')}`;
}

/** Grant YAML with the schema comment and the fields in the order people write them. */
export function standingGrantYaml(role: Role, record: HrRecord, expires: Instant): string {
  const fields = { grantee: record.email, reason: reasonFor(role, record), expires: timestamp(expires), standing: true };
  return `${SCHEMA_COMMENT}\n${stringify(fields, { lineWidth: 0 })}`;
}

/** A standing rule that names no attribute would match everyone: refuse it rather than grant all. */
function namesAnAttribute(role: Role): boolean {
  const { departments, titles, employmentStatus: statuses } = role.standing ?? {};
  return departments !== undefined || titles !== undefined || statuses !== undefined;
}

const holderKey = (role: RoleName, person: Email) => `${role}\n${person}`;

export function planStandingAccess(input: StandingInput): StandingPlan {
  const { repo, now } = input;
  const plan: StandingPlan = { add: [], remove: [], keep: [], diagnostics: [] };
  const existing = new Map<string, Grant>();
  for (const grant of [...repo.grants].filter((g) => g.standing).sort((a, b) => compareText(a.id, b.id))) {
    const key = holderKey(grant.role, grant.grantee);
    if (existing.has(key)) plan.remove.push(grant.id);
    else existing.set(key, grant);
  }
  const takenPaths = new Set<string>(repo.grants.map((g) => g.id));

  for (const role of [...repo.roles.values()].sort((a, b) => compareText(a.name, b.name))) {
    if (!role.standing) continue;
    if (!namesAnAttribute(role)) {
      plan.diagnostics.push({
        severity: 'warning',
        code: 'HR_STANDING_EMPTY',
        summary: `role ${role.name} has \`standing\` without departments, titles or employmentStatus; no standing access is derived from it`,
        hint: 'name the HR attributes of the people who should hold this role permanently',
        file: role.source.file,
      });
      // A broken rule must not revoke everyone who holds the role: leave their files alone.
      for (const [key, grant] of existing) {
        if (grant.role !== role.name) continue;
        plan.keep.push(grant.id);
        existing.delete(key);
      }
      continue;
    }
    const duration = standingDuration(repo, role);
    const renewWithin = input.renewWithin ?? Math.floor(duration / 3);
    const holders = input.records
      .filter((record) => !hasLeft(record) && eligibilityMismatches(record, role.standing!).length === 0)
      .sort((a, b) => compareText(a.email, b.email));
    for (const record of holders) {
      const key = holderKey(role.name, record.email);
      const current = existing.get(key);
      existing.delete(key);
      if (current && current.expires - now > renewWithin) {
        plan.keep.push(current.id);
        continue;
      }
      const path = current?.id ?? standingPath(role.name, record.email);
      if (!current && takenPaths.has(path)) {
        plan.diagnostics.push({
          severity: 'warning',
          code: 'HR_STANDING_PATH_TAKEN',
          summary: `standing access for ${record.email} in role ${role.name} would be written to ${path}, which another grant already uses`,
          hint: 'rename the other grant file; the next run will then add the standing grant',
          file: path,
        });
        continue;
      }
      takenPaths.add(path);
      plan.add.push({ path, content: standingGrantYaml(role, record, now + duration) });
    }
  }
  // What is left was held by someone HR no longer matches, or belongs to a role without `standing`.
  plan.remove.push(...[...existing.values()].map((grant) => grant.id));
  plan.add.sort((a, b) => compareText(a.path, b.path));
  plan.remove.sort();
  plan.keep.sort();
  return plan;
}
