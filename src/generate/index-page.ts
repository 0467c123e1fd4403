/** GET /docs: where the references are. */
export function indexPage(): string {
  return [
    '# Kiln API reference',
    '',
    '- [UCloud UHost and CompShare](/docs/ucloud.md): `GET|POST /`, action in `Action`, SHA1 signature',
    '- [Zenlayer ZEC](/docs/zenlayer.md): `POST /api/v2/zec`, action in `X-ZC-Action`, ZC2-HMAC-SHA256 or Bearer token',
    '- Image download: `GET /v1/images/{id}/download` (see the README, "Get an image back out")',
    '',
    'Generated from the action schemas this server runs.',
    '',
  ].join('\n');
}
