/** How `kiln instances` shows instances and disks as text (--json prints the product's own records). */
import { renderTable } from '../images/table.ts';
import type { DiskRow, InstanceRow } from './product-instances.ts';

const memory = (mb: number) => (mb % 1024 === 0 ? `${mb / 1024} GiB` : `${mb} MiB`);

export function instanceTable(rows: InstanceRow[]): string {
  return renderTable(
    ['ID', 'NAME', 'STATE', 'IMAGE', 'CPU', 'MEMORY', 'DISKS', 'CREATED'],
    rows.map((r) => [r.id, r.name, r.state, r.image, String(r.cpu), memory(r.memoryMb), r.disks.map((d) => `${d.sizeGb}G`).join('+'), r.created]),
  );
}

export function diskTable(disks: DiskRow[]): string {
  return renderTable(
    ['DISK', 'ROLE', 'TYPE', 'SIZE'],
    disks.map((d) => [d.id, d.boot ? 'system' : 'data', d.type, `${d.sizeGb} GB`]),
  );
}

export function instanceDetails(r: InstanceRow): string {
  const lines = [
    `id:       ${r.id}`,
    `name:     ${r.name}`,
    `state:    ${r.state}`,
    `zone:     ${r.zone}`,
    `image:    ${r.image}`,
    `cpu:      ${r.cpu}`,
    `memory:   ${memory(r.memoryMb)}`,
  ];
  if (r.gpu) lines.push(`gpu:      ${r.gpu}`);
  if (r.created) lines.push(`created:  ${r.created}`);
  for (const d of r.disks) lines.push(`disk:     ${d.id} ${d.boot ? 'system' : 'data'} ${d.type} ${d.sizeGb} GB`);
  return lines.join('\n') + '\n';
}
