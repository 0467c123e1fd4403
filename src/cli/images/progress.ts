/**
 * Progress of a wait or a download: a bar with bytes, rate and ETA on a terminal
 * (cli-progress), plain lines otherwise (logs, pipes, CI), on stderr so stdout stays
 * the command's answer. It shows only what is known: work in steps names its step, a
 * total not yet known shows bytes and a rate without a bar or a percentage, and the
 * last line of finished work shows its real size and average rate.
 */
import { MovingRate } from 'kiln-images-sdk';
import { Presets, SingleBar } from 'cli-progress';
import { bytes, duration } from './units.ts';

export interface ProgressReading {
  done: number;
  /** null while unknown. */
  total: number | null;
  /** Making, Available, ...; empty for a download. */
  state?: string;
  /** The step the counts are of, for work done in steps. */
  phase?: { name: string; index: number; count: number };
  /** Bytes per second, when the caller has it; otherwise measured here over a moving window. */
  rate?: number;
  /** The work has ended: `rate` (if any) is its average over the whole time. */
  final?: boolean;
}

export interface Progress {
  /** A reading of bytes done of a known total (a download). */
  update(done: number, total: number, state?: string): void;
  show(reading: ProgressReading): void;
  stop(): void;
}

const BAR_WIDTH = 25;

/**
 * Keeps the shown count from going back within a step, and measures a rate when none is
 * given. Work that reaches its total before a moving rate exists (a file read in one
 * piece, readings within one millisecond) shows its average since the first reading.
 */
class Forward {
  readonly #rate = new MovingRate();
  #step = '';
  #done = 0;
  #first: { at: number; done: number } | undefined;

  next(r: ProgressReading): ProgressReading & { rate: number | undefined } {
    const step = r.phase ? `${r.phase.name}/${r.phase.index}` : '';
    if (step !== this.#step) {
      this.#step = step;
      this.#done = 0;
      this.#first = undefined;
    }
    const done = Math.max(this.#done, r.done);
    this.#done = done;
    const now = Date.now();
    this.#first ??= { at: now, done };
    let rate = r.rate ?? (r.final ? undefined : this.#rate.add(done, now));
    const complete = r.total !== null && r.total > 0 && done >= r.total;
    if (rate === undefined && complete && !r.final && now > this.#first.at) rate = ((done - this.#first.done) * 1000) / (now - this.#first.at);
    return { ...r, done, rate };
  }
}

interface Texts {
  /** Nothing to count: no count yet, or finished work whose size was never told. */
  countless: boolean;
  step: string;
  counts: string;
  percent: number | undefined;
  rate: string;
  eta: string;
}

function texts(r: ProgressReading & { rate: number | undefined }): Texts {
  const known = r.total !== null && r.total > 0;
  const total = r.total ?? 0;
  // A rate not known yet is '?' while there is work left; at the end there is nothing to guess.
  const rate = r.rate !== undefined ? `${bytes(r.rate)}/s${r.final ? ' average' : ''}` : r.final || (known && r.done >= total) ? '' : '? B/s';
  // The ETA is of the step shown: a later step's size is not known yet.
  const eta = !known ? '' : r.final || r.done >= total ? '0s' : r.rate !== undefined && r.rate > 0 ? duration((total - r.done) / r.rate) : '?';
  return {
    countless: r.total === null && (r.final === true || (r.done === 0 && !r.phase)),
    step: r.phase ? `${r.phase.name} ${r.phase.index}/${r.phase.count}` : '',
    counts: known ? `${bytes(r.done)} / ${bytes(total)}` : bytes(r.done),
    percent: known ? Math.min(100, Math.floor((100 * r.done) / total)) : undefined,
    rate,
    eta,
  };
}

/** One terminal frame: `label [bar] 42% | 1.0 MiB / 2.0 MiB | 3.0 MiB/s | ETA 1s Making (download 1/2)`. */
function frame(label: string, r: ProgressReading & { rate: number | undefined }): string {
  const t = texts(r);
  const tail = [r.state ?? '', t.step ? `(${t.step})` : ''].filter(Boolean).join(' ');
  if (t.countless) return `${label} ${tail}`.trimEnd();
  if (t.percent === undefined) return `${label} ${t.counts} | ${t.rate} ${tail}`.trimEnd();
  const full = Math.round((BAR_WIDTH * t.percent) / 100);
  const bar = `${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}`;
  const when = r.final ? '' : ` | ETA ${t.eta}`;
  return `${label} [${bar}] ${t.percent}% | ${t.counts}${t.rate ? ` | ${t.rate}` : ''}${when} ${tail}`.trimEnd();
}

function barProgress(label: string, stream: NodeJS.WritableStream): Progress {
  const bar = new SingleBar(
    {
      stream,
      // The whole line is ours (frame above); cli-progress only redraws it in place.
      format: (_options, _params, payload: { line: string }) => payload.line,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const forward = new Forward();
  let started = false;
  const show = (reading: ProgressReading) => {
    const r = forward.next(reading);
    const payload = { line: frame(label, r) };
    if (!started) {
      bar.start(1, 0, payload);
      started = true;
    } else {
      bar.update(0, payload);
    }
  };
  return {
    update: (done, total, state = '') => show({ done, total, state }),
    show,
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineProgress(label: string, stream: NodeJS.WritableStream): Progress {
  const forward = new Forward();
  let lastKey = '';
  let lastAt = 0;
  const show = (reading: ProgressReading) => {
    const r = forward.next(reading);
    const t = texts(r);
    const finished = r.final === true || (r.total !== null && r.total > 0 && r.done >= r.total);
    // A line when the state or the step changes or the work ends, otherwise at most one a second.
    const key = `${r.state ?? ''}|${t.step}|${finished}`;
    if (key === lastKey && Date.now() - lastAt < 1000) return;
    lastKey = key;
    lastAt = Date.now();
    const head = `${label}:${r.state ? ` ${r.state}` : ''}${t.step ? `, ${t.step}:` : ''}`;
    let counts = '';
    if (t.percent !== undefined) counts = ` ${t.counts} (${t.percent}%)${t.rate ? `, ${t.rate}` : ''}${r.final ? '' : `, ETA ${t.eta}`}`;
    else if (!t.countless) counts = ` ${t.counts}, ${t.rate}`;
    stream.write(`${head}${counts}\n`);
  };
  return {
    update: (done, total, state = '') => show({ done, total, state }),
    show,
    stop() {},
  };
}

export function progress(label: string, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  return stream.isTTY ? barProgress(label, stream) : lineProgress(label, stream);
}
