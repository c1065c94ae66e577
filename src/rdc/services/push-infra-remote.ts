import { randomBytes } from 'node:crypto';
import type { Context, Machine } from '../../core/config/model.js';
import { RdcError } from '../../core/errors.js';
import { onServer, SERVER_PATHS } from '../../core/infra/server-layout.js';
import { octal } from '../../core/plan/file-plan.js';
import { sha256, type RenderedFile } from '../../core/render/rendered-file.js';
import { infraApplyReply, infraStatusReply, type InfraRequest, type InfraStatusReply } from '../../core/protocol/infra.js';
import { installRenet, readRenetReply, renetInfra, renetStage } from '../remote/commands/renet.js';
import type { Runner } from '../remote/runner.js';
import { withConnection } from './connect-machine.js';
import { chooseBindAddress } from './push-infra-address.js';
import type { Deps } from './deps.js';
import { syncDnsAfterChange } from './dns-after-change.js';
import { localRenet } from './renet-bundle.js';
import { phaseTimer } from '../../core/util/phase-timer.js';

/**
 * push-infra over SSH: one connection; one exec when nothing changed (renet's hash check and the
 * status in the same command); otherwise the changed files go on stdin to `renet stage` (root-only
 * staging, config.env's token never in a file a user can read) and `renet infra apply` swaps them
 * in under the server-side lock and verifies. With a Cloudflare token, the DNS sync follows over
 * the same connection. Every step runs as root (sudo -n for another user); the first exec already
 * does, so a sudo that wants a password is refused before anything changed.
 */
export async function pushInfraRemote(deps: Deps, name: string, machine: Machine, context: Context, render: (m: Machine) => Promise<RenderedFile[]>, dryRun: boolean) {
  const { content: renet, sha256: renetHash } = await localRenet();
  const lockTimeoutMs = Number(deps.io.env.RDC_PUSH_LOCK_TIMEOUT_MS) || 120_000;
  const { timings, time } = phaseTimer();

  return withConnection(deps, name, machine, context, async (runner) => {
    // The entrypoints' address is part of the rendered files: known (or detected) before rendering.
    const { bind, machine: rendered } = await chooseBindAddress(runner, name, machine);
    const files = await render(rendered);
    const desired = files.map((f) => ({ path: f.path, sha256: sha256(f.content), mode: f.mode }));
    const request: InfraRequest = { rootPrefix: machine.rootPrefix, files: desired, routerPort: machine.infra.routeServerPort, lockTimeoutMs };
    let status = await time('status', () => remoteStatus(runner, machine, renetHash, request));
    let renetChanged = false;

    if (!status) {
      if (dryRun) return { dryRun, bind, renet: 'would install', plan: desired.map((f) => ({ op: 'create', path: f.path, cause: 'renet not installed yet' })), timings };
      await time('upload', () => runner.run(installRenet(machine.rootPrefix, renet, renetHash)));
      renetChanged = true;
      status = await time('status', () => remoteStatus(runner, machine, renetHash, request));
      if (!status) throw new RdcError(`renet was installed on ${name} but does not run; is Node.js >= 18 on the server?`, { hint: `rdc machine setup ${name}` });
    }
    const changes = status.plan.filter((o) => o.op !== 'keep');
    const healthy = status.proxy.running && status.router.health === 200;
    if (dryRun || (changes.length === 0 && healthy && !renetChanged)) {
      const dns = dryRun ? undefined : await syncDnsAfterChange(deps, name, machine, runner);
      return { dryRun, bind, renet: renetChanged ? 'installed' : 'up to date', plan: status.plan, proxyRunning: status.proxy.running, routerHealth: status.router.health, dns, timings };
    }
    const toUpload = files.filter((f) => changes.some((c) => c.path === f.path && c.op !== 'chmod'));
    // Every file of the tree is staged, in a batch of this push's own: apply plans again under the
    // lock, and a push by someone else in between may have changed what this one must replace.
    const batch = randomBytes(8).toString('hex');
    const staged = [...new Map(files.map((f) => [sha256(f.content), { sha256: sha256(f.content), content: Buffer.from(f.content) }])).values()];
    await time('upload', () => runner.run(renetStage(machine.rootPrefix, renetHash, { infra: batch }, staged)));
    const applied = await time('apply', () => runner.run(renetInfra('apply', machine.rootPrefix, renetHash, { ...request, renetChanged, batch })));
    const report = readRenetReply('infra apply', infraApplyReply, applied.stdout);
    if (!report) throw new RdcError(`renet on ${name} was replaced during the push (another rdc version?); push again.`);
    if (!report.verify.ok) {
      throw new RdcError(`push-infra applied the config on ${name} but verification failed: Traefik ${report.verify.proxyRunning ? 'runs' : 'is not running'}, route server /health ${report.verify.routerHealth || 'does not answer'}.`,
        { hint: `Look at the proxy with docker logs, and at ${onServer(machine.rootPrefix, SERVER_PATHS.routerLog)} (or journalctl -u rediacc-router).` });
    }
    // With a token, DNS follows over this same connection (SYSTEM.md §6); a failure there is only reported.
    const dns = await syncDnsAfterChange(deps, name, machine, runner);
    return { dryRun, bind, renet: renetChanged ? 'installed' : 'up to date', plan: status.plan, applied: report, uploaded: toUpload.map((f) => ({ path: f.path, mode: octal(f.mode) })), dns, timings };
  }, time);
}

/** The server's view, or undefined when renet is missing or another build. */
async function remoteStatus(runner: Runner, machine: Machine, renetHash: string, request: InfraRequest): Promise<InfraStatusReply | undefined> {
  return readRenetReply('infra status', infraStatusReply, (await runner.run(renetInfra('status', machine.rootPrefix, renetHash, request))).stdout);
}
