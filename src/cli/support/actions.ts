/**
 * @actions/core, loaded only inside GitHub Actions: importing it costs a run outside Actions more
 * than 100 ms. The CLI entry loads it before any command runs when GITHUB_ACTIONS is "true".
 */
type ActionsCore = typeof import('@actions/core');

let loaded: ActionsCore | undefined;

export async function loadActionsCore(): Promise<void> {
  loaded ??= await import('@actions/core');
}

/** The module, when running in Actions; undefined elsewhere. */
export function actionsCore(): ActionsCore | undefined {
  return loaded;
}
