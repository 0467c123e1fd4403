import { CompShareClient, UHostClient, ZecClient } from 'kiln-images-sdk';
import type { KilnProcess } from './kiln-process.ts';

export interface Keys {
  publicKey: string;
  privateKey: string;
}

/** The SDK's three clients for an account (the admin's unless keys are given). */
export async function sdkClients(k: KilnProcess, keys?: Keys) {
  const c = keys ?? (await k.credentials());
  const retry = { baseDelayMs: 50 };
  return {
    uhost: new UHostClient({ endpoint: k.baseUrl, publicKey: c.publicKey, privateKey: c.privateKey, region: 'cn-bj2', retry }),
    compshare: new CompShareClient({ endpoint: k.baseUrl, publicKey: c.publicKey, privateKey: c.privateKey, region: 'cn-bj2', zone: 'cn-bj2-04', retry }),
    zec: new ZecClient({ endpoint: k.baseUrl, accessKeyId: c.publicKey, accessKeyPassword: c.privateKey, retry }),
  };
}

/** A second ordinary account and its key pair. */
export async function newAccount(k: KilnProcess, name: string): Promise<Keys> {
  return JSON.parse(await k.cli(['account', 'create', name, '--json'])) as Keys;
}
