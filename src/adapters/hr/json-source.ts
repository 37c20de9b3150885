/**
 * Reads an HR export in JSON: an array of people, or `{"people": [...]}`. Pure: the caller reads
 * the file. `JSON.parse` does the parsing (HR exports are large; a YAML parser is ten times
 * slower) and one scan of the text finds the line each person starts on, for diagnostics.
 */
import type { Email } from '../../core/model/types.js';
import { addPerson, addRowProblem, namesOneOf, unreadableFile, type FileSourceName, type HrOrigin, type HrReadResult } from '../../core/hr/record.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The 1-based line on which each element of the people array starts. `text` must be valid JSON:
 * the scan trusts its structure and only tracks depth, strings and the `people` key.
 */
export function personLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let peopleDepth = -1;
  let awaitingPerson = false;
  let lastString = '';
  let key = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') continue;
    if (awaitingPerson && c !== ']') lines.push(line);
    awaitingPerson = false;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastString = text.slice(i + 1, j);
      i = j;
    } else if (c === ':' && depth === 1) {
      key = lastString;
    } else if (c === '[' || c === '{') {
      depth++;
      const isPeople = c === '[' && peopleDepth === -1 && (depth === 1 || (depth === 2 && key === 'people'));
      if (isPeople) peopleDepth = depth;
      awaitingPerson = isPeople;
    } else if (c === ']' || c === '}') {
      depth--;
    } else if (c === ',' && depth === peopleDepth) {
      awaitingPerson = true;
    }
  }
  return lines;
}

/**
 * The people's lines, found on first use: only a record that is shown (a finding, a broken row)
 * needs its line, and scanning a large export costs more than parsing it.
 */
class PersonLines {
  #lines: number[] | undefined;
  constructor(private readonly text: string) {}
  at(index: number): number {
    this.#lines ??= personLines(this.text);
    return this.#lines[index] ?? 1;
  }
}

function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function syntaxErrorLine(text: string, error: unknown): number {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  return position ? lineAtOffset(text, Number(position[1])) : 1;
}

/** `only`: build and check the rows of these people alone (see `HrLoadOptions.only`). */
export function readJsonHr(text: string, name: FileSourceName, only?: ReadonlySet<Email>): HrReadResult {
  const { file } = name;
  const source = name.source ?? file;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fileProblem = (line: number, summary: string, hint: string) => unreadableFile({ source, file, line }, summary, hint);

  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return fileProblem(syntaxErrorLine(body, error), `not valid JSON: ${message}`, 'export the HR data again; the file must be JSON');
  }
  const people = Array.isArray(data) ? data : isPlainObject(data) && Array.isArray(data.people) ? data.people : undefined;
  if (!people) {
    return fileProblem(1, 'expected an array of people, or an object with a `people` array', 'export the HR data as `[{"email": ..., "active": ...}]`');
  }

  const lines = new PersonLines(body);
  const result: HrReadResult = { records: [], diagnostics: [] };
  people.forEach((person: unknown, index: number) => {
    if (only && !(isPlainObject(person) && namesOneOf(person.email, only))) return;
    // An own, enumerable getter: copies, JSON and structured clones see a plain `line` number.
    const origin: HrOrigin = {
      source,
      file,
      get line() {
        return lines.at(index);
      },
    };
    if (isPlainObject(person)) addPerson(result, person, origin);
    else addRowProblem(result, origin, 'each person must be a JSON object');
  });
  return result;
}
