/**
 * A ScriptedRandom is a `random` source for the sandbox whose next draws a
 * test sets: 0 makes an injected error-rate fault fire, anything at or above
 * the rate lets the request through. Unscripted draws pass.
 */
export class ScriptedRandom {
  readonly #queue: number[] = [];

  /** next is the function handed to the sandbox. */
  readonly next = (): number => this.#queue.shift() ?? 0.999;

  /** failNext makes the next `count` draws fire any error-rate fault below 1. */
  failNext(count: number): void {
    this.#queue.length = 0;
    for (let i = 0; i < count; i++) this.#queue.push(0);
  }

  /** clear drops every scripted draw. */
  clear(): void {
    this.#queue.length = 0;
  }
}
