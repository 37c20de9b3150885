/**
 * Hidden HTML-comment markers let gitgrant find its own comments and issues again. Marker values
 * are written by code, never by users, and are restricted so they cannot close the comment early.
 */

/** The one PR comment gitgrant keeps up to date (plan, approvals). */
export const PR_COMMENT_MARKER = '<!-- gitgrant:pr-comment -->';

const SAFE_VALUE = /^[A-Za-z0-9._:/@+=-]{1,200}$/;

export function fingerprintMarker(fingerprint: string): string {
  if (!SAFE_VALUE.test(fingerprint)) {
    throw new Error(`Unsafe issue fingerprint ${JSON.stringify(fingerprint)}. Fix: build fingerprints from [A-Za-z0-9._:/@+=-] (e.g. hash the inputs).`);
  }
  return `<!-- gitgrant:fingerprint:${fingerprint} -->`;
}

const FINGERPRINT_IN_BODY = /<!-- gitgrant:fingerprint:([A-Za-z0-9._:/@+=-]{1,200}) -->\n?/;

/** Splits a stored body into the text people wrote and the fingerprint gitgrant hid in it. */
export function readFingerprint(body: string): { text: string; fingerprint?: string } {
  const match = FINGERPRINT_IN_BODY.exec(body);
  if (!match) return { text: body };
  return { text: body.replace(match[0], ''), fingerprint: match[1]! };
}

export function withFingerprint(fingerprint: string, text: string): string {
  return `${fingerprintMarker(fingerprint)}\n${text}`;
}
