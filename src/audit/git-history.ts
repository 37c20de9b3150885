/** Shim: the history reader moved to src/adapters/git/history.ts; import it from there. */
export { AUDITED_FOLDERS, GitHistoryError, logArguments, readHistory } from '../adapters/git/history.js';
