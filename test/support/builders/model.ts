/**
 * Builders for access files, so a test reads as the situation it describes:
 *
 *   aRepo().with(aRole('db').exclusive(), aGrant().for('alice@example.com').ofRole('db').startingAt(T).expiringIn('2h'))
 *
 * Every builder renders a real YAML file, and repos are loaded through the real loader, so the
 * lines and columns a rule reports are the ones a person would see in the file.
 */
import { stringify } from 'yaml';
import type { Diagnostic } from '../../../src/core/diagnostics/diagnostic.js';
import { parseDuration } from '../../../src/core/model/duration.js';
import { formatInstant, parseInstant } from '../../../src/core/model/instant.js';
import { loadRepoFromFiles, type LoadedRepo } from '../../../src/adapters/fs/load-repo.js';
import type { RepoFile } from '../../../src/adapters/fs/read-repo.js';
import { grantId, type Grant, type GrantId, type Instant, type Role, type Weekday } from '../../../src/core/model/types.js';
import { evaluatePolicy } from '../../../src/core/policy/engine.js';
import type { EvaluationOptions } from '../../../src/core/policy/context.js';

/** One file of an access repo, as written on disk. */
export interface FileSpec {
  path: string;
  text: string;
}

interface Buildable {
  build(): FileSpec;
}

type FileLike = FileSpec | Buildable;

const toSpec = (file: FileLike): FileSpec => ('build' in file ? file.build() : file);

/** `instant('2026-11-23T10:00:00Z')`: fails loudly on a typo rather than testing nothing. */
export function instant(text: string): Instant {
  const parsed = parseInstant(text);
  if (parsed === undefined) throw new Error(`test bug: ${text} is not an RFC 3339 instant`);
  return parsed;
}

export function duration(text: string): number {
  const parsed = parseDuration(text);
  if (parsed === undefined) throw new Error(`test bug: ${text} is not a duration`);
  return parsed;
}

/** Monday 23 November 2026, 10:00 UTC (10:00 in London): the instant most tests are judged at. */
export const NOW = instant('2026-11-23T10:00:00Z');

const render = (data: Record<string, unknown>): string => stringify(data, { version: '1.2', lineWidth: 0 });

let grantCounter = 0;

class GrantBuilder implements Buildable {
  private grantee = 'alice@example.com';
  private reason = 'Investigate the slow checkout queries';
  private role = 'app-readonly';
  private ticket?: string;
  private starts?: string;
  private expires?: string;
  private expiresAfter = duration('2h');
  private glass?: { incident?: string };
  private extra: Record<string, unknown> = {};
  private name?: string;
  private readonly serial = ++grantCounter;

  for(grantee: string): this {
    this.grantee = grantee;
    return this;
  }

  ofRole(role: string): this {
    this.role = role;
    return this;
  }

  because(reason: string): this {
    this.reason = reason;
    return this;
  }

  withTicket(ticket: string): this {
    this.ticket = ticket;
    return this;
  }

  startingAt(at: Instant | string): this {
    this.starts = typeof at === 'string' ? at : formatInstant(at);
    return this;
  }

  /** Relative to `starts`, or to NOW when the grant starts on merge. */
  expiringIn(length: string): this {
    this.expires = undefined;
    this.expiresAfter = duration(length);
    return this;
  }

  expiringAt(at: Instant | string): this {
    this.expires = typeof at === 'string' ? at : formatInstant(at);
    return this;
  }

  breakingGlass(incident = 'INC-9001'): this {
    this.glass = { incident };
    return this;
  }

  breakingGlassWithoutIncident(): this {
    this.glass = {};
    return this;
  }

  /** Any other key, written as given (e.g. `incident`, `standing`, or a `role` that contradicts the folder). */
  withField(key: string, value: unknown): this {
    this.extra[key] = value;
    return this;
  }

  named(name: string): this {
    this.name = name;
    return this;
  }

  get path(): string {
    const local = this.grantee.split('@')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'someone';
    return `grants/${this.role}/${this.name ?? `${local}-${this.serial}`}.yaml`;
  }

