/** Shim: the jobs' git moved to src/adapters/git/plumbing.ts; import it from there. */
export { remoteAuthEnv, runGit, runGitBytes, type GitEnv } from '../adapters/git/plumbing.js';
