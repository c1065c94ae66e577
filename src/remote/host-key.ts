import { createHash } from 'node:crypto';

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
