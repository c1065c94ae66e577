import { createSocket, type Socket } from 'node:dgram';

const TYPE_SOA = 6;

export interface ZoneDns {
  /** `127.0.0.1:{port}`, what `--acme-dns-resolvers` is given. */
  address: string;
  /** Questions it answered itself (SOA) and forwarded, as `TYPE name`, for the test's messages. */
  log: string[];
  stop(): Promise<void>;
}

/**
 * The resolver lego is pointed at for DNS-01. lego finds a domain's zone by asking for SOA records
 * label by label until one answers in the ANSWER section; pebble-challtestsrv answers SOA queries
 * with NOTIMP (its SOA only ever goes in the authority section), which lego treats as a hard error.
 * So this answers SOA for `zones` itself (empty NOERROR for other names, so lego walks up) and
 * forwards every other question, unchanged, to challtestsrv: the TXT records lego checks are the
 * very ones Pebble validates.
 */
export async function startZoneDns(zones: string[], upstream: string): Promise<ZoneDns> {
  const [upHost = '', upPort = ''] = [upstream.slice(0, upstream.lastIndexOf(':')), upstream.slice(upstream.lastIndexOf(':') + 1)];
  const apexes = new Set(zones.map((z) => z.toLowerCase().replace(/\.$/, '')));
  const log: string[] = [];
  const server = createSocket('udp4');
  server.on('message', (msg, from) => {
    const q = question(msg);
    if (!q) return;
    log.push(`${q.type === TYPE_SOA ? 'SOA' : `type${q.type}`} ${q.name}`);
    if (q.type === TYPE_SOA) {
      server.send(soaReply(msg, q.end, apexes.has(q.name) ? q.name : undefined), from.port, from.address);
      return;
    }
    const client: Socket = createSocket('udp4');
    const timer = setTimeout(() => client.close(), 3000);
    client.on('message', (reply) => {
      clearTimeout(timer);
      server.send(reply, from.port, from.address);
      client.close();
    });
    client.send(msg, Number(upPort), upHost);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  return {
    address: `127.0.0.1:${server.address().port}`,
    log,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

/** The first question of a query: its name (lower case, no trailing dot), type, and where the question section ends. */
function question(msg: Buffer): { name: string; type: number; end: number } | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i] as number;
    if (len > 63) return undefined; // no compression in a question
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

/** NOERROR, authoritative, the question echoed, and the zone's SOA as the only answer (none for a name that is not an apex). */
function soaReply(query: Buffer, questionEnd: number, apex: string | undefined): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100), 2); // QR, AA, RD as asked
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(apex ? 1 : 0, 6);
  const parts = [header, query.subarray(12, questionEnd)];
  if (apex) {
    const times = Buffer.alloc(20);
    [1, 60, 60, 600, 60].forEach((n, k) => times.writeUInt32BE(n, k * 4));
    const rdata = Buffer.concat([encodeName(`ns.${apex}`), encodeName(`hostmaster.${apex}`), times]);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(TYPE_SOA, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    parts.push(rr, rdata);
  }
  return Buffer.concat(parts);
}

function encodeName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}
