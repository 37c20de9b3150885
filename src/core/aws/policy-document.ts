/**
 * IAM policy documents as data: parsing what IAM returns, writing them canonically, and matching
 * statements against actions and resources. Pure.
 */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function emptyDocument(): PolicyDocument {
  return { Version: '2012-10-17', Statement: [] };
}

/**
 * IAM returns documents URL-encoded (RFC 3986); emulators often return them plain. A plain document
 * starts with `{`, which an encoded one never does, so the two cannot be confused.
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  const json = text.trimStart().startsWith('{') ? text : decodeURIComponent(text);
  const parsed = JSON.parse(json) as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] };
  const statements = parsed.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return { Version: '2012-10-17', Statement: statements };
}

/** Compact JSON: what gitgrant writes, and what it compares to decide whether anything changed. */
export function serialisePolicy(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/** The size IAM counts against its quotas: characters, whitespace not counted. */
export function policySize(document: PolicyDocument): number {
  return serialisePolicy(document).replace(/\s/g, '').length;
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM wildcard match (`*` any run, `?` one character); action names are case-insensitive. */
export function wildcardMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/**
 * Whether an Allow statement lets its holder call sts:AssumeRole on the role, ignoring conditions
 * (an unmanaged grant with a condition is still a grant gitgrant did not make). NotAction and
 * NotResource statements count when they do not exclude the call.
 */
export function allowsAssumeRole(statement: PolicyStatement, roleArn: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const action = 'sts:AssumeRole';
  const actionAllowed =
    statement.Action !== undefined
      ? asList(statement.Action).some((a) => wildcardMatches(a, action, true))
      : statement.NotAction !== undefined && !asList(statement.NotAction).some((a) => wildcardMatches(a, action, true));
  if (!actionAllowed) return false;
  return statement.Resource !== undefined
    ? asList(statement.Resource).some((r) => wildcardMatches(r, roleArn))
    : statement.NotResource !== undefined && !asList(statement.NotResource).some((r) => wildcardMatches(r, roleArn));
}