  build(): FileSpec {
    const data: Record<string, unknown> = { grantee: this.grantee, reason: this.reason };
    if (this.ticket !== undefined) data.ticket = this.ticket;
    if (this.starts !== undefined) data.starts = this.starts;
    data.expires = this.expires ?? formatInstant((this.starts === undefined ? NOW : instant(this.starts)) + this.expiresAfter);
    if (this.glass) {
      data.breakGlass = true;
      if (this.glass.incident !== undefined) data.incident = this.glass.incident;
    }
    Object.assign(data, this.extra);
    return { path: this.path, text: render(data) };
  }
}

export const aGrant = () => new GrantBuilder();

export interface ApprovalLevelSpec {
  name?: string;
  count?: number;
  from: string[];
}

/** `level('owners', 2, '@org/db-owners')`: one approval level, as written in a role. */
export function level(name: string, count: number, ...from: string[]): ApprovalLevelSpec {
  return { name, count, from };
}

export interface WindowSpec {
  days: Weekday[];
  from: string;
  to: string;
  timezone: string;
  maxDuration?: string;
}

export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

class RoleBuilder implements Buildable {
  private readonly data: Record<string, unknown>;

  constructor(readonly name: string) {
    this.data = {
      description: `Test role ${name}.`,
      owners: ['@example-org/owners'],
      approvals: [{ name: 'owners', count: 1, from: ['@example-org/owners'] }],
      targets: [{ gcp: { resource: 'projects/acme-test', role: 'roles/viewer' } }],
    };
  }

  ownedBy(...owners: string[]): this {
    this.data.owners = owners;
    return this;
  }

  withApprovals(...levels: ApprovalLevelSpec[]): this {
    this.data.approvals = levels;
    return this;
  }

  production(): this {
    this.data.production = true;
    return this;
  }

  exclusive(): this {
    this.data.exclusive = true;
    return this;
  }

  withPermissionLevel(level: NonNullable<Role['permissionLevel']>): this {
    this.data.permissionLevel = level;
    return this;
  }

  lastingByDefault(length: string): this {
    this.data.defaultDuration = length;
    return this;
  }

  lastingAtMost(length: string): this {
    this.data.maxDuration = length;
    return this;
  }

  autoApprovingDuring(window: WindowSpec): this {
    const auto = (this.data.autoApprove ??= {}) as Record<string, unknown>;
    auto.windows = [...((auto.windows as WindowSpec[] | undefined) ?? []), window];
    return this;
  }

  autoApprovingRequests(...requesters: string[]): this {
    const auto = (this.data.autoApprove ??= {}) as Record<string, unknown>;
    auto.requesters = requesters;
    return this;
  }

  exempting(...requesters: string[]): this {
    this.data.exempt = requesters;
    return this;
  }

  allowingBreakGlass(maxDuration?: string): this {
    this.data.breakGlass = { allowed: true, ...(maxDuration ? { maxDuration } : {}), who: ['@example-org/oncall'], notify: ['@example-org/security'] };
    return this;
  }

  build(): FileSpec {
    return { path: `roles/${this.name}.yaml`, text: render(this.data) };
  }
}

export const aRole = (name = 'app-readonly') => new RoleBuilder(name);

export interface RuleSpec {
  id: string;
  expression: string;
  message: string;
  severity?: 'error' | 'warning';
}

class PolicyBuilder implements Buildable {
  private readonly data: Record<string, unknown> = { owners: ['@example-org/security'] };
  private file = 'access';

  /** A second policy file, for rules about how several files merge. */
  inFile(name: string): this {
    this.file = name;
    return this;
  }

  withoutOwners(): this {
    delete this.data.owners;
    return this;
  }

  capping(caps: { default?: string; max?: string; breakGlassMax?: string }): this {
    this.data.durations = caps;
    return this;
  }

  escalatingAbove(length: string, name: string, ...from: string[]): this {
    this.data.escalations = [...((this.data.escalations as unknown[] | undefined) ?? []), { name, aboveDuration: length, approvals: { count: 1, from } }];
    return this;
  }

  requiringTickets(required: 'always' | 'production' | 'never', pattern?: string): this {
    this.data.tickets = { required, ...(pattern ? { pattern } : {}) };
    return this;
  }

  withReasonsOfAtLeast(minLength: number): this {
    this.data.reasons = { minLength };
    return this;
  }

  limitingGranteesTo(...domains: string[]): this {
    this.data.grantees = { domains };
    return this;
  }

