/**
 * HR sources as the policy's `hr` section names them. The section's shape is in
 * schemas/fragments/hr.schema.json (checked with the rest of the policy by `validate`) and its type
 * in model/policy-sections.ts; what is here is what the HR adapters need of it.
 */
import type { HrSourceConfig } from '../model/policy-sections.js';

/**
 * The token a SCIM source sends goes to the source's url, and the policy names both. The schema
 * fragment refuses any other url (and any token variable not named GITGRANT_SCIM_*); the SCIM
 * client checks the url again with this same pattern before it sends the token.
 */
export const SCIM_URL_PATTERN = '^(https://|http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]+)?(/|$))';

/** The name a source goes by in diagnostics and merge warnings. */
export function sourceName(config: HrSourceConfig): string {
  if (config.name) return config.name;
  return config.kind === 'scim' ? `scim:${config.url}` : config.path;
}
