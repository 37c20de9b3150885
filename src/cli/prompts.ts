/** Terminal prompts for `new-grant`, through @inquirer/prompts. */
import type { Prompter } from './commands/new-grant.js';

export const inquirerPrompter: Prompter = {
  async select(message, choices) {
    const { select } = await import('@inquirer/prompts');
    return select({ message, choices: choices.map((value) => ({ value })) });
  },
  async input(message, defaultValue) {
    const { input } = await import('@inquirer/prompts');
    return input({ message, default: defaultValue });
  },
};
