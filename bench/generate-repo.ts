/**
 * Generates a synthetic access repo for benchmarks: R roles with G grants spread over them, valid
 * against the example org's policies, as a git repository (so `--changed-since` can be measured).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderGrantFile } from '../src/core/model/grant-file.js';

const HOUR = 3_600_000;

/**
 * The cached repository at `dir`, generated again whenever what it is made from changed (the example
 * policies, this generator, the sizes): a stale cache would measure files the project no longer has.
 */
export function benchRepo(dir: string, roles: number, grants: number, start: number): string {
  const stamp = createHash('sha256');
  stamp.update(JSON.stringify({ roles, grants, start }));
  stamp.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const name of readdirSync('examples/example-org/policies').sort()) stamp.update(name).update(readFileSync(join('examples/example-org/policies', name)));
  const expected = stamp.digest('hex');
  const stampFile = join(dir, '.git', 'gitgrant-bench-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === expected) return dir;
  process.stdout.write(`generating ${dir} (${roles} roles, ${grants} grants)...\n`);
  rmSync(dir, { recursive: true, force: true });
  generateRepo(dir, roles, grants, start);
  writeFileSync(stampFile, expected);
  return dir;
}

export function generateRepo(dir: string, roles: number, grants: number, start: number): void {
  mkdirSync(join(dir, 'roles'), { recursive: true });
  cpSync('examples/example-org/policies', join(dir, 'policies'), { recursive: true });
  for (let r = 0; r < roles; r++) {
    const name = `bench-role-${String(r).padStart(4, '0')}`;
    writeFileSync(join(dir, 'roles', `${name}.yaml`), [
      '# yaml-language-server: $schema=../schemas/role.schema.json',
      `description: Benchmark role ${r} with two cloud targets and two approval levels.`,
      `owners: ['@example-org/team-${r % 40}']`,
      'permissionLevel: ReadOnly',
      `production: ${r % 2 === 0}`,
      'defaultDuration: 4h',
      'maxDuration: 7d',
      'approvals:',
      `  - { name: owners, from: ['@example-org/team-${r % 40}'] }`,
      "  - { name: security, from: ['@example-org/security'] }",
      'targets:',
      `  - gcp: { resource: projects/bench-project-${r % 200}, role: roles/viewer }`,
      `  - aws: { account: '${String(100000000000 + (r % 100))}', strategy: iam, roleName: BenchRole${r} }`,
      '',
    ].join('\n'));
  }
  for (let g = 0; g < grants; g++) {
    const role = `bench-role-${String(g % roles).padStart(4, '0')}`;
    const folder = join(dir, 'grants', role);
    mkdirSync(folder, { recursive: true });
    // Grants of one role never overlap for the same person: person and window both vary.
    const starts = start + Math.floor(g / roles) * 5 * HOUR;
    const text = renderGrantFile({
      grantee: `person${g}@example.com`,
      reason: `Benchmark grant ${g}: investigate the synthetic incident number ${g}`,
      ticket: `INC-${g + 1}`,
      starts,
      expires: starts + 4 * HOUR,
    });
    // Quoted times read as strings under YAML 1.1 too, so ajv-cli (js-yaml) validates the same data.
    writeFileSync(join(folder, `person${g}-inc-${g}.yaml`), text.replace(/^(starts|expires): (.*)$/gm, "$1: '$2'"));
  }
  // The example policy reads HR from hr/people.json; validate checks each grantee against it.
  mkdirSync(join(dir, 'hr'), { recursive: true });
  const people = Array.from({ length: grants }, (_, g) => ({ email: `person${g}@example.com`, active: true, status: 'active', department: 'Engineering' }));
  writeFileSync(join(dir, 'hr', 'people.json'), JSON.stringify({ people }) + '\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'add', '-A');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-q', '-m', 'benchmark repo');
}
