import type { Diagnostic } from './diagnostic.js';
import { plainText } from '../render/escape.js';

/** `path:line:col: severity CODE: summary (hint: ...)`, the compiler convention editors understand. */
export function formatDiagnostic(d: Diagnostic): string {
  // The file's name is the author's text like the summary: no escape sequence, no line of its own
  // (in an Actions log a line starting `::` is a workflow command).
  const place = d.file ? `${plainText(d.file)}:${d.start?.line ?? 1}:${d.start?.col ?? 1}: ` : '';
  const hint = d.hint ? ` (hint: ${plainText(d.hint)})` : '';
  return `${place}${d.severity} ${d.code}: ${plainText(d.summary)}${hint}`;
}
