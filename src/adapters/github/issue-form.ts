/**
 * Reading the "Request access" issue form back from the issue body. GitHub renders each answer as
 * `### <label>` followed by the value, and `_No response_` for an empty optional field.
 */

export interface RequestForm {
  role?: string;
  duration?: string;
  starts?: string;
  reason?: string;
  ticket?: string;
}

/** Labels as written in `.github/ISSUE_TEMPLATE/request-access.yml`. */
const LABELS: Record<string, keyof RequestForm> = {
  role: 'role',
  duration: 'duration',
  'start (optional)': 'starts',
  start: 'starts',
  reason: 'reason',
  ticket: 'ticket',
};

export function parseIssueFormSections(body: string): Map<string, string> {
  const sections = new Map<string, string>();
  let label: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (label === undefined) return;
    const value = lines.join('\n').trim();
    // The first answer wins: the form's own sections come before anything typed into a later answer.
    if (value && value !== '_No response_' && !sections.has(label)) sections.set(label, value);
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^###\s+(.+?)\s*$/.exec(line);
    if (heading) {
      flush();
      label = heading[1]!.toLowerCase();
      lines = [];
    } else if (label !== undefined) lines.push(line);
  }
  flush();
  return sections;
}

export function parseRequestForm(body: string): RequestForm {
  const form: RequestForm = {};
  for (const [label, value] of parseIssueFormSections(body)) {
    const key = LABELS[label];
    if (key && form[key] === undefined) form[key] = value;
  }
  return form;
}
