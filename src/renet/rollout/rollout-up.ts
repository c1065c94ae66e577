import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parse } from 'yaml';
import { parseHealthLabels, type HealthSettings } from '../../compose/health-labels.js';
import { ipVariable } from '../../compose/rewrite.js';
import { onServer, SERVER_PATHS } from '../../infra/server-layout.js';
import { prepareCompose, type ComposeJob } from '../compose-check.js';
import type { Compose } from '../compose-tool.js';
import { candidateAddress, candidateModel, candidateServiceName } from './candidate.js';
import { observePlan, readRouterConfig } from './observe.js';
import { upTargets, type UpTargets } from './plan.js';
import { rolloutService } from './rollout.js';

type Obj = Record<string, unknown>;

export interface RolloutUpJob {
  /** The job the checked model came from (a candidate's model is prepared the same way). */
  job: ComposeJob;
  compose: Compose;
  /** The checked model and the environment compose runs with. */
  file: string;
  env: NodeJS.ProcessEnv;
  /** The arguments after `up`. */
  upArgs: string[];
  rootPrefix: string;
  socket: string;
  log: (line: string) => void;
}

/**
 * `renet compose -- up …` with zero-downtime replacement: every routed service compose would
 * recreate is switched first (rollout.ts), one at a time; then the caller runs the compose command
 * as given, which finds those services up to date and does the rest (create, unrouted recreate).
 * Resolves to an exit code to stop with, or the `up` arguments to run.
 */
export async function rolloutUp(u: RolloutUpJob): Promise<{ code: number } | { upArgs: string[] }> {
  const router = readRouterConfig(u.rootPrefix);
  const targets = upTargets(u.upArgs);
  if (!router || targets.noReplace) return { upArgs: u.upArgs };
  const { job } = u;
  const observed = await observePlan({ compose: u.compose, project: job.project, dir: job.dir, file: u.file, globals: job.globals, env: u.env, socket: u.socket, networkId: job.networkId, slots: job.previous, router }, targets);
  if ('error' in observed) {
    u.log(`warning: renet compose: no zero-downtime switch this time (${observed.error}); compose recreates what changed`);
    return { upArgs: u.upArgs };
  }
  const switching = observed.plan.filter((p) => p.action === 'switch');
  const services = (observed.model.services ?? {}) as Record<string, Obj>;
  const labelsOf = (model: Obj, s: string) => ((((model.services ?? {}) as Record<string, Obj>)[s]?.labels ?? {}) as Record<string, string>);
  const health = new Map<string, HealthSettings>();
  for (const p of switching) {
    const parsed = parseHealthLabels(labelsOf(observed.model, p.service));
    if (parsed.errors.length) {
      for (const e of parsed.errors) u.log(`service ${p.service}: ${e}`);
      u.log('renet compose: refused; nothing was started or changed');
      return { code: 2 };
    }
    health.set(p.service, parsed.settings);
  }
  const rolloutDir = join(job.mount, '.rediacc', 'rollout');
  const ctx = {
    compose: u.compose, project: job.project, dir: job.dir, env: u.env, mainFile: u.file, candidateFile: join(rolloutDir, `${job.project}.candidate.json`),
    socket: u.socket, networkId: job.networkId, pinsDir: onServer(u.rootPrefix, SERVER_PATHS.routerPins), routerPort: router.listen.port,
    traefikApi: router.traefikApi, settings: router, log: u.log,
  };
  for (const p of switching) {
    u.log(`renet compose: ${p.service}: ${p.reason}: replacing it without downtime`);
    const inUse = observed.running.map((c) => c.labels['rediacc.service_ip'] ?? '');
    const ip = candidateAddress(job.networkId, job.previous, inUse) as string;
    const prepared = await prepareCompose({ ...job, out: join(rolloutDir, `${job.project}.yml`), ipOverride: { [ipVariable(p.service)]: ip } });
    if (!prepared.ok) {
      for (const e of prepared.errors) u.log(e);
      return { code: 2 };
    }
    const model = candidateModel(parse(readFileSync(prepared.file, 'utf8'), { logLevel: 'error' }) as Obj, p.service, ip);
    mkdirSync(dirname(ctx.candidateFile), { recursive: true });
    writeFileAtomic.sync(ctx.candidateFile, `${JSON.stringify(model, null, 2)}\n`);
    const failed = await rolloutService({ ...ctx, env: prepared.env }, {
      service: p.service, old: p.old as NonNullable<typeof p.old>, candidateIp: ip, realIp: labelsOf(observed.model, p.service)['rediacc.service_ip'] ?? '',
      labels: labelsOf(observed.model, p.service), candidateLabels: labelsOf(model, candidateServiceName(p.service)), health: health.get(p.service) as HealthSettings,
    }).finally(() => rmSync(rolloutDir, { recursive: true, force: true }));
    if (failed) {
      u.log(`renet compose: ${p.service}: ${failed.reason}`);
      if (failed.serving === 'old') u.log(`renet compose: ${p.service}: the new container was removed; the old one keeps serving, untouched`);
      if (failed.logs.length) u.log(`renet compose: ${p.service}: the new container's last log lines:\n${failed.logs.map((l) => `  | ${l}`).join('\n')}`);
      return { code: 1 };
    }
  }
  const rest = restArgs(targets, switching.map((p) => p.service), Object.keys(services));
  return rest ? { upArgs: rest } : { code: 0 };
}

/**
 * With `--force-recreate`, compose would recreate the switched services once more (with the gap):
 * the command then names the other services only. Without it, the switched services are up to date.
 */
function restArgs(targets: UpTargets, switched: string[], all: string[]): string[] | undefined {
  if (!targets.forceRecreate || !switched.length) return [...targets.flags, ...targets.services];
  const rest = (targets.services.length ? targets.services : all).filter((s) => !switched.includes(s));
  return rest.length ? [...targets.flags, ...rest] : undefined;
}

