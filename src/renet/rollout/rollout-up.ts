import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parse } from 'yaml';
import { parseHealthLabels, type HealthSettings } from '../../core/compose/health-labels.js';
import { ipVariable } from '../../core/compose/rewrite.js';
import { pinsDir } from '../route-server/pins-watcher.js';
import { prepareCompose, type ComposeJob } from '../compose-check.js';
import type { Compose } from '../compose-tool.js';
import { candidateAddress, candidateModel, candidateServiceName } from './candidate.js';
import { observePlan, readRouterConfig, type Observed } from './observe.js';
import { restArgs, upServices, upTargets, type PlannedService } from './plan.js';
import { clearLeftovers, rolloutService, type RolloutContext } from './rollout.js';

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

const labelsOf = (model: Obj, service: string) => ((((model.services ?? {}) as Record<string, Obj>)[service]?.labels ?? {}) as Record<string, string>);

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
  const health = new Map<string, HealthSettings>();
  for (const p of switching) {
    // prepareCompose's rewrite already refused bad health labels (exit 2): only the settings are wanted here.
    health.set(p.service, parseHealthLabels(labelsOf(observed.model, p.service)).settings);
  }
  const rolloutDir = join(job.mount, '.rediacc', 'rollout');
  const ctx: RolloutContext = {
    compose: u.compose, project: job.project, dir: job.dir, env: u.env, mainFile: u.file, candidateFile: join(rolloutDir, `${job.project}.candidate.json`),
    socket: u.socket, networkId: job.networkId, pinsDir: pinsDir(router.stateDir), routerPort: router.listen.port,
    traefikApi: router.traefikApi, settings: router, log: u.log,
  };
  const signals = holdSignals(u.log);
  try {
    await clearLeftovers(ctx, observed.running, new Set(observed.plan.filter((p) => p.action === 'recreate').map((p) => p.service)));
    for (const p of switching) {
      const failed = await switchOne(u, ctx, p, observed, health.get(p.service) as HealthSettings);
      if (failed) return { code: 1 };
      const sig = signals.received();
      if (sig) return { code: 128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15) };
    }
  } finally {
    signals.release();
    rmSync(rolloutDir, { recursive: true, force: true });
  }
  const rest = restArgs(targets, switching.map((p) => p.service), upServices((observed.model.services ?? {}) as Record<string, Obj>, targets));
  return rest ? { upArgs: rest } : { code: 0 };
}

/** One service: its candidate's model (the checked model with its `{SERVICE}_IP` at the candidate's address), then the rollout. True when it failed (said why). */
async function switchOne(u: RolloutUpJob, ctx: RolloutContext, p: PlannedService, observed: Observed, health: HealthSettings): Promise<boolean> {
  const say = (m: string) => u.log(`renet compose: ${p.service}: ${m}`);
  say(`${p.reason}: replacing it without downtime`);
  const inUse = observed.running.map((c) => c.labels['rediacc.service_ip'] ?? '');
  const ip = candidateAddress(u.job.networkId, u.job.previous, inUse);
  if (!ip) {
    say(`no free address left in the repo's /26 for the new container beside the old one; remove a service or split the repo`);
    return true;
  }
  const prepared = await prepareCompose({ ...u.job, out: join(dirname(ctx.candidateFile), `${u.job.project}.yml`), ipOverride: { [ipVariable(p.service)]: ip } });
  if (!prepared.ok) {
    for (const e of prepared.errors) u.log(e);
    return true;
  }
  const model = candidateModel(parse(readFileSync(prepared.file, 'utf8'), { logLevel: 'error' }) as Obj, p.service, ip);
  mkdirSync(dirname(ctx.candidateFile), { recursive: true });
  writeFileAtomic.sync(ctx.candidateFile, `${JSON.stringify(model, null, 2)}\n`);
  const failed = await rolloutService({ ...ctx, env: prepared.env }, {
    service: p.service, old: p.old as NonNullable<PlannedService['old']>, candidateIp: ip, realIp: labelsOf(observed.model, p.service)['rediacc.service_ip'] ?? '',
    labels: labelsOf(observed.model, p.service), candidateLabels: labelsOf(model, candidateServiceName(p.service, ip)), health,
  });
  if (!failed) return false;
  say(failed.reason);
  if (failed.serving === 'old') say('the new container was removed; the old one keeps serving, untouched');
  if (failed.logs.length) say(`the new container's last log lines:\n${failed.logs.map((l) => `  | ${l}`).join('\n')}`);
  return true;
}

/**
 * A signal (an SSH session cut, Ctrl-C) must not stop a rollout half way, with a candidate pinned
 * and the old container drained: while rollouts run, SIGINT, SIGTERM and SIGHUP are held; the one
 * under way finishes (switched, or rolled back), and then renet compose stops without running the
 * compose command.
 */
function holdSignals(log: (line: string) => void): { release(): void; received(): NodeJS.Signals | undefined } {
  let got: NodeJS.Signals | undefined;
  const on = (sig: NodeJS.Signals) => {
    got ??= sig;
    log(`renet compose: ${sig} received: finishing the rollout under way first (switched or rolled back), then stopping`);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, on);
  return { release: () => signals.forEach((sig) => process.off(sig, on)), received: () => got };
}
