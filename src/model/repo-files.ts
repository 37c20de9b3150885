/** Which kind of access file a repo-relative path is, from the design card's layout. */
import type { FileKind } from './schema-files.js';

export type Classified =
  | { kind: FileKind; name: string; role?: string }
  | { kind: 'misplaced'; reason: string }
  | { kind: 'ignored' };

const YAML = /\.ya?ml$/;

export function classify(path: string): Classified {
  const parts = path.split('/');
  const [top] = parts;
  if (top !== 'policies' && top !== 'roles' && top !== 'grants') return { kind: 'ignored' };
  const base = parts[parts.length - 1]!;
  if (!YAML.test(base)) {
    return /^(README\.md|\.gitkeep)$/i.test(base) ? { kind: 'ignored' } : { kind: 'misplaced', reason: 'only .yaml or .yml files belong here' };
  }
  const name = base.replace(YAML, '');
  if (top === 'policies' || top === 'roles') {
    if (parts.length !== 2) return { kind: 'misplaced', reason: `${top}/ holds files directly, without subfolders` };
    return { kind: top === 'policies' ? 'policy' : 'role', name };
  }
  if (parts.length !== 3) return { kind: 'misplaced', reason: 'a grant lives at grants/<role>/<name>.yaml' };
  return { kind: 'grant', name, role: parts[1]! };
}
