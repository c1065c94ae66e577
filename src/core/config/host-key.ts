import { createHash } from 'node:crypto';
import { show } from './validators.js';

/**
 * Host keys as rdc stores them: `algorithm base64-blob`, the key part of a known_hosts line.
 * Pure helpers over the SSH wire-format blob the server presents during the handshake.
 */
export function hostKeyFromBlob(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return `${blob.subarray(4, 4 + len).toString('ascii')} ${blob.toString('base64')}`;
}

/** OpenSSH's fingerprint form: `SHA256:` + unpadded base64 of the blob's sha256. */
export function fingerprint(hostKey: string): string {
  const blob = Buffer.from(hostKey.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function keyType(hostKey: string): string {
  return (hostKey.split(' ')[0] ?? '').replace(/^ssh-/, '').toUpperCase();
}

export function matchesPinned(blob: Buffer, pinned: string[]): boolean {
  const presented = blob.toString('base64');
  return pinned.some((k) => k.split(' ')[1] === presented);
}

/**
 * Host key types rdc pins, with the SSH wire-format strings their public blob holds after the type
 * (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4, PROTOCOL.u2f): exact byte lengths where fixed.
 */
const HOST_KEY_LAYOUTS: Record<string, (number | string | undefined)[]> = {
  'ssh-ed25519': [32],
  'ssh-rsa': [undefined, undefined],
  'ecdsa-sha2-nistp256': ['nistp256', 65],
  'ecdsa-sha2-nistp384': ['nistp384', 97],
  'ecdsa-sha2-nistp521': ['nistp521', 133],
  'sk-ssh-ed25519@openssh.com': [32, undefined],
  'sk-ecdsa-sha2-nistp256@openssh.com': ['nistp256', 65, undefined],
};
export const HOST_KEY_TYPES = Object.keys(HOST_KEY_LAYOUTS);
const MAX_HOST_KEY_LENGTH = 8192;

export type HostKeyCheck = { ok: true; value: string } | { ok: false; expected: string };

/**
 * `ssh-ed25519 AAAA…` as rdc stores it. Accepts what users paste: that form, the `.pub` file's line
 * (a trailing comment is dropped) or a known_hosts line (`host[,host] type key [comment]`). The blob
 * must decode to a key of the type it claims, field by field: a truncated or made-up key is refused.
 */
export function checkHostKey(text: string): HostKeyCheck {
  const expected = `expected "ssh-ed25519 AAAA…" as in a .pub file or known_hosts (types: ${HOST_KEY_TYPES.join(', ')})`;
  const refuse = (why: string): HostKeyCheck => ({ ok: false, expected: `${show(text)} is not a host key: ${why}; ${expected}` });
  if (text.length > MAX_HOST_KEY_LENGTH) return refuse(`it is ${text.length} characters long, more than a host key line's ${MAX_HOST_KEY_LENGTH}`);
  const parts = text.trim().split(/\s+/);
  if (parts[0]?.startsWith('@')) return refuse('marker lines (@cert-authority, @revoked) are not keys rdc pins');
  const at = HOST_KEY_TYPES.includes(parts[0] ?? '') ? 0 : HOST_KEY_TYPES.includes(parts[1] ?? '') ? 1 : -1;
  if (at === -1) return refuse('it names no known host key type');
  const type = parts[at] as string;
  const base64 = parts[at + 1] ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return refuse(`the ${type} key after the type is missing or not base64`);
  const problem = blobProblem(type, Buffer.from(base64, 'base64'));
  return problem ? refuse(`the ${type} key ${problem}`) : { ok: true, value: `${type} ${base64}` };
}

/** Why a public key blob is not a well-formed key of `type`, or undefined when it is. */
function blobProblem(type: string, blob: Buffer): string | undefined {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return 'is truncated';
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) return 'is truncated';
    fields.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  const [inner, ...rest] = fields;
  if (inner?.toString('latin1') !== type) return `holds ${inner ? `a ${JSON.stringify(inner.toString('latin1').slice(0, 40))}` : 'no'} key, not ${type}`;
  const layout = HOST_KEY_LAYOUTS[type] as (number | string | undefined)[];
  if (rest.length !== layout.length) return 'does not have the fields of such a key';
  for (const [i, want] of layout.entries()) {
    const field = rest[i] as Buffer;
    if (typeof want === 'number' && field.length !== want) return 'has a field of the wrong size';
    if (typeof want === 'string' && field.toString('latin1') !== want) return 'names another curve';
    if (want === undefined && field.length === 0) return 'has an empty field';
  }
  if (type === 'ssh-rsa' && (rest[1] as Buffer).length < 128) return 'is shorter than 1024 bits';
  return undefined;
}
