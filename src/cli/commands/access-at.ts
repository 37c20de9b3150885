/** `gitgrant access-at T [--grantee E] [--role R] [--json]`: who could do what at T, from history alone. */
import { grantHistory } from '../../app/audit-sources.js';
import { accessAt } from '../../core/audit/access-at.js';
import { renderAccessJson, renderAccessText } from '../../core/audit/render-access.js';
import { normaliseEmail } from '../../core/model/load-file.js';
import { auditAdapters } from '../support/audit-adapters.js';
import { EXIT, UsageError, type CliIo } from '../support/io.js';
import { dayOrInstant, repoOption } from '../support/options.js';

export interface AccessAtOptions {
  repo?: string;
  grantee?: string;
  role?: string;
  json?: boolean;
}

export async function accessAtCommand(io: CliIo, when: string, options: AccessAtOptions): Promise<number> {
  // `now` is the question an on-call engineer asks most; it reads the same clock as every command.
  const at = when === 'now' ? io.now() : dayOrInstant('time', when);
  if (at === undefined) throw new UsageError('give the instant to look at');
  const history = await grantHistory(auditAdapters(io, repoOption(io, options.repo)));
  const held = accessAt(history, at, { grantee: options.grantee && normaliseEmail(options.grantee), role: options.role });
  io.stdout(options.json ? renderAccessJson(at, held) : renderAccessText(at, held));
  return EXIT.ok;
}
