/** A DNS record as the Cloudflare API returns it (the fields rdc uses). */
export interface ExistingRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  comment: string | null;
}

export interface WantedRecord {
  type: 'A' | 'AAAA';
  name: string;
  content: string;
}

export type DnsOp =
  | { op: 'create'; record: WantedRecord }
  | { op: 'update'; id: string; record: WantedRecord; from: string }
  | { op: 'delete'; id: string; record: ExistingRecord }
  | { op: 'keep'; record: WantedRecord }
  | { op: 'conflict'; record: WantedRecord; other: ExistingRecord };

/** The comment that marks a record as rdc's, per machine: rdc only ever changes records that carry it. */
export function marker(machine: string): string {
  return `managed by rdc (machine ${machine})`;
}

/**
 * The records a machine needs: A (and AAAA) for `*.{baseDomain}` (auto routes) and for every Host()
 * its repos declare inside the zone. Hosts outside the zone are returned apart, to be reported.
 */
export function wantedRecords(opts: { zone: string; baseDomain: string; ipv4?: string; ipv6?: string; hosts: string[] }): { wanted: WantedRecord[]; outside: string[] } {
  const names = new Set([`*.${opts.baseDomain}`]);
  const outside: string[] = [];
  for (const host of opts.hosts) {
    if (host === opts.zone || host.endsWith(`.${opts.zone}`)) names.add(host);
    else outside.push(host);
  }
  const wanted: WantedRecord[] = [];
  for (const name of [...names].sort()) {
    if (opts.ipv4) wanted.push({ type: 'A', name, content: opts.ipv4 });
    if (opts.ipv6) wanted.push({ type: 'AAAA', name, content: opts.ipv6 });
  }
  return { wanted, outside: [...new Set(outside)].sort() };
}

/**
 * Create, update (address changed), keep, delete (ours, no longer wanted) or conflict (someone
 * else's record, or a CNAME, holds the name): never overwrites what rdc did not create. Pure.
 */
export function planDns(wanted: WantedRecord[], existing: ExistingRecord[], machine: string): DnsOp[] {
  const mine = (r: ExistingRecord) => r.comment === marker(machine);
  const ops: DnsOp[] = [];
  const used = new Set<string>();
  for (const w of wanted) {
    const same = existing.filter((r) => r.name === w.name && (r.type === w.type || r.type === 'CNAME'));
    const foreign = same.find((r) => !mine(r));
    const ours = same.find((r) => mine(r) && r.type === w.type);
    if (foreign) ops.push({ op: 'conflict', record: w, other: foreign });
    else if (!ours) ops.push({ op: 'create', record: w });
    else {
      used.add(ours.id);
      ops.push(ours.content === w.content ? { op: 'keep', record: w } : { op: 'update', id: ours.id, record: w, from: ours.content });
    }
  }
  for (const r of existing) if (mine(r) && !used.has(r.id) && (r.type === 'A' || r.type === 'AAAA')) ops.push({ op: 'delete', id: r.id, record: r });
  return ops;
}

/** Picks the zone for a domain: the longest zone name the domain ends with. */
export function zoneFor(domain: string, zones: { id: string; name: string }[]): { id: string; name: string } | undefined {
  return zones.filter((z) => domain === z.name || domain.endsWith(`.${z.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
}
