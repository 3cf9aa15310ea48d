/**
 * The REST front's request-head reader (see http-front.ts): it takes only what it can answer
 * exactly as node:http would and calls everything else 'other'.
 */

/** Token characters of a header name (RFC 9110). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Whether `s` has what node's strict parser refuses in a value or a target: controls other than tab, DEL. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/**
 * A parsed request head, or 'other' when node:http must answer it.
 * @example
 *   const head: Head = { kind: 'api', method: 'GET', path: '/v1/models/m', length: 0, close: false };
 */
export type Head =
  | { kind: 'api'; method: 'GET' | 'POST'; path: string; length: number; authorization?: string; close: boolean }
  | { kind: 'other' };

const OTHER: Head = { kind: 'other' };

/**
 * Reads a request head (without its blank line); anything unusual is 'other' so node:http answers it
 * exactly as before. `accepts` says which method and path the front answers at all.
 * @example
 *   parseHead('GET /v1/models/m HTTP/1.1\r\nHost: x', () => true, 1 << 20).kind; // 'api'
 */
export function parseHead(
  head: string,
  accepts: (method: 'GET' | 'POST', path: string) => boolean,
  maxBody: number,
): Head {
  const lineEnd = head.indexOf('\r\n');
  const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
  const sp1 = line.indexOf(' ');
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0 || line.slice(sp2 + 1) !== 'HTTP/1.1') return OTHER;
  const method = line.slice(0, sp1);
  if (method !== 'GET' && method !== 'POST') return OTHER;
  const target = line.slice(sp1 + 1, sp2);
  if (target[0] !== '/' || hasControl(target) || target.includes(' ')) return OTHER;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (!accepts(method, path)) return OTHER;
  let length = -1;
  let authorization: string | undefined;
  let host = false;
  let close = false;
  let at = lineEnd < 0 ? head.length : lineEnd + 2;
  while (at < head.length) {
    let end = head.indexOf('\r\n', at);
    if (end < 0) end = head.length;
    const colon = head.indexOf(':', at);
    if (colon < 0 || colon > end) return OTHER;
    const name = head.slice(at, colon);
    const value = head.slice(colon + 1, end).trim();
    if (!TOKEN.test(name) || hasControl(value)) return OTHER;
    switch (name.toLowerCase()) {
      case 'content-length':
        if (length >= 0 || !/^\d{1,15}$/.test(value)) return OTHER;
        length = Number(value);
        if (length > maxBody) return OTHER;
        break;
      case 'host':
        host = true;
        break;
      case 'authorization':
        authorization = value;
        break;
      case 'connection': {
        const v = value.toLowerCase();
        if (v === 'close') close = true;
        else if (v !== 'keep-alive') return OTHER;
        break;
      }
      case 'content-encoding':
        if (value.toLowerCase() !== 'identity') return OTHER;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return OTHER;
    }
    at = end + 2;
  }
  if (!host) return OTHER;
  return { kind: 'api', method, path, length: Math.max(0, length), authorization, close };
}
