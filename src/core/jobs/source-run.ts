/** One run of a finding source, as the exception issues need it. */
import type { Finding, FindingSource } from './findings.js';

export interface SourceRun {
  source: FindingSource;
  /**
   * Whether the source saw everything it looks at. Issues of an incomplete source are never
   * closed: a finding missing because a target could not be read is not a finding resolved.
   */
  complete: boolean;
  findings: Finding[];
  /** What people should know about the run (skipped checks, read failures), plain text. */
  notes: string[];
}
