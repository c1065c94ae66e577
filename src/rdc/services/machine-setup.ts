import { posix } from 'node:path';
import { RdcError } from '../../core/errors.js';
import { onServer, SERVER_DIRS } from '../../core/infra/server-layout.js';
import { aptFailure, parseFacts, planSetup, type SetupStep } from '../../core/plan/setup-plan.js';
import { aptInstall, aptUpdate, makeDirs, probeServer } from '../remote/commands/setup.js';
import { loadMachine, withConnection } from './connect-machine.js';
import type { Deps } from './deps.js';
import type { Runner } from '../remote/runner.js';

/**
 * `rdc machine setup`: probe, plan, act. Installs what is missing on Debian/Ubuntu (docker engine,
 * compose, Node.js >= 18 for renet), creates the server directories, and reports; idempotent.
 * Probe and install both run as root (sudo -n for another user), so the probe sees what was installed.
 */
export async function machineSetup(deps: Deps, name: string, dryRun: boolean) {
  const { machine, context } = await loadMachine(deps, name);
  return withConnection(deps, name, machine, context, async (runner) => {
    const before = planSetup(parseFacts((await runner.run(probeServer(machine.rootPrefix))).stdout));
    const dirs = [...SERVER_DIRS.map((d) => onServer(machine.rootPrefix, d)), posix.normalize(onServer(machine.rootPrefix, machine.datastore))];
    if (dryRun) return { machine: name, dryRun, installed: [], wouldInstall: before.install, refusal: before.refusal ?? null, steps: withStatus(before.steps, before.steps), directories: dirs };
    if (before.refusal) throw new RdcError(`Cannot set up ${name}: ${before.refusal}`);
    if (before.install.length) {
      const spinner = await deps.out.spinner(`Installing ${before.install.join(', ')} on ${name}`);
      try {
        await installPackages(runner, before.install);
      } catch (err) {
        spinner.fail(`Installing on ${name} failed`);
        throw err;
      }
      spinner.succeed(`Installed ${before.install.join(', ')} on ${name}`);
    }
    await runner.run(makeDirs(dirs));
    const after = before.install.length ? planSetup(parseFacts((await runner.run(probeServer(machine.rootPrefix))).stdout)) : before;
    const stillMissing = after.steps.filter((s) => !s.present);
    if (stillMissing.length) {
      throw new RdcError(`After installing, ${name} still lacks: ${stillMissing.map((s) => `${s.component} (${s.detail})`).join(', ')}.`, {
        hint: 'Install it by hand (for Node.js >= 18 on an older release, see nodejs.org or NodeSource), then run rdc machine setup again.',
      });
    }
    return { machine: name, dryRun, installed: before.install, wouldInstall: [], refusal: null, steps: withStatus(after.steps, before.steps), directories: dirs };
  });
}

/** apt-get update, then one apt-get install: a failure names the package and says what apt said. */
async function installPackages(runner: Runner, packages: string[]): Promise<void> {
  for (const [step, cmd] of [['update', aptUpdate()], ['install', aptInstall(packages)]] as const) {
    const r = await runner.exec(cmd);
    if (r.code === 0) continue;
    const failure = aptFailure(step, packages, `${r.stdout}\n${r.stderr}`);
    throw new RdcError(failure.message, {
      hint: step === 'update' ? 'Check the server\'s apt sources and its network (or proxy), then run rdc machine setup again.'
        : `Make ${failure.packages.join(', ') || 'them'} installable on the server (apt sources, pins, held packages), or install by hand; then run rdc machine setup again.`,
    });
  }
}

/** Each component as present, installed (missing before this run, present now) or missing. */
function withStatus(steps: SetupStep[], before: SetupStep[]) {
  return steps.map((s) => ({ ...s, status: !s.present ? 'missing' : before.find((b) => b.component === s.component)?.present === false ? 'installed' : 'present' }));
}
