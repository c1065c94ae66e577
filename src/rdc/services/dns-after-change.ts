import type { Machine } from '../../core/config/model.js';
import type { Runner } from '../remote/runner.js';
import type { Deps } from './deps.js';

/**
 * After push-infra or repo up: when the machine has a token, a base domain and a public address,
 * its records are synced, the routes read over the caller's own connection. A failure is reported,
 * never thrown: what was just deployed stands. The DNS code (and the Cloudflare SDK, ~0.8 s to
 * load) is imported only when there is something to sync.
 */
export async function syncDnsAfterChange(deps: Deps, name: string, machine: Machine, runner: Runner): Promise<{ summary?: string; error?: string } | undefined> {
  const { cfDnsApiToken, baseDomain, publicIPv4, publicIPv6 } = machine.infra;
  if (!cfDnsApiToken || !baseDomain || (!publicIPv4 && !publicIPv6)) return undefined;
  try {
    const [{ dnsSync }, { routesOver }] = await Promise.all([import('./dns-service.js'), import('./machine-inspect.js')]);
    return { summary: (await dnsSync(deps, name, false, await routesOver(runner, name, machine))).summary };
  } catch (err) {
    return { error: deps.out.redact((err as Error).message) };
  }
}
