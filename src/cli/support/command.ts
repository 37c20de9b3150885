/** How a command plugs into the CLI: it declares itself on the program and returns an exit code. */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export type Run = (action: () => number | Promise<number>) => Promise<void>;

/** Declares one subcommand; `run` records the exit code of its action. */
export type CommandModule = (program: Command, io: CliIo, run: Run) => void;
