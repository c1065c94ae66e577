import { int, object, type Out } from './check.js';

/** Where `renet stage` writes: a push's own batch under push-infra's staging dir, or the `incoming` dir a `repo up` reply named. */
export type StageInto = { infra: string } | { incoming: string };

/** What `renet stage` reads first on stdin (one JSON line); the files' bytes follow, back to back. */
export interface StageHeader {
  rootPrefix: string;
  into: StageInto;
  files: { sha256: string; size: number }[];
}

/** `renet stage`: how many files arrived whole. */
export const stageReply = object({ staged: int });
export type StageReply = Out<typeof stageReply>;
