/**
 * Loads one access file: parse, schema-check, convert to the domain model. Pure and
 * self-contained, so it can run for thousands of grants in parallel workers.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseDuration } from './duration.js';
import { parseInstant } from './instant.js';
import { classify } from './repo-files.js';
import { refusalDiagnostic } from './repo-paths.js';
import { schemaDiagnostics } from './schema-errors.js';
import { validateAgainstSchema } from './schemas.js';
import { locate, pointer, type SourceMap } from './source-map.js';
import {
  email, gitHubPrincipal, grantId, roleName,
  type ApprovalLevel, type AutoApprove, type BreakGlassSettings, type Eligibility, type Grant, type Millis, type Role, type Target,
} from './types.js';
import { parseYamlFile, type ReferenceReader } from './yaml-file.js';

export interface RawPolicyPart {
  file: string;
  data: Record<string, unknown>;
  source: SourceMap;
}

export type LoadedFile =
  | { kind: 'grant'; value?: Grant; diagnostics: Diagnostic[] }
  | { kind: 'role'; value?: Role; diagnostics: Diagnostic[] }
  /** `keys`: when a policy file parsed but failed its schema, the top-level keys it sets (their sections did not load). */
  | { kind: 'policy'; value?: RawPolicyPart; keys?: string[]; diagnostics: Diagnostic[] }
  | { kind: 'other'; diagnostics: Diagnostic[] };

/** `reference` reads the files the main YAML reader declines (`parseYamlText` of yaml-reference.ts). */
export function loadFile(path: string, bytes: Uint8Array, reference: ReferenceReader): LoadedFile {
  const place = classify(path);
  if (place.kind === 'ignored') return { kind: 'other', diagnostics: [] };
  if (place.kind === 'misplaced') {
    return { kind: 'other', diagnostics: [refusalDiagnostic(path, place.refusal)] };
  }
  const parsed = parseYamlFile(path, bytes, reference);
  if (parsed.diagnostics.length > 0) return { kind: place.kind, diagnostics: parsed.diagnostics };
  const errors = validateAgainstSchema(place.kind, parsed.data);
  if (errors.length > 0) {
    const diagnostics = schemaDiagnostics(errors, parsed.source, parsed.data);
    const data = parsed.data;
    if (place.kind === 'policy' && data !== null && typeof data === 'object' && !Array.isArray(data)) return { kind: 'policy', keys: Object.keys(data), diagnostics };
    return { kind: place.kind, diagnostics };
  }
  const data = parsed.data as Record<string, unknown>;
  switch (place.kind) {
    case 'grant':
      return toGrant(path, place.role!, data, parsed.source);
    case 'role':
      return toRole(place.name, data, parsed.source);
    case 'policy':
      return { kind: 'policy', value: { file: path, data, source: parsed.source }, diagnostics: [] };
  }
}

function at(source: SourceMap, path: (string | number)[], code: string, summary: string, hint?: string, part: 'key' | 'value' = 'value'): Diagnostic {
  const span = locate(source, pointer(path), part);
  return { severity: 'error', code, summary, hint, file: source.file, start: span.start, end: span.end };
}

interface GrantFields {
  grantee: string;
  reason: string;
  ticket?: string;
  expires: string;
  starts?: string;
  breakGlass?: boolean;
  incident?: string;
  standing?: boolean;
  role?: string;
}

function toGrant(path: string, folderRole: string, data: Record<string, unknown>, source: SourceMap): LoadedFile {
  const fields = data as unknown as GrantFields;
  const diagnostics: Diagnostic[] = [];
  const expires = parseInstant(fields.expires);
  if (expires === undefined) diagnostics.push(at(source, ['expires'], 'GRANT_TIME_INVALID', `\`expires\` is not a real date and time: ${fields.expires}`, 'check the day of the month and the hour'));
  const starts = fields.starts === undefined ? undefined : parseInstant(fields.starts);
  if (fields.starts !== undefined && starts === undefined) {
    diagnostics.push(at(source, ['starts'], 'GRANT_TIME_INVALID', `\`starts\` is not a real date and time: ${fields.starts}`, 'check the day of the month and the hour'));
  }
  if (fields.role !== undefined && fields.role !== folderRole) {
    diagnostics.push(at(source, ['role'], 'GRANT_ROLE_MISMATCH', `\`role: ${fields.role}\` contradicts the folder grants/${folderRole}/`, `the folder decides the role and its approvers: move the file to grants/${fields.role}/ or remove \`role\``));
  }
  if (diagnostics.length > 0) return { kind: 'grant', diagnostics };
  return {
    kind: 'grant',
    diagnostics,
    value: {
      id: grantId(path),
      role: roleName(folderRole),
      grantee: email(normaliseEmail(fields.grantee)),
      reason: fields.reason,
      ticket: fields.ticket,
      starts,
      expires: expires!,
      breakGlass: fields.breakGlass ?? false,
      incident: fields.incident,
      standing: fields.standing ?? false,
      source,
    },
  };
}

/** Emails compare case-insensitively and in one Unicode form; look-alike letters stay visible to the rules. */
export function normaliseEmail(value: string): string {
  return value.trim().normalize('NFC').toLowerCase();
}

interface RoleFields {
  description: string;
  owners: string[];
  permissionLevel?: Role['permissionLevel'];
  production?: boolean;
  defaultDuration?: string;
  maxDuration?: string;
  approvals: { name?: string; count?: number; from: string[] }[];
  autoApprove?: { windows?: { days: AutoApprove['windows'][number]['days']; from: string; to: string; timezone: string; maxDuration?: string }[]; requesters?: string[] };
  exempt?: string[];
  eligible?: Eligibility;
  standing?: Eligibility;
  exclusive?: boolean;
  breakGlass?: { allowed: boolean; maxDuration?: string; who?: string[]; notify?: string[] };
  targets: ({ aws: Record<string, string> } | { gcp: { resource: string; role: string } })[];
}

