/**
 * `${{ }}` expressions in workflow text, the context references inside them, and which of those an
 * outsider controls. Pure string work on raw source, so every hit keeps its exact offset.
 */

export interface ContextReference {
  /** Lower-cased path segments; an index (`[0]`, `.*`) becomes `*`. */
  path: string[];
  /** As written, for messages. */
  text: string;
  /** Offsets into the scanned text. */
  start: number;
  end: number;
}

/**
 * Values a person outside the repo's writers can set: issue and PR text, branch names, commit
 * messages, author fields, dispatch inputs. Mirrors the lists actionlint and zizmor keep.
 * `*` matches any one segment (an array index or a map key).
 */
const UNTRUSTED_CONTEXTS: readonly string[] = [
  'github.head_ref',
  'inputs.*',
  'github.event.inputs.*',
  'github.event.client_payload.*',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.pull_requests.*.head.ref',
];

const untrustedPatterns = UNTRUSTED_CONTEXTS.map((pattern) => pattern.split('.'));

/** Every `${{ ... }}` in `text`, with the offset of its body (after `${{`). */
export function findExpressions(text: string): Array<{ body: string; bodyStart: number }> {
  const found: Array<{ body: string; bodyStart: number }> = [];
  for (const match of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    found.push({ body: match[1] ?? '', bodyStart: match.index + 3 });
  }
  return found;
}

// A context name followed by `.name`, `.*` or `[...]` accessors; string literals are blanked first.
const referencePattern = /(?<![\w.\]'-])[A-Za-z_][\w-]*(?:\s*\.\s*(?:[A-Za-z_][\w-]*|\*)|\s*\[[^\]]*\])*/g;
const functionCall = /^\s*\(/;

/** The context references in one expression body, with offsets relative to `text`'s origin. */
export function findContextReferences(body: string, bodyStart: number): ContextReference[] {
  // Blank string literals (keeping length) so `'github.event.issue.title'` as text is not a reference.
  const code = body.replace(/'(?:[^']|'')*'/g, (literal) => ' '.repeat(literal.length));
  const references: ContextReference[] = [];
  for (const match of code.matchAll(referencePattern)) {
    const text = match[0];
    const after = code.slice(match.index + text.length);
    if (!text.includes('.') && !text.includes('[') && functionCall.test(after)) continue;
    const path = toPath(body.slice(match.index, match.index + text.length));
    references.push({ path, text: text.replace(/\s+/g, ''), start: bodyStart + match.index, end: bodyStart + match.index + text.length });
  }
  return references;
}

function toPath(text: string): string[] {
  const path: string[] = [];
  for (const part of text.matchAll(/([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\]|\[[^\]]*\]|\*/g)) {
    path.push((part[1] ?? part[2] ?? '*').toLowerCase());
  }
  return path;
}

/**
 * A reference is untrusted when it reaches an untrusted value, or is a whole object that contains
 * one (`toJSON(github.event)` prints the issue body too).
 */
export function isUntrusted(path: readonly string[]): boolean {
  return untrustedPatterns.some((pattern) => {
    const shared = Math.min(pattern.length, path.length);
    for (let i = 0; i < shared; i++) {
      if (pattern[i] !== '*' && path[i] !== '*' && pattern[i] !== path[i]) return false;
    }
    return true;
  });
}

/** The untrusted references in every expression of `text`, offsets relative to `text`. */
export function findUntrustedReferences(text: string): ContextReference[] {
  return findExpressions(text)
    .flatMap(({ body, bodyStart }) => findContextReferences(body, bodyStart))
    .filter((reference) => isUntrusted(reference.path));
}

/** References in `text` whose first segment is `context` (e.g. every `secrets.*`). */
export function findReferencesTo(text: string, context: string): ContextReference[] {
  return findExpressions(text)
    .flatMap(({ body, bodyStart }) => findContextReferences(body, bodyStart))
    .filter((reference) => reference.path[0] === context);
}
