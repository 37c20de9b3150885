/** Terminal prompts for `new-grant`, through @inquirer/prompts. */
import type { InitPrompter } from './commands/init.js';
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

/** Terminal prompts for `init`. */
export const inquirerInitPrompter: InitPrompter = {
  async input(message, check, defaultValue) {
    const { input } = await import('@inquirer/prompts');
    return input({ message, validate: check, ...(defaultValue !== undefined ? { default: defaultValue } : {}) });
  },
  async confirm(message, defaultValue) {
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message, default: defaultValue });
  },
};
