/** Rules about roles against the policy: caps a role may not exceed. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDuration } from './duration.js';
import { locate, pointer } from './source-map.js';
import type { AccessRepo, Role } from './types.js';

export function checkRoles(repo: AccessRepo): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { durations } = repo.policy;
  const report = (role: Role, path: (string | number)[], code: string, summary: string, hint: string) => {
    const span = locate(role.source, pointer(path));
    diagnostics.push({ severity: 'error', code, summary, hint, file: role.source.file, start: span.start, end: span.end });
  };
  for (const role of repo.roles.values()) {
    if (role.maxDuration !== undefined && role.maxDuration > durations.max) {
      report(role, ['maxDuration'], 'ROLE_MAX_OVER_POLICY_CAP', `maxDuration ${formatDuration(role.maxDuration)} is above the policy hard cap of ${formatDuration(durations.max)}`, 'lower it: no grant can outlast the policy cap');
    }
    const glass = role.breakGlass?.maxDuration;
    if (glass !== undefined && glass > durations.breakGlassMax) {
      report(role, ['breakGlass', 'maxDuration'], 'ROLE_BREAK_GLASS_OVER_POLICY_CAP', `break-glass maxDuration ${formatDuration(glass)} is above the policy cap of ${formatDuration(durations.breakGlassMax)}`, 'lower it to the policy cap or less');
    }
  }
  return diagnostics;
}
