/**
 * Binding ids: the stable identity gitgrant writes into the cloud as its marker. Letters and digits
 * only, because an AWS statement Sid allows nothing else.
 */
import { createHash } from 'node:crypto';
import type { GrantId } from '../model/types.js';
import { targetKey, type TargetRef } from './types.js';

/** One binding per grant per target and permission; a changed window is an update of the same binding. */
export function grantBindingId(grant: GrantId, target: TargetRef, permission: string): string {
  return 'gg' + createHash('sha256').update(`${grant}\n${targetKey(target)}\n${permission}`).digest('hex').slice(0, 24);
}

/** Identity Center assignments have no room for a marker: their id is what they are. */
export function assignmentBindingId(account: string, permissionSetArn: string, principalId: string): string {
  return `${account}/${permissionSetArn.split('/').at(-1)}/${principalId}`;
}
