import type { Machine } from '../../core/config/model.js';
import { selectContext, selectMachine } from '../../core/config/select.js';
import { UserError } from '../../core/errors.js';
import { CloudflareDns } from '../dns/cloudflare-client.js';
import { marker, planDns, wantedRecords, zoneFor, type DnsOp } from '../../core/plan/dns-plan.js';
import { loadMachine } from './connect-machine.js';
import type { Deps } from './deps.js';
import type { RouteOwner } from '../../core/protocol/route-owners.js';
import { machineOwners, type LoadedMachine } from './machine-inspect.js';

interface DnsContext {
  loaded: LoadedMachine;
  machine: Machine;
  client: CloudflareDns;
  zone: { id: string; name: string };
}

/** The machine, a client with its token, and its zone (looked up once, then cached in the config). */
async function prepare(deps: Deps, name: string): Promise<DnsContext> {
  const loaded = await loadMachine(deps, name);
  const { machine } = loaded;
  const { cfDnsApiToken: token, baseDomain } = machine.infra;
  if (!token) throw new UserError(`${name} has no Cloudflare token.`, { hint: `rdc context set-infra ${name} --cf-dns-token - (a token with Zone:DNS:Edit)` });
  if (!baseDomain) throw new UserError(`${name} has no base domain.`, { hint: `rdc context set-infra ${name} --base-domain example.com` });
  const client = new CloudflareDns(token.reveal(), deps.io.env);
  const cached = machine.dnsZone;
  if (cached && (baseDomain === cached.name || baseDomain.endsWith(`.${cached.name}`))) return { loaded, machine, client, zone: cached };
  const zone = zoneFor(baseDomain, await client.zones());
  if (!zone) throw new UserError(`No Cloudflare zone that the token can see holds ${baseDomain}.`, { hint: 'Give the token access to that zone (Zone:Read and Zone:DNS:Edit), or check --base-domain.' });
  await deps.store.update((fresh) => {
    selectMachine(selectContext(fresh, deps.flags.context), name).dnsZone = zone;
  });
  return { loaded, machine, client, zone };
}

/**
 * `rdc dns sync`: A/AAAA for `*.{baseDomain}` and every Host() the machine's repos declare (read
 * from its route server over SSH), planned against the zone and applied; only records carrying rdc's
 * marker are ever changed or deleted.
 */
export async function dnsSync(deps: Deps, name: string, dryRun: boolean, knownRoutes?: RouteOwner[]) {
  const { loaded, machine, client, zone } = await prepare(deps, name);
  const base = machine.infra.baseDomain as string;
  if (!machine.infra.publicIPv4 && !machine.infra.publicIPv6) throw new UserError(`${name} has no public address to point records at.`, { hint: `rdc context set-infra ${name} --public-ipv4 IP` });
  // Hosts must be known for sure: a guess could delete records that are still in use. Auto routes
  // (level 1) ride on the wildcard; every Host()/HostSNI() a repo declares gets records of its own.
  const routes = knownRoutes ?? (await machineOwners(deps, name, loaded));
  const hosts = routes.flatMap((r) => (r.level === 2 ? r.hosts : []));
  const { wanted, outside } = wantedRecords({ zone: zone.name, baseDomain: base, ipv4: machine.infra.publicIPv4, ipv6: machine.infra.publicIPv6, hosts });
  const ops = planDns(wanted, await client.records(zone), name);
  if (!dryRun) {
    for (const o of ops) {
      if (o.op === 'create') await client.create(zone, o.record, marker(name));
      else if (o.op === 'update') await client.update(zone, o.id, o.record, marker(name));
      else if (o.op === 'delete') await client.delete(zone, o.id, o.record.name);
    }
  }
  return { machine: name, zone: zone.name, dryRun, ops: ops.map(describe), outside, requests: client.requests, summary: summarize(ops) };
}

/** `rdc dns list`: the zone's A/AAAA/CNAME records, and which are rdc's (this machine's). */
export async function dnsList(deps: Deps, name: string) {
  const { client, zone } = await prepare(deps, name);
  const records = (await client.records(zone)).filter((r) => ['A', 'AAAA', 'CNAME'].includes(r.type));
  return { machine: name, zone: zone.name, records: records.map((r) => ({ type: r.type, name: r.name, content: r.content, managed: r.comment === marker(name) })) };
}

function describe(o: DnsOp): { op: string; type: string; name: string; content: string; note: string } {
  const base = { op: o.op, type: o.record.type, name: o.record.name, content: o.record.content };
  if (o.op === 'update') return { ...base, note: `was ${o.from}` };
  if (o.op === 'conflict') return { ...base, note: `${o.other.type} ${o.other.content} exists and is not rdc's: left alone` };
  return { ...base, note: '' };
}

function summarize(ops: DnsOp[]): string {
  const n = (op: DnsOp['op']) => ops.filter((o) => o.op === op).length;
  return `${n('create')} to create, ${n('update')} to update, ${n('delete')} to delete, ${n('keep')} unchanged, ${n('conflict')} conflict(s)`;
}
