/**
 * A file name is text the pull request's author chose. `path:line:col` diagnostics print it, so a
 * name holding an escape sequence retitled a reviewer's terminal or cleared it, and a name holding a
 * newline started a line of its own: in a GitHub Actions log, a line `::error file=…::…` or
 * `::add-mask::…` is a workflow command, which a requester could forge in the trusted gate's log.
 * The place is printed like the rest of the line: control characters gone, newlines folded.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics/format.js';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const HOSTILE = 'grants/prod-db-readonly/a\u001b]0;pwned\u0007\n::error file=README.md::gate passed\u202e.yaml';

describe('a diagnostic about a file with a hostile name', () => {
  it('prints the name without escape sequences, and without starting a line of its own', async () => {
    const repo = TempRepo.fromExample().write({ path: HOSTILE, text: 'grantee: x\n' });
    const run = await runCli(['validate', '--now', '2026-11-22T12:00:00Z'], { cwd: repo.root });

    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(run.lines.filter((line) => line.startsWith('::'))).toEqual([]);
    expect(run.lines).toContain('grants/prod-db-readonly/a]0;pwned ::error file=README.md::gate passed.yaml:1:1: error PATH_INVALID: not a plain repository path (empty, `.` or `..` segments, backslashes or control characters) (hint: rename it)');
  });

  it('keeps ordinary paths exactly as they are', () => {
    expect(formatDiagnostic({ severity: 'error', code: 'X', summary: 's', file: 'grants/r/ä-1.yaml', start: { line: 3, col: 2 } })).toBe('grants/r/ä-1.yaml:3:2: error X: s');
  });
});
