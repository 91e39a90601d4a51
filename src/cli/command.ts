/** One `enigma` sub-command. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for `enigma --help`. */
  readonly summary: string;
  /** Usage text for `enigma <name> --help`. */
  readonly usage: string;
  run(args: readonly string[]): Promise<number>;
}
