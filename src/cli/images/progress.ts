/**
 * Progress of a wait or a download: a bar with bytes, rate and ETA on a terminal
 * (cli-progress), plain lines otherwise (logs, pipes, CI), on stderr so stdout stays
 * the command's answer.
 */
import { Presets, SingleBar } from 'cli-progress';
import { bytes, duration } from './units.ts';

export interface Progress {
  update(done: number, total: number, state?: string): void;
  stop(): void;
}

/** Rate over the last ~10 s of samples, so a stall shows up and an early burst fades. */
class Rate {
  readonly #samples: Array<[number, number]> = [];
  add(done: number): number {
    const now = Date.now();
    // Work counted again from lower down (a retried job) restarts the estimate.
    if (this.#samples.length > 0 && done < this.#samples.at(-1)![1]) this.#samples.length = 0;
    this.#samples.push([now, done]);
    while (this.#samples.length > 2 && now - this.#samples[0]![0] > 10_000) this.#samples.shift();
    const [t0, d0] = this.#samples[0]!;
    return now > t0 ? ((done - d0) * 1000) / (now - t0) : 0;
  }
}

function texts(done: number, total: number, rate: number) {
  return {
    doneText: bytes(done),
    totalText: total > 0 ? bytes(total) : '?',
    rateText: `${bytes(rate)}/s`,
    etaText: rate > 0 && total > done ? duration((total - done) / rate) : total > 0 && done >= total ? '0s' : '?',
  };
}

function barProgress(label: string, stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {doneText} / {totalText} | {rateText} | ETA {etaText} {state}`,
    barsize: 25,
    hideCursor: true,
    clearOnComplete: false,
    // Redrawn on every update only: the numbers are ours, not cli-progress's estimates.
    fps: 5,
  }, Presets.shades_classic);
  const rate = new Rate();
  let started = false;
  return {
    update(done, total, state = '') {
      // Finished without a count (too quick for one): a full bar.
      if (total <= 0 && state === 'Available') [done, total] = [1, 1];
      const payload = { ...texts(done, total, rate.add(done)), state };
      if (!started) {
        bar.start(Math.max(total, 1), done, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineProgress(label: string, stream: NodeJS.WritableStream): Progress {
  const rate = new Rate();
  let lastKey = '';
  let lastAt = 0;
  return {
    update(done, total, state = '') {
      const t = texts(done, total, rate.add(done));
      const finished = total > 0 && done >= total;
      // A line when the state changes or the work ends, otherwise at most one a second.
      const key = `${state}|${finished}`;
      if (key === lastKey && Date.now() - lastAt < 1000) return;
      lastKey = key;
      lastAt = Date.now();
      const counts = total > 0 ? ` ${t.doneText} / ${t.totalText} (${Math.floor((100 * done) / total)}%), ${t.rateText}, ETA ${t.etaText}` : '';
      stream.write(`${label}:${state ? ` ${state}` : ''}${counts}\n`);
    },
    stop() {},
  };
}

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? barProgress(label, stream) : lineProgress(label, stream);
}
