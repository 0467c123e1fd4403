import { NetworkError } from './errors.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One exchange: any failure before a whole answer arrived is a NetworkError. */
export async function exchange(fetchImpl: FetchLike, action: string, url: string, init: RequestInit): Promise<{ response: Response; text: string }> {
  try {
    const response = await fetchImpl(url, init);
    return { response, text: await response.text() };
  } catch (e) {
    if (init.signal?.aborted) throw init.signal.reason;
    throw new NetworkError(action, e);
  }
}

/** A JSON object body, or undefined when the body is not one (a proxy's HTML page). */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
