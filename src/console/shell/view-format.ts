import type { Image } from '../../core/model.ts';

/** How pages write values, in one place so every page writes them alike. */
export const viewFormat = {
  bytes(n: number): string {
    if (n < 1024) return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
  },
  /** UTC, to the minute: every viewer reads the same time. */
  date(ms: number): string {
    return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  },
  /** The states as the vendors' consoles name them. */
  state(s: Image['state']): string {
    return s === 'making' ? 'Making' : s === 'available' ? 'Available' : 'Unavailable';
  },
  /** How the image's bytes were given: its import format, or how it was made. */
  format(image: Image): string {
    const f = image.attributes.importFormat;
    if (typeof f === 'string') return f;
    return image.sourceInstanceId ? 'capture' : 'raw';
  },
  percent(fraction: number): string {
    return `${Math.floor(Math.max(0, Math.min(1, fraction)) * 100)}%`;
  },
};
