/** How a command plugs into the CLI: it declares its options and action, and returns an exit code. */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export type Run = (action: () => number | Promise<number>) => Promise<void>;

/** Declares one subcommand on `command`, which the program made under its name; `run` records the exit code of its action. */
export type CommandModule = (command: Command, io: CliIo, run: Run) => void;
