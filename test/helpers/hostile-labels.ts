import type { KeyNode } from '../../src/renet/route-server/key-tree.js';
import type { ContainerInfo } from '../../src/renet/route-server/model.js';
import { TRAEFIK_KEYS } from '../../src/renet/route-server/traefik-keys.generated.js';

/**
 * Seeded random containers whose labels set random options of Traefik's whole key tree to awkward
 * values (empty, quotes, backslashes, templates, 4000 characters, fractions, overflows, bad
 * durations, rules that widen the match…). Deterministic per seed, so a failure can be replayed.
 */
export function hostileContainers(seed: number, count: number): ContainerInfo[] {
  let state = seed;
  const rnd = (n: number) => (state = (state * 1103515245 + 12345) % 2147483648) % n;
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)] as T;
  const leaves = (node: KeyNode, path: string, out: [string, KeyNode][] = []): [string, KeyNode][] => {
    if (typeof node !== 'object') out.push([path, node]);
    else if ('fields' in node) for (const [k, v] of Object.entries(node.fields)) leaves(v, `${path}.${k}`, out);
    else if ('list' in node) typeof node.list === 'object' ? leaves(node.list, `${path}[${rnd(3)}]`, out) : out.push([path, node]);
    else leaves(node.map, `${path}.X-${pick(['A', 'b', 'Hdr'])}`, out);
    return out;
  };
  const all = Object.entries(TRAEFIK_KEYS).flatMap(([prefix, node]) => leaves(node, '').map(([path, shape]) => [prefix, path, shape] as const));
  const strings = ['', 'x', 'a,b', '`', '"', '\\', '{{.Foo}}', '${x}', '%s', 'é', '😀', 'Host(`a.example.net`)', 'x'.repeat(4000), '0', '-1', 'true',
    'http://127.0.11.70:80/', '/path', '10.0.0.0/8', '^x$', '[', 'a\tb', '\u2028', '400-599', 'default', 'compress@file', 'x@http', '\u007f'];
  const value = (shape: KeyNode): string =>
    shape === 'number' ? pick(['0', '-1', '2147483647', '-2147483647', '7', '1.5', '1e9'])
      : shape === 'duration' ? pick(['0', '1s', '87840h', '1.5ms', 'x', '999999h999999h'])
        : shape === 'boolean' ? pick(['true', 'false', 'TRUE', 'yes'])
          : typeof shape === 'object' ? `${pick(strings)},${pick(strings)}` : pick(strings);
  const rules = ['Host(`a.example.net`)', 'Host(`b.example.net`) && PathPrefix(`/x`)', 'PathPrefix(`/`)', 'HostRegexp(`^[a-z]+-2880\\.example\\.com$`)', 'HostSNI(`*`)', 'HostSNI(`c.example.net`)', '!Host(`a`)'];
  const repos = [2880, 2944, 3008];
  return Array.from({ length: count }, (_, i) => {
    const networkId = repos[i % repos.length] as number;
    const labels: Record<string, string> = { 'rediacc.service_name': `s${i}`, 'rediacc.service_ip': `127.0.${11 + Math.floor((networkId - 2816) / 256)}.${((networkId - 2816) % 256) + 2 + (i % 60)}`, 'traefik.enable': 'true' };
    // A well-formed router and service, then a few random options (names unique per container: repos share nothing).
    Object.assign(labels, { [`traefik.http.routers.c${i}.rule`]: `Host(\`c${i}.example.net\`)`, [`traefik.http.services.c${i}.loadbalancer.server.port`]: '8080' });
    for (let j = 1 + rnd(4); j > 0; j--) {
      const [prefix, path, shape] = pick(all);
      const [section, kind] = prefix.split('.');
      labels[`traefik.${section}.${kind}.c${i}${path}`] = path === '.rule' ? pick(rules) : value(shape);
    }
    return { id: `c${seed}-${i}`, name: `fuzz-${seed}-${i}`, networkId, startedAt: `2026-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`, labels };
  });
}
