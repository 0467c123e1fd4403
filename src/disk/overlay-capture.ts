import { chunkDisk, type ChunkedDisk, type ChunkOptions, type ChunkSink } from './chunker.ts';
import type { DiskReader, Extent } from './disk-reader.ts';
import { mergeExtents } from './qcow2-overlay-reader.ts';

/** The chunks of the image an overlay was made on: the key of each chunk of its virtual disk, null for a hole. */
export interface BackingChunks {
  virtualSize: number;
  chunkSize: number;
  chunks: readonly (string | null)[];
}

/**
 * Chunks an overlay disk reading only what it holds: `reader` lists as extents only the
 * overlay's own clusters (written or zeroed since the disk was made), and every chunk none
 * of them touches is, byte for byte, the backing image's chunk, so it takes that chunk's
 * key with no read and no hash. A chunk the backing image does not hold whole at the same
 * length (its last, partial chunk, when the disk is larger) is read like a written one.
 * The chunk size must be the backing manifest's. A chunk whose key is in `lost` (gone
 * from the blob store) is read and stored again: the reader reads through to the backing
 * file, which still holds its bytes. `step('map')` is called once the overlay's map is read.
 */
export async function chunkOverlay(
  reader: DiskReader,
  backing: BackingChunks,
  sink: ChunkSink,
  opts: ChunkOptions,
  lost: ReadonlySet<string> = new Set(),
  step: (name: string) => void = () => undefined,
): Promise<ChunkedDisk> {
  const cs = opts.chunkSize;
  if (backing.chunkSize !== cs) throw new Error(`the backing image's chunks are ${backing.chunkSize} bytes, not ${cs}`);
  const size = reader.virtualSize;
  const lengthIn = (total: number, i: number) => Math.max(0, Math.min(cs, total - i * cs));
  const inheritable = (i: number) => {
    if (i >= backing.chunks.length || lengthIn(backing.virtualSize, i) !== lengthIn(size, i) || lengthIn(size, i) === 0) return false;
    const key = backing.chunks[i] ?? null;
    return key === null || !lost.has(key);
  };

  const own: Extent[] = [];
  for await (const e of reader.extents()) own.push({ ...e });
  const unsure: Extent[] = [];
  const backed = Math.ceil(Math.min(size, backing.virtualSize) / cs);
  for (let i = 0; i < backed; i++) if (!inheritable(i)) unsure.push({ offset: i * cs, length: lengthIn(size, i) });
  const toRead = mergeExtents(own, unsure);
  step('map');

  const touched = new Set<number>();
  for (const e of toRead) for (let i = Math.floor(e.offset / cs); i < Math.ceil((e.offset + e.length) / cs); i++) touched.add(i);

  const chunked = await chunkDisk(withExtents(reader, toRead), sink, opts);
  let storedSize = chunked.storedSize;
  const chunks = [...chunked.chunks];
  for (let i = 0; i < chunks.length; i++) {
    if (touched.has(i) || !inheritable(i)) continue;
    const key = backing.chunks[i] ?? null;
    chunks[i] = key;
    if (key !== null) storedSize += lengthIn(size, i);
  }
  return { ...chunked, chunks, storedSize };
}

/** The same reader with other extents (reads are the reader's own). */
function withExtents(reader: DiskReader, extents: readonly Extent[]): DiskReader {
  return {
    format: reader.format,
    virtualSize: reader.virtualSize,
    async *extents() {
      yield* extents;
    },
    read: (buf, length, offset) => reader.read(buf, length, offset),
    close: () => reader.close(),
  };
}

/** Keys of the chunks a capture takes from its backing image without storing them (held against collection until its commit). */
export function inheritedKeys(backing: BackingChunks): string[] {
  return backing.chunks.filter((c): c is string => c !== null);
}
