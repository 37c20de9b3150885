import { describe, expect, it } from 'vitest';
import { TempRepo } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';

const codeowners = (repo: TempRepo, flag: string) => runCli(['codeowners', flag], { cwd: repo.root });

describe('gitgrant codeowners', () => {
  it('writes CODEOWNERS from the roles, after which --check passes', async () => {
    const repo = TempRepo.fromExample();
    expect((await codeowners(repo, '--write')).lines).toEqual(['gitgrant codeowners: wrote .github/CODEOWNERS']);
    expect(repo.read('.github/CODEOWNERS')).toContain('/grants/prod-db-admin/ @example-org/db-owners\n');
    expect(repo.read('.github/CODEOWNERS')).toContain('* @example-org/security\n');
    const check = await codeowners(repo, '--check');
    expect(check).toMatchObject({ code: 0, lines: ['gitgrant codeowners: .github/CODEOWNERS matches the roles'] });
  });

  it('fails --check after a role changes its owners, showing the lines that differ', async () => {
    const repo = TempRepo.fromExample();
    await codeowners(repo, '--write');
    repo.write({ path: 'roles/prod-db-readonly.yaml', text: repo.read('roles/prod-db-readonly.yaml').replace("owners: ['@example-org/db-owners']", "owners: ['@example-org/dba-team']") });
    const check = await codeowners(repo, '--check');
    expect(check.code).toBe(1);
    expect(check.lines).toEqual([
      ".github/CODEOWNERS:1:1: error CODEOWNERS_OUT_OF_DATE: file differs from the roles' owners (hint: run `gitgrant codeowners --write` and commit the result)",
      '  - /grants/prod-db-readonly/ @example-org/db-owners',
      '  + /grants/prod-db-readonly/ @example-org/dba-team',
    ]);
  });

  it('fails --check when the file is missing', async () => {
    const check = await codeowners(TempRepo.fromExample(), '--check');
    expect(check.code).toBe(1);
    expect(check.lines[0]).toContain('CODEOWNERS_OUT_OF_DATE: file is missing');
  });

  it('needs exactly one of --check and --write', async () => {
    expect((await runCli(['codeowners'], { cwd: TempRepo.fromExample().root })).code).toBe(2);
    expect((await runCli(['codeowners', '--check', '--write'], { cwd: TempRepo.fromExample().root })).code).toBe(2);
  });
});