function toRole(name: string, data: Record<string, unknown>, source: SourceMap): LoadedFile {
  const fields = data as unknown as RoleFields;
  const diagnostics: Diagnostic[] = [];
  const duration = (text: string | undefined, path: (string | number)[]): Millis | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    // The schema pattern admits `0h`, which parses to nothing: a zero cap would silently mean "no cap".
    if (ms === undefined) diagnostics.push(at(source, path, 'ROLE_DURATION_ZERO', `\`${String(path[path.length - 1])}\` must be longer than zero, not ${text}`, 'write a positive duration such as 30m or 4h'));
    return ms;
  };
  const windows = (fields.autoApprove?.windows ?? []).map((w, index) => {
    if (!isTimeZone(w.timezone)) {
      diagnostics.push(at(source, ['autoApprove', 'windows', index, 'timezone'], 'ROLE_TIMEZONE_INVALID', `unknown time zone \`${w.timezone}\``, 'use an IANA name such as Europe/London or America/New_York'));
    }
    if (w.from >= w.to) {
      diagnostics.push(at(source, ['autoApprove', 'windows', index, 'to'], 'ROLE_WINDOW_EMPTY', `window ends (${w.to}) before it starts (${w.from})`, 'windows run from `from` to `to` on the same day; use two windows to span midnight'));
    }
    return { days: w.days, from: w.from, to: w.to, timezone: w.timezone, maxDuration: duration(w.maxDuration, ['autoApprove', 'windows', index, 'maxDuration']) };
  });
  const approvals: ApprovalLevel[] = fields.approvals.map((level, index) => ({
    name: level.name ?? `level-${index + 1}`,
    count: level.count ?? 1,
    from: level.from.map(gitHubPrincipal),
  }));
  approvals.forEach((level, index) => {
    const teams = level.from.filter((p) => p.includes('/'));
    if (level.count > level.from.length && teams.length === 0) {
      diagnostics.push(at(source, ['approvals', index, 'count'], 'ROLE_APPROVAL_UNSATISFIABLE', `level needs ${level.count} approvers but names only ${level.from.length} users`, 'name a team, more users, or lower `count`'));
    }
  });
  const breakGlass: BreakGlassSettings | undefined = fields.breakGlass && {
    allowed: fields.breakGlass.allowed,
    maxDuration: duration(fields.breakGlass.maxDuration, ['breakGlass', 'maxDuration']),
    who: (fields.breakGlass.who ?? []).map(gitHubPrincipal),
    notify: (fields.breakGlass.notify ?? []).map(gitHubPrincipal),
  };
  if (breakGlass?.allowed && breakGlass.who.length === 0) {
    diagnostics.push(at(source, ['breakGlass'], 'ROLE_BREAK_GLASS_NOBODY', 'break-glass is allowed but `who` names nobody', 'list the on-call teams that may break glass', 'key'));
  }
  const defaultDuration = duration(fields.defaultDuration, ['defaultDuration']);
  const maxDuration = duration(fields.maxDuration, ['maxDuration']);
  if (defaultDuration !== undefined && maxDuration !== undefined && defaultDuration > maxDuration) {
    diagnostics.push(at(source, ['defaultDuration'], 'ROLE_DEFAULT_OVER_MAX', `defaultDuration ${fields.defaultDuration} is longer than maxDuration ${fields.maxDuration}`, 'lower defaultDuration or raise maxDuration'));
  }
  const targets = fields.targets.map(toTarget);
  const seen = new Map<string, number>();
  targets.forEach((target, index) => {
    const key = JSON.stringify(target);
    const first = seen.get(key);
    if (first !== undefined) diagnostics.push(at(source, ['targets', index], 'ROLE_TARGET_DUPLICATE', `target repeats targets[${first}]`, 'remove the repeated target'));
    else seen.set(key, index);
  });
  if (diagnostics.length > 0) return { kind: 'role', diagnostics };
  return {
    kind: 'role',
    diagnostics,
    value: {
      name: roleName(name),
      description: fields.description,
      owners: fields.owners.map(gitHubPrincipal),
      permissionLevel: fields.permissionLevel,
      production: fields.production ?? false,
      defaultDuration,
      maxDuration,
      approvals,
      autoApprove: fields.autoApprove && { windows, requesters: (fields.autoApprove.requesters ?? []).map(normaliseRequester) },
      exempt: (fields.exempt ?? []).map(normaliseRequester),
      eligible: fields.eligible,
      standing: fields.standing,
      exclusive: fields.exclusive ?? false,
      breakGlass,
      targets,
      source,
    },
  };
}

function normaliseRequester(value: string): string {
  return value.startsWith('@') ? value.toLowerCase() : normaliseEmail(value);
}

function toTarget(entry: RoleFields['targets'][number]): Target {
  if ('gcp' in entry) return { kind: 'gcp', resource: entry.gcp.resource, role: entry.gcp.role };
  const aws = entry.aws;
  if (aws.strategy === 'iam') return { kind: 'aws', account: aws.account!, strategy: 'iam', roleName: aws.roleName! };
  return {
    kind: 'aws',
    account: aws.account!,
    strategy: 'identity-center',
    instanceArn: aws.instanceArn!,
    permissionSetArn: aws.permissionSetArn!,
    sessionDuration: aws.sessionDuration === undefined ? undefined : parseDuration(aws.sessionDuration),
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
