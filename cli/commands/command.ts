/** A Command is one `sftoken` subcommand: its name, a one-line summary, and its entry point. */
export interface Command {
  /** name is the word typed after `sftoken`, e.g. `sandbox`. */
  readonly name: string;
  /** summary is the one line shown by `sftoken help`. */
  readonly summary: string;
  /** run executes the command with the arguments after its name and resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}
