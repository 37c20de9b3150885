/** Shim: the approval notes moved to src/adapters/git/notes.ts; import them from there. */
export { NOTES_REF, readNote, writeNote, type NoteOutcome } from '../../adapters/git/notes.js';
