/** Terminal prompts for `new-grant`, through @inquirer/prompts. */

/** Asks for what flags did not give; only on a TTY. */
export interface Prompter {
  select(message: string, choices: string[]): Promise<string>;
  input(message: string, defaultValue?: string): Promise<string>;
}

/** What `init` asks on a terminal; each answer is checked as it is typed. */
export interface InitPrompter {
  input(message: string, check: (answer: string) => string | true, defaultValue?: string): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

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
