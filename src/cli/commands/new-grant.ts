/** `gitgrant new-grant`: writes a well-formed grant file from flags, or from prompts on a TTY. */
import { defaultDuration, draftGrant, writeDraft } from '../../app/draft-grant.js';
import { formatDuration } from '../../core/model/duration.js';
import type { GrantFileFields } from '../../core/model/grant-file.js';
import { loadRepo } from '../../adapters/fs/load-repo.js';
import type { Prompter } from '../support/prompts.js';
import { ticketRequired } from '../../core/model/policy.js';
import type { RoleName } from '../../core/model/types.js';
import { hrAtRequest } from '../support/hr-at-request.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { durationOption, instantOption, nowOption, repoOption } from '../support/options.js';

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
