import type { Command } from './command.js';
import { demoCommand } from './demo.js';
import { devClusterCommand } from './dev-cluster.js';
import { operatorCommand } from './operator.js';
import { rotateCommand } from './rotate.js';
import { sandboxCommand } from './sandbox.js';

/** Commands is the explicit registry of `sftoken` subcommands, in help order. */
export const commands: readonly Command[] = [
  devClusterCommand,
  sandboxCommand,
  operatorCommand,
  rotateCommand,
  demoCommand,
];
