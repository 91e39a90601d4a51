/**
 * The page redraws from the stream at most this often. The engine may send a topic's update 20
 * times a second (and far more events in them); redrawing tables and charts on each would take
 * the machine's cores from the engine beside it. Four times a second is live to a person.
 */
export const RENDER_MS = 250;

/** Runs `run` at most once per `ms`, trailing, so the last change is never left undrawn. */
export class Pacer {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly run: () => void,
    private readonly ms = RENDER_MS,
  ) {}

  /** Runs within `ms` (one run for every request until then). */
  request(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, this.ms);
  }

  /** Runs now (a change a person must see at once, e.g. the link dropping), and drops the pending run. */
  now(): void {
    this.cancel();
    this.run();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
