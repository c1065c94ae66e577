import { bindAddress } from '../../core/infra/entrypoints.js';
import { parsePrimaryAddress, primaryAddressCommand } from '../remote/commands/primary-address.js';
import type { Machine } from '../../core/config/model.js';
import { RdcError } from '../../core/errors.js';
import type { Runner } from '../remote/runner.js';

export interface BindChoice {
  address: string;
  /** `detected`: no address was set, this is the server's primary address (shown in the plan). */
  source: 'listen-address' | 'public-ipv4' | 'public-ipv6' | 'detected';
}

/**
 * The address Traefik's web, tcp-* and udp-* entrypoints bind on this machine, and the machine to
 * render with: unchanged when set-infra gave an address, else with the detected primary address
 * as its listen address (never saved: a later set-infra or a new server address wins).
 */
export async function chooseBindAddress(runner: Runner, name: string, machine: Machine): Promise<{ bind: BindChoice; machine: Machine }> {
  const infra = machine.infra;
  const set = bindAddress(infra);
  if (set !== undefined) {
    const source = infra.listenAddress ? 'listen-address' : infra.publicIPv4 ? 'public-ipv4' : 'public-ipv6';
    return { bind: { address: set, source }, machine };
  }
  const found = parsePrimaryAddress((await runner.exec(primaryAddressCommand())).stdout);
  if ('problem' in found) {
    throw new RdcError(`Cannot tell which address Traefik should listen on for ${name}: no public address is set and ${found.problem}.`,
      { hint: `rdc context set-infra ${name} --public-ipv4 ADDRESS (or --listen-address ADDRESS), then push again` });
  }
  return { bind: { address: found.address, source: 'detected' }, machine: { ...machine, infra: { ...infra, listenAddress: found.address } } };
}
