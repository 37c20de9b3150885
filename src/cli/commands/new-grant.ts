/** `gitgrant new-grant`: writes a well-formed grant file from flags, or from prompts on a TTY. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { formatDuration } from '../../model/duration.js';
import { grantFileName, renderGrantFile, type GrantFileFields } from '../../model/grant-file.js';
import { loadFile } from '../../model/load-file.js';
import { loadRepo } from '../../model/load-repo.js';
import { ticketRequired } from '../../model/policy.js';
import { grantId, type AccessRepo, type Instant, type Role, type RoleName } from '../../model/types.js';
import { evaluatePolicy } from '../../policy/engine.js';
import { hrAtRequest, type RequestedGrantsCheck } from '../hr-at-request.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { durationOption, instantOption, nowOption, repoOption } from '../options.js';

export interface NewGrantOptions {
  repo?: string;
  now?: string;
  role?: string;
  grantee?: string;
  reason?: string;
  ticket?: string;
  duration?: string;
  starts?: string;
  expires?: string;
  name?: string;
  stdout?: boolean;
}

/** Asks for what flags did not give; only on a TTY. */
export interface Prompter {
  select(message: string, choices: string[]): Promise<string>;
  input(message: string, defaultValue?: string): Promise<string>;
}

export async function newGrantCommand(io: CliIo, options: NewGrantOptions, prompter?: Prompter): Promise<number> {
  const root = repoOption(io, options.repo);
  const now = nowOption(io, options.now);
  const { repo } = loadRepo(root);
  const ask = io.isTTY && prompter ? prompter : undefined;
  const missing = (flag: string) => new UsageError(`--${flag} is required`, 'give it as a flag, or run on a terminal to be asked');

  const roleName = options.role ?? (ask ? await ask.select('Role', [...repo.roles.keys()].sort()) : undefined);
  if (!roleName) throw missing('role');
  const role = repo.roles.get(roleName as RoleName);
  if (!role) throw new UsageError(`there is no role ${roleName}`, `known roles: ${[...repo.roles.keys()].sort().join(', ')}`);
  const grantee = options.grantee ?? (ask ? await ask.input('Grantee email') : undefined);
  if (!grantee) throw missing('grantee');
  const reason = options.reason ?? (ask ? await ask.input('Reason (what you will do and why)') : undefined);
  if (!reason) throw missing('reason');
  const ticketNeeded = ticketRequired(repo.policy, role);
  const ticket = options.ticket ?? (ask && ticketNeeded ? await ask.input('Ticket (e.g. INC-1234 or #123)') : undefined);
  const starts = options.starts === undefined ? undefined : instantOption('starts', options.starts);
  const fallback = defaultDuration(role, repo);
  const expires = options.expires !== undefined
    ? instantOption('expires', options.expires)
    : (starts ?? now) + durationOption('duration', options.duration ?? (ask ? await ask.input('Duration', formatDuration(fallback)) : formatDuration(fallback)));

  const fields: GrantFileFields = { grantee, reason, ticket: ticket || undefined, starts, expires };
  const draft = draftGrant(repo, role, fields, now, options.name, await hrAtRequest(io, root, repo, now));
  for (const line of draft.notes) io.stdout(line + '\n');
  if (draft.problems.length > 0) {
    for (const line of draft.problems) io.stdout(line + '\n');
    io.stdout('gitgrant new-grant: the grant would not pass validation; nothing written\n');
    return EXIT.findings;
  }
  if (options.stdout) {
    io.stdout(draft.text);
    return EXIT.ok;
  }
  writeDraft(root, draft);
  io.stdout(`gitgrant new-grant: wrote ${draft.path} (${formatDuration(expires - (starts ?? now))}); open a pull request to request it\n`);
  return EXIT.ok;
}

export function defaultDuration(role: Role, repo: AccessRepo): number {
  return role.defaultDuration ?? repo.policy.durations.default;
}

/** A grant file not yet written: where it goes, its text, and the validation errors it would raise. */
export interface GrantDraft {
  path: string;
  text: string;
  problems: string[];
  /** Warnings and notices from the request-time checks (HR), formatted; they do not stop the draft. */
  notes: string[];
}

/**
 * Shared by new-grant, request and break-glass: one way to turn fields into a checked grant file.
 * `requested`: checks that apply to a grant being requested (HR at request time).
 */
export function draftGrant(repo: AccessRepo, role: Role, fields: GrantFileFields, now: Instant, name?: string, requested?: RequestedGrantsCheck): GrantDraft {
  const text = renderGrantFile(fields);
  const path = `grants/${role.name}/${name ?? grantFileName(fields.grantee, fields.ticket ?? fields.incident, now)}`;
  const { problems, notes } = checkNewGrant(repo, path, text, now, requested);
  return { path, text, problems, notes };
}

export function writeDraft(root: string, draft: GrantDraft): void {
  const absolute = join(root, draft.path);
  if (existsSync(absolute)) throw new UsageError(`${draft.path} already exists`, 'choose another --name, or edit the existing grant');
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, draft.text);
}

/** The new file is checked with the same loader and rules as a pull request would be. */
function checkNewGrant(repo: AccessRepo, path: string, text: string, now: number, requested?: RequestedGrantsCheck): { problems: string[]; notes: string[] } {
  const loaded = loadFile(path, new TextEncoder().encode(text));
  if (loaded.kind !== 'grant' || !loaded.value) return { problems: loaded.diagnostics.map(formatDiagnostic), notes: [] };
  const withNew: AccessRepo = { ...repo, grants: [...repo.grants, loaded.value] };
  const id = grantId(path);
  const policy = evaluatePolicy(withNew, { now, changed: new Set([id]), scope: new Set([id]) }).filter((d) => d.file === path);
  const hr = requested?.([loaded.value]) ?? [];
  return {
    problems: [...policy, ...hr].filter((d) => d.severity === 'error').map(formatDiagnostic),
    notes: hr.filter((d) => d.severity !== 'error').map(formatDiagnostic),
  };
}
