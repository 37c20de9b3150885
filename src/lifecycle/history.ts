/**
 * Shim: the grant history's types and parsing are in ./grant-events.ts, its reader in
 * src/adapters/git/history.ts (the one history reader, shared with the audit); import from there.
 */
export { grantEventOf, type GrantEvent, type GrantHistory, type LifecycleEvent } from './grant-events.js';
export { readGrantHistory } from '../adapters/git/history.js';
