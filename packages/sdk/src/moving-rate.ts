/**
 * A transfer rate over the last few seconds of samples, so a stall shows up at once and
 * an early burst fades, where an average since the start would hide both.
 */
export class MovingRate {
  readonly #samples: Array<[at: number, done: number]> = [];

  constructor(readonly windowMs = 10_000) {}

  /**
   * Records `done` bytes at `at` (ms); answers bytes per second over the window, or
   * undefined until two samples span some time. A count lower than the last one (work
   * counted again from the start) begins a new estimate.
   */
  add(done: number, at: number = Date.now()): number | undefined {
    const last = this.#samples.at(-1);
    if (last && done < last[1]) this.#samples.length = 0;
    this.#samples.push([at, done]);
    while (this.#samples.length > 2 && at - this.#samples[0]![0] > this.windowMs) this.#samples.shift();
    const [t0, d0] = this.#samples[0]!;
    return at > t0 ? ((done - d0) * 1000) / (at - t0) : undefined;
  }
}
