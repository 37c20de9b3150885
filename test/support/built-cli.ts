/**
 * The compiled CLI in dist/, as Actions runs it. `npm ci` builds it (the prepare script); relying
 * on that alone would let tests pass against stale code after a source edit, so this rebuilds when
 * dist/ is missing or older than any source or schema file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './temp-repo.js';

export const BUILT_ENTRY = join(PROJECT_ROOT, 'dist/cli/main.js');
const GENERATED_VALIDATORS = join(PROJECT_ROOT, 'dist/core/model/validators.generated.js');

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

export function ensureBuilt(): void {
  const sources = Math.max(newest(join(PROJECT_ROOT, 'src')), newest(join(PROJECT_ROOT, 'schemas')));
  if (existsSync(BUILT_ENTRY) && existsSync(GENERATED_VALIDATORS) && statSync(GENERATED_VALIDATORS).mtimeMs >= sources && statSync(BUILT_ENTRY).mtimeMs >= sources) return;
  // tsc emits even when files elsewhere in the tree have type errors; the tests need the output,
  // and `npm run typecheck` reports the errors.
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  } catch {
    // A missing entry point is caught below.
  }
  if (!existsSync(BUILT_ENTRY)) throw new Error('dist/cli/main.js is missing after the build; run `npm run build` and read its errors');
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'dist/core/model/write-validators.js')], { cwd: PROJECT_ROOT, stdio: 'pipe' });
}
