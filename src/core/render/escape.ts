/**
 * Escaping for everything a user sees. Grant fields such as `reason` are untrusted input written by
 * the requester: they must not ping teams, inject Markdown or HTML, break a table, or reach a shell.
 */

/** C0/C1 controls, zero-width and bidi marks, word joiners and invisible operators, the BOM, the Arabic letter mark. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
/** Line breaks, Unicode's line and paragraph separators included (some terminals and viewers break there). */
const LINE_BREAKS = /\r\n?|[\n\u2028\u2029]/g;

/** For terminal output: strips control characters (ANSI escapes, bidi overrides) and folds line breaks. */
export function plainText(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(CONTROL_CHARS, '');
}

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~=:"'&@]/g;

/**
 * For Markdown (PR comments, issue bodies, job summaries): every character Markdown or HTML gives a
 * meaning is written as an HTML entity, so the text renders literally and `@org/team` cannot mention.
 */
export function markdownText(text: string): string {
  return plainText(text).replace(MARKDOWN_SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline code span that cannot be broken out of: backticks and pipes become entities via <code>. */
export function markdownCode(text: string): string {
  return `<code>${markdownText(text)}</code>`;
}

/** For HTML reports. */
export function htmlText(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
