/**
 * What `kiln images` says when Ctrl-C stops it: what goes on in the server (or was left
 * on disk), and the command that picks it up again, with the real id and file.
 */

/** A file name as it can be pasted into a shell. */
export function shellWord(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

export function waitInterrupted(id: string): string {
  return `stopped waiting; the job goes on in the server (\`kiln images wait ${id}\` to follow it again)`;
}

export function downloadInterrupted(id: string, file: string, format: string): string {
  const f = shellWord(file);
  if (format === 'raw') {
    return `download of ${id} stopped; ${f} holds what arrived: \`kiln images download ${id} -o ${f} --resume\` (with the same --product and profile) goes on from there`;
  }
  // The server answers byte ranges of raw downloads only, so a partial qcow2 file cannot be continued.
  return `download of ${id} stopped; a ${format} download cannot go on (--resume is for raw): \`kiln images download ${id} -o ${f} --format ${format} --force\` starts it again, or download raw and use --resume`;
}
