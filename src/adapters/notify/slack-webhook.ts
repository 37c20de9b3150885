/** Posting to a Slack incoming webhook. The URL is a secret: it never appears in results or errors. */

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number }>;

export type SlackResult = { ok: true } | { ok: false; cause: string };

export async function postSlackWebhook(url: string, message: { text: string }, fetcher: Fetch = fetch): Promise<SlackResult> {
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(10_000),
    });
    return response.ok ? { ok: true } : { ok: false, cause: `the webhook answered HTTP ${response.status}` };
  } catch (error) {
    // Only the error's code or name: messages from fetch can quote the URL.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name ?? 'error';
    return { ok: false, cause: `the webhook could not be reached (${cause})` };
  }
}
