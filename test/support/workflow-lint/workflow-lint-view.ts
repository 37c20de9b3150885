/**
 * A workflow file parsed with positions kept: the few parts the hardening rules look at (triggers,
 * workflow env, jobs, steps), each still pointing at its YAML node so a finding can name its line.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node, Scalar, YAMLMap } from 'yaml';
import type { Position } from '../../../src/core/diagnostics/diagnostic.js';

export interface StepView {
  map: YAMLMap;
  uses?: Scalar;
  run?: Scalar;
  with?: YAMLMap;
}

export interface JobView {
  id: string;
  key: Scalar;
  map: YAMLMap;
  steps: StepView[];
}

export interface WorkflowView {
  text: string;
  root: YAMLMap;
  triggers: string[];
  jobs: JobView[];
  /** Offset → 1-based line and column. */
  position(offset: number): Position;
}

export interface ParsedWorkflow {
  view?: WorkflowView;
  syntaxErrors: Array<{ message: string; start: Position; end: Position }>;
}

export function parseWorkflow(text: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const position = (offset: number): Position => lineCounter.linePos(offset);
  const syntaxErrors = document.errors.map((error) => ({
    message: error.message.split('\n')[0] ?? error.message,
    start: position(error.pos[0]),
    end: position(error.pos[1]),
  }));
  if (syntaxErrors.length > 0) return { syntaxErrors };
  if (!isMap(document.contents)) {
    const start = position(0);
    return { syntaxErrors: [{ message: 'a workflow must be a YAML mapping with `on:` and `jobs:`', start, end: start }] };
  }
  const root = document.contents;
  return { syntaxErrors, view: { text, root, triggers: triggersOf(root.get('on', true)), jobs: jobsOf(root), position } };
}

/** The value node under `key` when it is a map. */
/** A node's character range in the workflow's text. */
export function span(node: Node): { start: number; end: number } {
  const [start, end] = node.range ?? [0, 0];
  return { start, end };
}

/** A node's text as written in the workflow. */
export function source(workflow: WorkflowView, node: Node): string {
  const { start, end } = span(node);
  return workflow.text.slice(start, end);
}

export function mapAt(map: YAMLMap, key: string): YAMLMap | undefined {
  const value = map.get(key, true);
  return isMap(value) ? value : undefined;
}

/** The value node under `key` when it is a scalar. */
export function scalarAt(map: YAMLMap, key: string): Scalar | undefined {
  const value = map.get(key, true);
  return isScalar(value) ? value : undefined;
}

function triggersOf(on: Node | undefined): string[] {
  if (isScalar(on)) return [String(on.value)];
  if (isSeq(on)) return on.items.filter(isScalar).map((item) => String(item.value));
  if (isMap(on)) return on.items.filter((pair) => isScalar(pair.key)).map((pair) => String((pair.key as Scalar).value));
  return [];
}

function jobsOf(root: YAMLMap): JobView[] {
  const jobs = mapAt(root, 'jobs');
  if (!jobs) return [];
  const views: JobView[] = [];
  for (const pair of jobs.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    views.push({ id: String(pair.key.value), key: pair.key, map: pair.value, steps: stepsOf(pair.value) });
  }
  return views;
}

function stepsOf(job: YAMLMap): StepView[] {
  const steps = job.get('steps', true);
  if (!isSeq(steps)) return [];
  return steps.items.filter(isMap).map((map) => ({
    map,
    uses: scalarAt(map, 'uses'),
    run: scalarAt(map, 'run'),
    with: mapAt(map, 'with'),
  }));
}
