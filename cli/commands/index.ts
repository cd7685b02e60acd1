import type { Command } from './command.js';

/** Commands is the explicit registry of `sftoken` subcommands, in help order. */
export const commands: readonly Command[] = [
];
