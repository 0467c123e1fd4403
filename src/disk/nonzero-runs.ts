/**
 * The parts of a buffer worth writing into a sparse file whose unwritten bytes read as
 * zeros: runs of `block`-sized pieces holding a non-zero byte, adjacent ones merged, so a
 * chunk that is mostly zeros (the edge of a partition, a file's tail) costs its data and
 * not its length, as `cp --sparse=always` does. Runs are [start, end) offsets into `buf`.
 */
export function nonZeroRuns(buf: Buffer, length: number, block: number): [number, number][] {
  const zeros = zeroBlock(block);
  const runs: [number, number][] = [];
  let start = -1;
  for (let at = 0; at < length; at += block) {
    const end = Math.min(length, at + block);
    const zero = buf.subarray(at, end).equals(zeros.subarray(0, end - at));
    if (!zero && start < 0) start = at;
    else if (zero && start >= 0) {
      runs.push([start, at]);
      start = -1;
    }
  }
  if (start >= 0) runs.push([start, length]);
  return runs;
}

const zeroBlocks = new Map<number, Buffer>();

function zeroBlock(size: number): Buffer {
  let z = zeroBlocks.get(size);
  if (!z) {
    z = Buffer.alloc(size);
    zeroBlocks.set(size, z);
  }
  return z;
}
