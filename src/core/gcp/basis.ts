/**
 * The GCP read a plan carries to apply (see ReadBasis): the policy's etag and bindings, in a
 * JSON-safe form, so apply's first write needs no second read. Pure.
 */
import type { ReadBasis } from '../plan/types.js';
import { compactBinding, type IamBinding, type IamPolicy } from './policy.js';

interface GcpBasis {
  /** base64, as on the wire; the SDK takes it back in that form. */
  etag: string;
  bindings: IamBinding[];
}

/** Absent when the read had no etag: a write must then read again (and refuse if still none). */
export function basisOfPolicy(policy: IamPolicy): ReadBasis | undefined {
  const etag = etagText(policy.etag);
  if (!etag) return undefined;
  const basis: GcpBasis = { etag, bindings: (policy.bindings ?? []).map(compactBinding) };
  return basis;
}

/** The policy a basis stands for; undefined for anything that is not a GCP basis. */
export function policyOfBasis(basis: ReadBasis): IamPolicy | undefined {
  if (typeof basis !== 'object' || basis === null) return undefined;
  const { etag, bindings } = basis as Partial<GcpBasis>;
  if (typeof etag !== 'string' || etag === '' || !Array.isArray(bindings)) return undefined;
  return { etag, bindings };
}

function etagText(etag: IamPolicy['etag']): string | undefined {
  if (etag === null || etag === undefined || etag.length === 0) return undefined;
  return typeof etag === 'string' ? etag : Buffer.from(etag).toString('base64');
}
