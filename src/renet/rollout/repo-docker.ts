import { isCandidateLabels } from '../../core/repo/rollout-pins.js';
import { localGet, localRequest } from '../local.js';
import type { ObservedContainer } from './plan.js';

/** The few Docker Engine API calls a rollout makes on the repo's own daemon (its unix socket). */

interface ListedContainer {
  Id: string;
  State: string;
  Labels?: Record<string, string>;
}

/** Running containers of one compose project (with `all`, stopped ones too), with what the plan compares. */
export async function projectContainers(socket: string, project: string, all = false): Promise<ObservedContainer[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`], ...(all ? {} : { status: ['running'] }) }));
  const r = await localGet({ socketPath: socket }, `/containers/json?all=${all ? 1 : 0}&filters=${filters}`, 5000);
  if (r.status !== 200) throw new Error(`the repo's Docker daemon did not list the containers of ${project} (HTTP ${r.status})`);
  return (JSON.parse(r.body) as ListedContainer[]).map((c) => {
    const labels = c.Labels ?? {};
    return {
      id: c.Id,
      service: labels['rediacc.service_name'] ?? labels['com.docker.compose.service'] ?? '',
      configHash: labels['com.docker.compose.config-hash'],
      imageId: labels['com.docker.compose.image'],
      candidate: isCandidateLabels(labels),
      labels,
    };
  });
}

/** The id an image name resolves to now, or undefined when the daemon lacks it. */
export async function imageId(socket: string, image: string): Promise<string | undefined> {
  const r = await localGet({ socketPath: socket }, `/images/${encodeURIComponent(image)}/json`, 5000);
  return r.status === 200 ? (JSON.parse(r.body) as { Id: string }).Id : undefined;
}

export interface ContainerState {
  running: boolean;
  exitCode?: number;
  /** Docker's HEALTHCHECK, when the image or service has one. */
  health?: { status: string; lastOutput: string };
}

export async function containerState(socket: string, id: string): Promise<ContainerState | undefined> {
  const r = await localGet({ socketPath: socket }, `/containers/${id}/json`, 5000);
  if (r.status !== 200) return undefined;
  const s = (JSON.parse(r.body) as { State: { Running: boolean; ExitCode?: number; Health?: { Status: string; Log?: { Output?: string }[] } } }).State;
  const log = s.Health?.Log ?? [];
  return { running: s.Running, exitCode: s.ExitCode, ...(s.Health ? { health: { status: s.Health.Status, lastOutput: (log[log.length - 1]?.Output ?? '').trim() } } : {}) };
}

/** The container's last log lines (stdout and stderr, as `docker logs --tail`). */
export async function containerLogTail(socket: string, id: string, lines: number): Promise<string[]> {
  const r = await localGet({ socketPath: socket }, `/containers/${id}/logs?stdout=1&stderr=1&tail=${lines}`, 5000);
  return r.status === 200 ? demuxLogs(r.bytes).split('\n').filter(Boolean).slice(-lines) : [];
}

/**
 * Docker's log stream for a container without a TTY: frames of an 8-byte header (stream, 3 zero
 * bytes, big-endian length) and the payload. Text that is not framed (a TTY container) passes as is.
 */
export function demuxLogs(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length && raw[at + 1] === 0 && raw[at + 2] === 0 && raw[at + 3] === 0 && (raw[at] as number) <= 2) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  if (at < raw.length && parts.length === 0) return raw.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}

/** Stops (SIGTERM, then `graceS`) and removes a container; its named volumes stay. */
export async function removeContainer(socket: string, id: string, graceS = 10): Promise<void> {
  await localRequest({ socketPath: socket }, 'POST', `/containers/${id}/stop?t=${graceS}`, (graceS + 5) * 1000);
  await localRequest({ socketPath: socket }, 'DELETE', `/containers/${id}?force=1`, 10_000);
}
