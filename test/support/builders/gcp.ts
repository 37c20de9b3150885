/** Builders for GCP provider tests: bindings, changes and observed state that read like the case names. */
import { grantId } from '../../../src/core/model/types.js';
import type { DesiredBinding, ObservedBinding, TargetChange, TargetRef, Window } from '../../../src/core/plan/types.js';
import { conditionTitle } from '../../../src/core/gcp/marker.js';

export const SANDBOX_PROJECT = 'projects/gitgrant-sandbox';

export interface GcpBindingBuilder {
  for(principal: string): GcpBindingBuilder;
  withRole(role: string): GcpBindingBuilder;
  on(resource: string): GcpBindingBuilder;
  withId(id: string): GcpBindingBuilder;
  from(iso: string): GcpBindingBuilder;
  until(iso: string): GcpBindingBuilder;
  withoutWindow(): GcpBindingBuilder;
  forGrants(...paths: string[]): GcpBindingBuilder;
  build(): DesiredBinding;
  /** How the provider reads this binding back once it is written. */
  observed(): ObservedBinding;
}

export function aGcpBinding(): GcpBindingBuilder {
  let principal = 'user:alice@example.com';
  let permission = 'roles/cloudsql.viewer';
  let resource = SANDBOX_PROJECT;
  let id: string | undefined;
  let window: Window | undefined = { expires: Date.parse('2026-11-22T18:00:00Z') };
  let grants = ['grants/prod-db-readonly/alice-inc-1234.yaml'];

  const build = (): DesiredBinding => ({
    id: id ?? `${permission}/${principal}`,
    target: { provider: 'gcp', resource },
    principal,
    permission,
    ...(window ? { window } : {}),
    grants: grants.map(grantId),
  });
  const builder: GcpBindingBuilder = {
    for: (p) => ((principal = p), builder),
    withRole: (r) => ((permission = r), builder),
    on: (r) => ((resource = r), builder),
    withId: (value) => ((id = value), builder),
    from: (iso) => ((window = { ...window!, starts: Date.parse(iso) }), builder),
    until: (iso) => ((window = { ...window, expires: Date.parse(iso) }), builder),
    withoutWindow: () => ((window = undefined), builder),
    forGrants: (...paths) => ((grants = paths), builder),
    build,
    observed: () => {
      const b = build();
      return { id: b.id, managed: true, principal: b.principal, permission: b.permission, ...(b.window ? { window: b.window } : {}), label: conditionTitle(b.id) };
    },
  };
  return builder;
}

export function gcpTarget(resource = SANDBOX_PROJECT): TargetRef {
  return { provider: 'gcp', resource };
}

export function aChange(resource = SANDBOX_PROJECT, parts: Partial<Omit<TargetChange, 'target'>> = {}): TargetChange {
  return { target: gcpTarget(resource), add: [], update: [], remove: [], unmanaged: [], ...parts };
}
