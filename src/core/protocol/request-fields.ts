import { checkAbsolutePath, checkGuid, checkName, checkNetworkId, checkPort } from '../config/validators.js';
import { int, list, object, str, where, type Check } from './check.js';

/**
 * The fields renet builds paths and commands from, checked by the validators rdc applies to its own
 * config: a request is the edge of the server program, and a field that passes here is safe to use.
 */
const valid = <T>(check: Check<T>, expected: string, validator: (v: T) => { ok: boolean }) => where(check, expected, (v) => validator(v).ok);

export const absolutePath = valid(str, 'an absolute path', checkAbsolutePath);
export const port = valid(int, 'a port (1-65535)', checkPort);
export const networkId = valid(int, 'a network ID (2816 + 64·n)', checkNetworkId);
export const repoName = valid(str, 'a repository name', checkName);
export const guid = valid(str, 'a GUID', checkGuid);
const sha256 = where(str, '64 hex digits (a sha256)', (v) => /^[0-9a-f]{64}$/.test(v));
const relativePath = where(str, 'a path relative to the tree with no .. part', (v) => v !== '' && !v.startsWith('/') && !v.split('/').includes('..'));

/** Files by content (the infra tree, a repo's manifest): each path under the tree, sha256 and mode. */
export const filesByHash = list(object({ path: relativePath, sha256, mode: where(int, 'a file mode', (v) => v >= 0 && v <= 0o7777) }));
