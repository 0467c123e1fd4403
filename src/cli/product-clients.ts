import { CompShareClient, UHostClient, ZecClient } from 'kiln-images-sdk';
import { UsageError } from './images/exit.ts';
import type { Resolved } from './images/profile.ts';

/** The SDK client for the product a profile names, with what that product needs besides. */
export type ProductClient =
  | { product: 'uhost'; client: UHostClient; zone: string | undefined }
  | { product: 'compshare'; client: CompShareClient }
  | { product: 'zec'; client: ZecClient; zone: string | undefined };

export function productClient(p: Resolved): ProductClient {
  const keys = p.publicKey && p.privateKey ? { publicKey: p.publicKey, privateKey: p.privateKey } : undefined;
  if (p.product === 'zec') {
    const auth = p.token ? { token: p.token } : { accessKeyId: keys!.publicKey, accessKeyPassword: keys!.privateKey };
    return { product: 'zec', client: new ZecClient({ endpoint: p.url, ...auth }), zone: p.zone };
  }
  if (!keys) throw new UsageError(`${p.product} calls are signed: the profile needs publicKey and privateKey (a token serves ZEC only)`);
  const opts = { endpoint: p.url, ...keys, region: p.region, ...(p.zone ? { zone: p.zone } : {}) };
  if (p.product === 'compshare') {
    if (!p.zone) throw new UsageError("CompShare calls name a zone: set KILN_ZONE or the profile's zone");
    return { product: 'compshare', client: new CompShareClient(opts) };
  }
  return { product: 'uhost', client: new UHostClient(opts), zone: p.zone };
}
