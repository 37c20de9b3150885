/**
 * Orders text by UTF-16 code units, the same on every machine. `localeCompare` depends on the
 * runtime's ICU data and locale, so a report or record could list things in another order on
 * another Node; its first call also loads ICU's collator (about 20 ms of every `validate`).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
