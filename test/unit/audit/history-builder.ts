/** Histories for the pure audit core, written the way git-history reads one, blob ids standing for contents. */
import type { FileChange, History, HistoryCommit } from '../../../src/audit/history-types.js';
import { renderGrantFile, type GrantFileFields } from '../../../src/model/grant-file.js';
import { instant } from '../../support/builders.js';

export class HistoryBuilder {
  private readonly commits: HistoryCommit[] = [];
  private readonly blobs = new Map<string, Uint8Array>();

  grant(id: string, fields: Partial<Omit<GrantFileFields, 'expires' | 'starts'>> & { expires: string; starts?: string }): string {
    const text = renderGrantFile({ grantee: 'alice@example.com', reason: 'Investigate the slow checkout queries', ...fields, expires: instant(fields.expires), starts: fields.starts ? instant(fields.starts) : undefined });
    this.blobs.set(id, new TextEncoder().encode(text));
    return id;
  }

  commit(at: string, message: string, changes: FileChange[], options: { author?: string; notes?: string } = {}): this {
    this.commits.push({
      sha: `${String(this.commits.length).padStart(4, '0')}${'c'.repeat(36)}`, parents: [], authorName: options.author ?? 'Alice', authorEmail: 'alice@example.com',
      authoredAt: instant(at), committerName: 'GitHub', committedAt: instant(at), message, notes: options.notes, changes,
    });
    return this;
  }

  build(): History {
    return { commits: this.commits, blobs: this.blobs };
  }
}

