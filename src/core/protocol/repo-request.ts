import { VOLUME_KINDS, type VolumeKind } from '../config/validators.js';
import { bool, int, object, oneOf, optional, parseRequest, str, where, type Out } from './check.js';
import { absolutePath, filesByHash, guid, networkId, port, repoName } from './request-fields.js';

/** `renet repo <verb>`; `plan` and `status` only look, `check-key` tests a credential without opening the volume. */
export type RepoVerb = 'create' | 'up' | 'plan' | 'down' | 'status' | 'delete' | 'check-key';

/** What rdc sends `renet repo <verb>` on stdin. The credential travels only here, never in argv. */
const repoRequest = object({
  rootPrefix: absolutePath,
  datastore: absolutePath,
  routerPort: port,
  name: repoName,
  guid,
  networkId,
  /** Wanted at creation: a kind, or `auto` (LUKS where device-mapper exists, else a plain image, else a directory). */
  volume: oneOf<VolumeKind | 'auto'>(...VOLUME_KINDS, 'auto'),
  sizeBytes: where(int, 'a size in bytes', (v) => v >= 0),
  credential: str,
  manifest: optional(filesByHash),
  mount: optional(bool),
  unmount: optional(bool),
  prepOnly: optional(bool),
  /** `rdc repo up --unsafe`: the compose policy is not applied to this repo (the only way to skip it). */
  unsafe: optional(bool),
  routesTimeoutMs: optional(where(int, 'a timeout in ms', (v) => v >= 0)),
  /** `plan` for `rdc repo up --dry-run`: also what up would do to each compose service (slower: compose runs). */
  planServices: optional(bool),
});
export type RepoRequest = Out<typeof repoRequest>;

/** What a verb adds to the fields every request carries. */
export type RepoRequestExtra = Pick<RepoRequest, 'manifest' | 'mount' | 'unmount' | 'prepOnly' | 'unsafe' | 'routesTimeoutMs' | 'planServices'>;

/** renet's side: the same validators rdc applies to its config, since renet builds paths from these fields. */
export function parseRepoRequest(verb: string, text: string): RepoRequest {
  return parseRequest(`repo ${verb}`, repoRequest, text);
}