  allowingDuplicates(allow = true): this {
    this.data.duplicates = { allow };
    return this;
  }

  withRule(rule: RuleSpec): this {
    this.data.rules = [...((this.data.rules as RuleSpec[] | undefined) ?? []), rule];
    return this;
  }

  /** Any top-level key, written as given. */
  withSection(key: string, value: unknown): this {
    this.data[key] = value;
    return this;
  }

  build(): FileSpec {
    return { path: `policies/${this.file}.yaml`, text: render(this.data) };
  }
}

export const aPolicy = () => new PolicyBuilder();

export interface RepoView extends LoadedRepo {
  grant(file: FileLike): Grant;
  role(name: string): Role;
}

class RepoBuilder {
  private readonly files = new Map<string, FileSpec>();

  /** Starts with a policy and the default role `app-readonly`; `with` replaces a file of the same path. */
  constructor() {
    this.with(aPolicy(), aRole());
  }

  with(...files: FileLike[]): this {
    for (const file of files) {
      const spec = toSpec(file);
      this.files.set(spec.path, spec);
    }
    return this;
  }

  without(...paths: string[]): this {
    for (const path of paths) this.files.delete(path);
    return this;
  }

  specs(): FileSpec[] {
    return [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  repoFiles(): RepoFile[] {
    return this.specs().map((spec) => ({ path: spec.path, bytes: new TextEncoder().encode(spec.text) }));
  }

  load(): RepoView {
    const loaded = loadRepoFromFiles(this.repoFiles());
    return {
      ...loaded,
      grant(file) {
        const path = toSpec(file).path;
        const found = loaded.repo.grants.find((g) => g.id === path);
        if (!found) throw new Error(`test bug: ${path} did not load: ${JSON.stringify(loaded.diagnostics)}`);
        return found;
      },
      role(name) {
        const found = [...loaded.repo.roles.values()].find((r) => r.name === name);
        if (!found) throw new Error(`test bug: role ${name} did not load: ${JSON.stringify(loaded.diagnostics)}`);
        return found;
      },
    };
  }

  /** What `gitgrant validate` would report: load problems, then the policy engine's findings. */
  validate(options: Partial<EvaluationOptions> = {}): Diagnostic[] {
    const { repo, diagnostics } = this.load();
    return [...diagnostics, ...evaluatePolicy(repo, { now: NOW, ...options })];
  }
}

export const aRepo = () => new RepoBuilder();

/** The 1-based line and column where `key:` is written at the top level of a file, and of its value. */
export function placeOf(file: FileLike, key: string, part: 'key' | 'value' = 'value'): { file: string; start: { line: number; col: number } } {
  const spec = toSpec(file);
  const lines = spec.text.split('\n');
  const index = lines.findIndex((line) => line.startsWith(`${key}:`));
  if (index < 0) throw new Error(`test bug: ${spec.path} has no top-level key ${key}:\n${spec.text}`);
  const col = part === 'key' ? 1 : lines[index]!.indexOf(':') + 3;
  return { file: spec.path, start: { line: index + 1, col } };
}

/** Where a file's top-level mapping begins: rules about the grant as a whole point there. */
export function topOf(file: FileLike): { file: string; start: { line: number; col: number } } {
  return { file: toSpec(file).path, start: { line: 1, col: 1 } };
}

/** The first line of a file that contains `text`. */
export function lineContaining(file: FileLike, text: string): number {
  const spec = toSpec(file);
  const index = spec.text.split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`test bug: ${spec.path} does not contain ${text}:\n${spec.text}`);
  return index + 1;
}

/** The diagnostics with `code`; tests then say how many they expect. */
export function withCode(diagnostics: readonly Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

/** The one diagnostic with `code`, failing the test (with the full list) if there is not exactly one. */
export function theOne(diagnostics: readonly Diagnostic[], code: string): Diagnostic {
  const found = withCode(diagnostics, code);
  if (found.length !== 1) throw new Error(`expected exactly one ${code}, got ${found.length}:\n${JSON.stringify(diagnostics, null, 2)}`);
  return found[0]!;
}

/** The ids of grant files, for the `changed` and `scope` options of the engine. */
export function idsOf(...files: FileLike[]): Set<GrantId> {
  return new Set(files.map((file) => grantId(toSpec(file).path)));
}

export const codes = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => d.code);
