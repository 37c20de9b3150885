/** Which kind of access file a repo-relative path is, for the loader: a view of `repo-paths.ts`. */
import { ACCESS_FOLDERS, classifyPath, type Refusal } from './repo-paths.js';
import type { FileKind } from './schema-files.js';

export type Classified =
  | { kind: FileKind; name: string; role?: string }
  | { kind: 'misplaced'; reason: string; refusal: Refusal }
  | { kind: 'ignored' };

export function classify(path: string): Classified {
  const place = classifyPath(path);
  switch (place.kind) {
    case 'grant':
      return { kind: 'grant', name: place.name, role: place.role };
    case 'role':
    case 'policy':
      return { kind: place.kind, name: place.name };
    case 'refused':
      // Outside the access folders a strange path is not the loader's to read (the gate refuses it).
      return (ACCESS_FOLDERS as readonly string[]).includes(path.split('/')[0]!) ? { kind: 'misplaced', reason: place.reason, refusal: place } : { kind: 'ignored' };
    default:
      return { kind: 'ignored' };
  }
}
