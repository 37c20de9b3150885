/** Which grant a user means when they type a grant on the command line. */
import { relative, resolve } from 'node:path';
import type { Grant } from '../../core/model/types.js';
import { UsageError } from './io.js';

/**
 * The path as given (from the working directory), else the one grant whose path ends with what was
 * typed (`prod-db-readonly/alice.yaml`, `alice.yaml`, `alice`). Several such grants are a usage
 * error that lists them, never a guess. Returns the path as given when nothing matches, so the
 * caller can say what it knows about that file.
 */
export function grantIdFor(typed: string, root: string, cwd: string, grants: readonly Grant[]): string {
  const asPath = relative(root, resolve(cwd, typed)).split('\\').join('/');
  if (grants.some((g) => g.id === asPath)) return asPath;
  const suffix = typed.split('\\').join('/').replace(/^\.\//, '');
  const matches = grants.filter((g) => g.id.endsWith(`/${suffix}`) || g.id.replace(/\.ya?ml$/, '').endsWith(`/${suffix}`));
  if (matches.length > 1) {
    throw new UsageError(`${typed} names ${matches.length} grants: ${matches.map((g) => g.id).join(', ')}`, 'give more of the path, e.g. <role>/<file>.yaml');
  }
  return matches[0]?.id ?? asPath;
}

/** The grant the user means, or a usage error saying it is not one. */
export function grantArgument(typed: string, root: string, cwd: string, grants: readonly Grant[]): Grant {
  const id = grantIdFor(typed, root, cwd, grants);
  const grant = grants.find((g) => g.id === id);
  if (!grant) throw new UsageError(`${typed} is not a grant file of this repository`, 'give a path such as grants/<role>/<file>.yaml, or run gitgrant list');
  return grant;
}
