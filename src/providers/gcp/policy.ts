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
