/**
 * The parts of a GCP IAM policy gitgrant reads and writes, shaped like the SDK's
 * `google.iam.v1.IPolicy` (every field optional or null: the API omits empty ones) so the SDK's
 * objects pass through untouched.
 */
export interface IamCondition {
  expression?: string | null;
  title?: string | null;
  description?: string | null;
  location?: string | null;
}

export interface IamBinding {
  role?: string | null;
  members?: string[] | null;
  condition?: IamCondition | null;
}

export interface IamPolicy {
  version?: number | null;
  bindings?: IamBinding[] | null;
  /** Bytes in the SDK, base64 on the wire. Opaque: only ever sent back as it was read. */
  etag?: Uint8Array | string | null;
  // auditConfigs are left out on purpose: without an update mask setIamPolicy changes only
  // bindings and etag, so audit settings stay exactly as they are.
}

/** The policy version that supports conditional role bindings. */
export const CONDITIONS_POLICY_VERSION = 3;

export function isConditional(binding: IamBinding): boolean {
  const condition = binding.condition;
  return Boolean(condition && (condition.expression || condition.title));
}

/**
 * The binding without the empty defaults the SDK fills in when it reads (`description: ''`,
 * `location: ''`, `condition: null`). Proto3 cannot tell them from absent, but the SDK would send
 * them back as written, so compacting keeps what gitgrant writes identical to what it read.
 */
export function compactBinding(binding: IamBinding): IamBinding {
  const compact: IamBinding = {};
  if (binding.role) compact.role = binding.role;
  if (binding.members?.length) compact.members = binding.members;
  if (isConditional(binding)) {
    const condition: IamCondition = {};
    for (const key of ['expression', 'title', 'description', 'location'] as const) {
      const value = binding.condition?.[key];
      if (value) condition[key] = value;
    }
    compact.condition = condition;
  }
  return compact;
}
