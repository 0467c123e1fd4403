import type { GcRun } from '../../core/ports/metadata-store.ts';
import { viewFormat } from '../shell/view-format.ts';

const W = 640;
const H = 220;
const PAD = { left: 70, right: 16, top: 16, bottom: 28 };

/**
 * Logical vs stored bytes over garbage-collection runs as an inline SVG drawn on the
 * server: no chart script, nothing for the CSP to allow. Only numbers and fixed labels go
 * into it, so it carries nothing a user wrote. Oldest run on the left.
 */
export function storageChartSvg(runsNewestFirst: GcRun[]): string {
  const runs = [...runsNewestFirst].reverse();
  if (runs.length === 0) return '';
  const max = Math.max(1, ...runs.map((r) => Math.max(r.storage.logicalBytes, r.storage.storedBytes)));
  const t0 = runs[0]!.finishedAt;
  const span = Math.max(1, runs[runs.length - 1]!.finishedAt - t0);
  const x = (t: number) => (runs.length === 1 ? PAD.left + (W - PAD.left - PAD.right) / 2 : PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right));
  const y = (b: number) => H - PAD.bottom - (b / max) * (H - PAD.top - PAD.bottom);
  const line = (pick: (r: GcRun) => number) => runs.map((r) => `${x(r.finishedAt).toFixed(1)},${y(pick(r)).toFixed(1)}`).join(' ');
  const dots = (pick: (r: GcRun) => number, cls: string, colour: string) =>
    runs.map((r) => `<circle class="${cls}" fill="${colour}" cx="${x(r.finishedAt).toFixed(1)}" cy="${y(pick(r)).toFixed(1)}" r="3"/>`).join('');
  const last = runs[runs.length - 1]!;
  return [
    `<svg class="storage-chart" role="img" aria-label="Logical and stored bytes over garbage-collection runs" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#888"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#888"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end" font-size="11">${viewFormat.bytes(max)}</text>`,
    `<text x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end" font-size="11">0</text>`,
    `<text x="${PAD.left}" y="${H - 8}" font-size="11">${viewFormat.date(t0)}</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="11">${viewFormat.date(last.finishedAt)}</text>`,
    `<polyline class="logical" fill="none" stroke="#2a6fdb" stroke-width="2" points="${line((r) => r.storage.logicalBytes)}"/>`,
    `<polyline class="stored" fill="none" stroke="#1a9a5a" stroke-width="2" points="${line((r) => r.storage.storedBytes)}"/>`,
    dots((r) => r.storage.logicalBytes, 'logical', '#2a6fdb'),
    dots((r) => r.storage.storedBytes, 'stored', '#1a9a5a'),
    '</svg>',
  ].join('');
}

/** Logical over stored: how many bytes images hold per byte kept; 1 when nothing is shared. */
export function dedupRatio(logicalBytes: number, storedBytes: number): string {
  return storedBytes > 0 ? `${(logicalBytes / storedBytes).toFixed(2)}×` : '-';
}
