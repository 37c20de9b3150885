/**
 * Turning the fields of a request into a checked grant file: one way for `new-grant`, `request` and
 * `break-glass`. The new file is checked with the same loader and rules as a pull request would be,
 * so what a command writes is what the gate will accept.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics/diagnostic.js';
import { formatDiagnostic } from '../core/diagnostics/format.js';
import { grantFileName, renderGrantFile, type GrantFileFields } from '../core/model/grant-file.js';
import { loadFile } from '../core/model/load-file.js';
import { parseYamlText } from '../core/model/yaml-reference.js';
import { grantId, type AccessRepo, type Grant, type Instant, type Role } from '../core/model/types.js';
import { evaluatePolicy } from '../core/policy/engine.js';
import { UsageError } from './errors.js';

/** Findings for the grants being requested, beyond the policy engine (HR's word on each grantee). */
export type RequestedGrantsCheck = (grants: readonly Grant[]) => Diagnostic[];

/** A grant file not yet written: where it goes, its text, and the validation errors it would raise. */
export interface GrantDraft {
  path: string;
  text: string;
  problems: string[];
  /** Warnings and notices from the request-time checks (HR), formatted; they do not stop the draft. */
  notes: string[];
}

export function defaultDuration(role: Role, repo: AccessRepo): number {
  return role.defaultDuration ?? repo.policy.durations.default;
}

/** `requested`: checks that apply to a grant being requested (HR at request time). */
export function draftGrant(repo: AccessRepo, role: Role, fields: GrantFileFields, now: Instant, name?: string, requested?: RequestedGrantsCheck): GrantDraft {
  const text = renderGrantFile(fields);
  const path = `grants/${role.name}/${name ?? grantFileName(fields.grantee, fields.ticket ?? fields.incident, now)}`;
  const { problems, notes } = checkNewGrant(repo, path, text, now, requested);
  return { path, text, problems, notes };
}

/** Writes the draft into the checkout at `root`; an existing file is never overwritten. */
export function writeDraft(root: string, draft: GrantDraft): void {
  const absolute = join(root, draft.path);
  if (existsSync(absolute)) throw new UsageError(`${draft.path} already exists`, 'choose another --name, or edit the existing grant');
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, draft.text);
}

function checkNewGrant(repo: AccessRepo, path: string, text: string, now: number, requested?: RequestedGrantsCheck): { problems: string[]; notes: string[] } {
  const loaded = loadFile(path, new TextEncoder().encode(text), parseYamlText);
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
