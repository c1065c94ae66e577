import Cloudflare from 'cloudflare';
import { RdcError, UserError } from '../../core/errors.js';
import type { ExistingRecord, WantedRecord } from '../../core/plan/dns-plan.js';

type Page<T> = { result: T[]; result_info?: { page?: number; total_pages?: number }; hasNextPage(): boolean; getNextPage(): Promise<Page<T>> };

/**
 * The only module that imports the Cloudflare SDK. RDC_CLOUDFLARE_BASE_URL points it at another
 * server (the tests' local API). The token lives in the SDK client and is never printed; every SDK
 * error is translated here into a message with the fix.
 */
export class CloudflareDns {
  /** HTTP requests made (the benchmark reports it; a sync with nothing to do only lists). */
  requests = 0;
  readonly #cf: Cloudflare;

  constructor(token: string, env: Record<string, string | undefined>) {
    this.#cf = new Cloudflare({
      apiToken: token,
      baseURL: env.RDC_CLOUDFLARE_BASE_URL || 'https://api.cloudflare.com/client/v4',
      // The SDK retries 429 and 5xx with exponential backoff, honouring Retry-After.
      maxRetries: Number(env.RDC_CLOUDFLARE_MAX_RETRIES ?? 4),
      timeout: 20_000,
      fetch: (url, init) => {
        this.requests++;
        return fetch(url, init);
      },
    });
  }

  zones(): Promise<{ id: string; name: string }[]> {
    return translate('list the zones', async () => (await all(this.#cf.zones.list({ per_page: 50 }) as unknown as Promise<Page<{ id: string; name: string }>>)).map((z) => ({ id: z.id, name: z.name })));
  }

  records(zone: { id: string; name: string }): Promise<ExistingRecord[]> {
    return translate(`list the DNS records of ${zone.name}`, async () => {
      const list = this.#cf.dns.records.list({ zone_id: zone.id, per_page: 500 }) as unknown as Promise<Page<{ id: string; type: string; name: string; content?: string; comment?: string | null }>>;
      return (await all(list)).map((r) => ({ id: r.id, type: r.type, name: r.name, content: r.content ?? '', comment: r.comment ?? null }));
    }, zone.name);
  }

  create(zone: { id: string; name: string }, r: WantedRecord, comment: string): Promise<unknown> {
    return translate(`create ${r.type} ${r.name}`, () => this.#cf.dns.records.create({ zone_id: zone.id, type: r.type, name: r.name, content: r.content, ttl: 1, proxied: false, comment }), zone.name);
  }

  update(zone: { id: string; name: string }, id: string, r: WantedRecord, comment: string): Promise<unknown> {
    return translate(`update ${r.type} ${r.name}`, () => this.#cf.dns.records.update(id, { zone_id: zone.id, type: r.type, name: r.name, content: r.content, ttl: 1, proxied: false, comment }), zone.name);
  }

  delete(zone: { id: string; name: string }, id: string, name: string): Promise<unknown> {
    return translate(`delete ${name}`, () => this.#cf.dns.records.delete(id, { zone_id: zone.id }), zone.name);
  }
}

/** Every item of a paged listing, stopping at the last page the API announces. */
async function all<T>(first: Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let page = await first;
  for (;;) {
    items.push(...page.result);
    const info = page.result_info ?? {};
    if (!page.result.length || (info.page !== undefined && info.total_pages !== undefined && info.page >= info.total_pages) || !page.hasNextPage()) return items;
    page = await page.getNextPage();
  }
}

async function translate<T>(what: string, work: () => Promise<T>, zone?: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Cloudflare.AuthenticationError) {
      throw new UserError(`Cloudflare refused the DNS token (to ${what}): it is invalid or expired.`, { hint: 'Create an API token with Zone:DNS:Edit for your zone, then: rdc context set-infra MACHINE --cf-dns-token -' });
    }
    if (err instanceof Cloudflare.PermissionDeniedError) {
      throw new UserError(`The DNS token may not ${what}${zone ? ` in zone ${zone}` : ''}.`, { hint: `Give the token the permission Zone:DNS:Edit${zone ? ` on ${zone}` : ''} (and Zone:Read to find the zone).` });
    }
    if (err instanceof Cloudflare.NotFoundError && zone) {
      throw new UserError(`Zone ${zone} is not visible to the DNS token (to ${what}).`, { hint: `Give the token access to ${zone} (Zone:Read and Zone:DNS:Edit).` });
    }
    if (err instanceof Cloudflare.RateLimitError) {
      throw new RdcError(`Cloudflare kept rate-limiting the requests (to ${what}), even after retrying with backoff.`, { hint: 'Wait a minute and run the command again.' });
    }
    if (err instanceof Cloudflare.APIConnectionError) {
      throw new RdcError(`Cannot reach the Cloudflare API (to ${what}): ${(err.cause as Error | undefined)?.message ?? err.message}.`, { hint: 'Check the network (or RDC_CLOUDFLARE_BASE_URL).' });
    }
    if (err instanceof Cloudflare.APIError) {
      const messages = ((err.errors ?? []) as { message?: string }[]).map((e) => e.message).filter(Boolean).join('; ');
      throw new RdcError(`Cloudflare answered ${err.status ?? 'an error'} to ${what}: ${messages || err.message}`);
    }
    throw err;
  }
}
