import { CloudflareDns } from '../../src/rdc/dns/cloudflare-client.js';
import { marker, planDns, wantedRecords } from '../../src/core/plan/dns-plan.js';
import { CloudflareApi } from '../helpers/cloudflare-api.js';
import { fmt, percentile } from './stats.js';

/** A no-op DNS sync of 200 wanted records (100 hosts × A + AAAA) with the real SDK against the local v4 API. */
export async function dnsBench(): Promise<void> {
  const api = new CloudflareApi();
  const url = await api.start();
  try {
    const zoneId = api.addZone('example.com');
    api.tokens.set('benchToken0123456789', { zones: [zoneId], edit: true });
    const hosts = Array.from({ length: 99 }, (_, i) => `app${i}.example.com`);
    const { wanted } = wantedRecords({ zone: 'example.com', baseDomain: 'example.com', ipv4: '203.0.113.5', ipv6: '2001:db8::5', hosts });
    for (const w of wanted) api.addRecord(zoneId, { ...w, comment: marker('m1') });
    for (let i = 0; i < 300; i++) api.addRecord(zoneId, { type: 'TXT', name: `t${i}.example.com`, content: 'x' });
    const times: number[] = [];
    let requests = 0;
    let writes = 0;
    for (let i = 0; i < 15; i++) {
      const client = new CloudflareDns('benchToken0123456789', { RDC_CLOUDFLARE_BASE_URL: url });
      const before = api.log.length;
      const t0 = performance.now();
      const ops = planDns(wanted, await client.records({ id: zoneId, name: 'example.com' }), 'm1');
      times.push(performance.now() - t0);
      requests = client.requests;
      writes = api.log.slice(before).filter((l) => l.method !== 'GET').length + ops.filter((o) => o.op !== 'keep').length;
    }
    console.log(`\nDNS sync with nothing to change (${wanted.length} wanted records, 500 in the zone, real SDK, local v4 API)`);
    console.log(`  list + plan                       median ${fmt(percentile(times, 50))}   ${requests} request(s), all GET; ${writes} change(s)`);
  } finally {
    await api.stop();
  }
}
