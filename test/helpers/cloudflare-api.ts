import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';

/** A DNS record as the v4 API stores and returns it. */
export interface ApiRecord {
  id: string; zone_id: string; zone_name: string; name: string; type: string; content: string;
  ttl: number; proxied: boolean; proxiable: boolean; comment: string | null; tags: string[]; created_on: string; modified_on: string;
}

export interface TokenRights {
  /** Zone ids the token can see (Zone:Read). */
  zones: string[];
  /** Whether it may change DNS records (Zone:DNS:Edit). */
  edit: boolean;
}

/**
 * The one stand-in of the suite (TESTING.md): a local server speaking the Cloudflare v4 endpoints
 * rdc uses — zones list, dns_records list/create/update/delete — with the documented envelope
 * `{success, errors, messages, result, result_info}`, page-number pagination, bearer-token auth,
 * and error envelopes (401 auth, 403 permission, 404 unknown zone, 429 rate limit, 400 record rules).
 */
export class CloudflareApi {
  readonly zones = new Map<string, { id: string; name: string }>();
  readonly records = new Map<string, ApiRecord>();
  readonly tokens = new Map<string, TokenRights>();
  readonly log: { method: string; path: string }[] = [];
  /** The next N requests get 429 (with Retry-After: 0), as rate limiting does. */
  rateLimitNext = 0;
  /**
   * Called with every TXT record created (`set`) or deleted (`delete`), before the API answers:
   * the DNS-01 tests copy them to pebble-challtestsrv, so the CA sees what lego "published".
   */
  onTxt: ((event: 'set' | 'delete', record: ApiRecord) => Promise<void>) | undefined;
  #server: Server | undefined;
  url = '';

  addZone(name: string): string {
    const id = randomBytes(16).toString('hex');
    this.zones.set(id, { id, name });
    return id;
  }

  addRecord(zoneId: string, r: { name: string; type: string; content: string; comment?: string | null }): ApiRecord {
    const now = new Date().toISOString();
    const record: ApiRecord = { id: randomBytes(16).toString('hex'), zone_id: zoneId, zone_name: this.zones.get(zoneId)?.name ?? '', ttl: 1, proxied: false, proxiable: true, tags: [], created_on: now, modified_on: now, comment: null, ...r };
    this.records.set(record.id, record);
    return record;
  }

  /** Plain HTTP for rdc's own client; with `tls` (a certificate for 127.0.0.1) HTTPS, as lego reaches api.cloudflare.com. */
  async start(opts: { tls?: { cert: Buffer; key: Buffer } } = {}): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    this.#server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createServer(handler);
    await new Promise<void>((r) => this.#server?.listen(0, '127.0.0.1', () => r()));
    const { port } = this.#server.address() as { port: number };
    this.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/client/v4`;
    return this.url;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/client\/v4/, '');
    this.log.push({ method: req.method ?? '', path });
    const send = (status: number, body: object, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: number, message: string, headers?: Record<string, string>) => send(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return fail(429, 10000, 'Rate limited. Please wait and consider throttling your request speed', { 'retry-after': '0' });
    }
    const rights = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!rights) return fail(401, 10000, 'Authentication error');
    const body = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH' ? await readJson(req) : {};
    const page = <T>(items: T[]) => {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), 5000);
      const p = Number(url.searchParams.get('page') ?? 1);
      const slice = items.slice((p - 1) * perPage, p * perPage);
      send(200, { success: true, errors: [], messages: [], result: slice, result_info: { page: p, per_page: perPage, count: slice.length, total_count: items.length, total_pages: Math.max(1, Math.ceil(items.length / perPage)) } });
    };

    if (req.method === 'GET' && path === '/zones') {
      const name = url.searchParams.get('name');
      return page([...this.zones.values()].filter((z) => rights.zones.includes(z.id) && (!name || z.name === name)).map((z) => ({ ...z, status: 'active' })));
    }
    const m = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
    const zone = m ? this.zones.get(m[1] as string) : undefined;
    if (!m || !zone || !rights.zones.includes(zone.id)) return fail(404, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`);
    const recordId = m[2];
    if (req.method === 'GET' && !recordId) {
      const name = url.searchParams.get('name');
      const type = url.searchParams.get('type');
      return page([...this.records.values()].filter((r) => r.zone_id === zone.id && (!name || r.name === name) && (!type || r.type === type)));
    }
    if (!rights.edit) return fail(403, 10000, 'Authentication error');
    if (req.method === 'DELETE' && recordId) {
      const gone = this.records.get(recordId);
      if (!gone || !this.records.delete(recordId)) return fail(404, 81044, 'Record does not exist.');
      if (gone.type === 'TXT') await this.onTxt?.('delete', gone);
      return send(200, { success: true, errors: [], messages: [], result: { id: recordId } });
    }
    if ((req.method === 'POST' && !recordId) || (req.method === 'PUT' && recordId)) {
      const b = body as { type?: string; name?: string; content?: string; comment?: string | null };
      if ((b.type === 'A' && isIP(b.content ?? '') !== 4) || (b.type === 'AAAA' && isIP(b.content ?? '') !== 6)) return fail(400, 9005, 'Content for A record must be a valid IPv4 address.');
      const others = [...this.records.values()].filter((r) => r.zone_id === zone.id && r.name === b.name && r.id !== recordId);
      if (others.some((r) => r.type === 'CNAME')) return fail(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
      if (others.some((r) => r.type === b.type && r.content === b.content)) return fail(400, 81058, 'An identical record already exists.');
      if (recordId && !this.records.has(recordId)) return fail(404, 81044, 'Record does not exist.');
      const record = recordId
        ? Object.assign(this.records.get(recordId) as ApiRecord, { ...b, modified_on: new Date().toISOString() })
        : this.addRecord(zone.id, { name: b.name ?? '', type: b.type ?? '', content: b.content ?? '', comment: b.comment ?? null });
      if (record.type === 'TXT') await this.onTxt?.('set', record);
      return send(200, { success: true, errors: [], messages: [], result: record });
    }
    return fail(405, 10000, 'Method not allowed');
  }
}

function readJson(req: IncomingMessage): Promise<object> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve(text ? (JSON.parse(text) as object) : {}));
  });
}
