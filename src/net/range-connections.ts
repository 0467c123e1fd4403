// Kept-alive connections for the plain-HTTP ranges of one import (plain-range-get.ts). A
// new connection per 8 MiB range cost a connect, a fresh socket and a slow-started window
// each time; the profile of a loopback import showed the importing thread idle ~40% while
// ranges arrived at ~14 a second. One pool belongs to one import (HttpRangeSource), so no
// connection is shared across imports whose URLs or policies differ.
//
// Destination checks on reuse: every range still runs the full check (checkedDestination:
// scheme, allow-list, a fresh DNS answer judged by the address policy), and an idle
// connection is taken only when the address it is connected to is among the addresses
// that check just passed. A TCP connection cannot change its peer, so DNS rebinding can
// never move one; and re-checking means a host whose answer turned to a refused address
// gets no more ranges over a connection opened while it was allowed.
import { connect, type Socket } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { pinnedLookup } from './pinned-lookup.ts';
import type { CheckedUrl } from './url-policy.ts';

/** The buffer a connection reads each answer's head into (with whatever body comes along). */
export const HEAD_READ_BYTES = 64 * 1024;
/**
 * An idle connection is closed after this: below the 5 s keep-alive timeout of node's
 * HTTP server and common proxies, so we seldom send a request into a closing connection.
 */
const IDLE_CLOSE_MS = 3000;

/** What the request currently using a connection does with its reads and its end. */
export interface ConnectionUser {
  /** Where the next socket read lands. */
  buffer(): Buffer;
  /** `n` bytes were read into the start of `buf` (the buffer `buffer()` gave). */
  read(n: number, buf: Uint8Array): void;
  /** The socket failed, timed out or closed; `e` says how (undefined: closed by the peer). */
  ended(e: Error | undefined, timedOut: boolean): void;
}

/** One socket to one checked address; used by one request at a time. */
export class RangeConnection {
  readonly socket: Socket;
  /** Receives the head of each answer; reused for every request on this connection. */
  readonly scratch = Buffer.allocUnsafeSlow(HEAD_READ_BYTES);
  private user: ConnectionUser | undefined;
  private onIdleEnd: (() => void) | undefined;

  constructor(target: CheckedUrl, addresses: readonly LookupAddress[]) {
    this.socket = connect({
      host: target.bareHost,
      port: target.port,
      // Only the addresses the policy checked, as for every other request (pinned-lookup.ts).
      lookup: pinnedLookup(target.bareHost, addresses),
      onread: {
        buffer: () => this.user?.buffer() ?? this.scratch,
        callback: (n, buf) => {
          // Bytes nobody asked for (an idle connection's server talking out of turn)
          // leave the next answer's start unknown: the connection is not used again.
          if (this.user) this.user.read(n, buf);
          else this.destroy();
          return true;
        },
      },
    });
    this.socket.on('timeout', () => {
      if (this.user) this.user.ended(undefined, true);
      else this.destroy();
    });
    this.socket.on('error', (e) => this.end(e));
    this.socket.on('close', () => this.end(undefined));
  }

  /** The address the socket is connected to; undefined before it connected. */
  get peer(): string | undefined {
    return this.socket.remoteAddress;
  }

  get usable(): boolean {
    return !this.socket.destroyed && this.socket.readyState !== 'closed';
  }

  use(user: ConnectionUser, timeoutMs: number): void {
    this.user = user;
    this.onIdleEnd = undefined;
    this.socket.ref();
    this.socket.setTimeout(timeoutMs);
  }

  /** The request is over and the connection may carry another: idle until then. */
  release(onIdleEnd: () => void): void {
    this.user = undefined;
    this.onIdleEnd = onIdleEnd;
    this.socket.setTimeout(IDLE_CLOSE_MS);
    // An idle connection never keeps the process alive.
    this.socket.unref();
  }

  destroy(): void {
    this.user = undefined;
    this.socket.destroy();
  }

  private end(e: Error | undefined): void {
    const user = this.user;
    this.user = undefined;
    if (user) user.ended(e, false);
    else this.onIdleEnd?.();
    this.onIdleEnd = undefined;
  }
}

/** Idle connections per origin, for one import. */
export class RangeConnectionPool {
  private readonly idle = new Map<string, RangeConnection[]>();
  private closed = false;

  /** @param keep idle connections kept per origin at most (the requests one import has in flight). */
  constructor(private readonly keep = 8) {}

  /**
   * An idle connection to `target` whose peer is one of `addresses` (checked for this
   * request), or a new one pinned to them, and whether it was reused.
   */
  take(target: CheckedUrl, addresses: readonly LookupAddress[]): { conn: RangeConnection; reused: boolean } {
    const list = this.idle.get(origin(target)) ?? [];
    while (list.length > 0) {
      const conn = list.pop()!;
      if (conn.usable && addresses.some((a) => a.address === conn.peer)) return { conn, reused: true };
      // Connected where the latest check would no longer send us: not used again.
      conn.destroy();
    }
    return { conn: new RangeConnection(target, addresses), reused: false };
  }

  /** A connection whose answer was read to its end and may be asked again. */
  give(target: CheckedUrl, conn: RangeConnection): void {
    const key = origin(target);
    const list = this.idle.get(key) ?? [];
    if (this.closed || list.length >= this.keep || !conn.usable) {
      conn.destroy();
      return;
    }
    list.push(conn);
    this.idle.set(key, list);
    conn.release(() => {
      const at = list.indexOf(conn);
      if (at >= 0) list.splice(at, 1);
      conn.destroy();
    });
  }

  /** Closes every idle connection; connections in use close when their request ends. */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const conn of list.splice(0)) conn.destroy();
    this.idle.clear();
  }
}

function origin(target: CheckedUrl): string {
  return `${target.bareHost.toLowerCase()}:${target.port}`;
}
