import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../paths.js';
import { tcpRequest } from '../repo-bed.js';
import { runCli, type CliResult } from '../run-cli.js';
import { httpGet, type HttpResult } from '../testbed/http.js';
import { waitFor } from '../testbed/ports.js';
import type { HostUser } from './disk.js';
import { bootHost, type RealHost } from './host.js';
import type { Variant } from './recipe.js';

export interface RealSession {
  host: RealHost;
  dir: string;
  /** rdc in-process with this session's own config file (never the user's). */
  rdc(args: string[], opts?: { stdin?: string; cwd?: string }): Promise<CliResult>;
  /** The same, failing the test with stdout and stderr unless it exits 0. */
  ok(args: string[], opts?: { stdin?: string; cwd?: string }): Promise<CliResult>;
  /** `rdc context add-machine NAME` for this host as `user` (pins its key). */
  addMachine(name: string, user: HostUser): Promise<CliResult>;
  /** A copy of templates/example-app with its own APP_HOST. */
  exampleSource(name: string, appHost: string): string;
  /** GET / on the host's port 80 with this Host header, once it answers 200 (after a reboot, a push…). */
  answering(hostHeader: string, timeoutMs?: number): Promise<HttpResult>;
  /**
   * What a TCP entrypoint on the host says to `send`, once it matches `expect`: a Traefik that just
   * started accepts on the port before its routes arrive from the route server (it answers 404).
   */
  tcpAnswer(port: number, send: string, expect: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** A booted host plus an rdc config of its own: what each real-server suite starts in `before`. */
export async function startRealSession(label: string, opts: { variant?: Variant; aptProxy?: boolean } = {}): Promise<RealSession> {
  const host = await bootHost(opts);
  const dir = mkdtempSync(join(tmpdir(), `rdc-real-${label}-`));
  const env = { RDC_CONFIG: join(dir, 'config.yaml'), HOME: '/nonexistent-home' };
  const rdc = (args: string[], o: { stdin?: string; cwd?: string } = {}) => runCli(args, { env, stdin: o.stdin, cwd: o.cwd ?? dir });
  const ok = async (args: string[], o: { stdin?: string; cwd?: string } = {}) => {
    const r = await rdc(args, o);
    assert.equal(r.code, 0, `rdc ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  return {
    host, dir, rdc, ok,
    addMachine: (name, user) => ok(['context', 'add-machine', name, '--ip', host.address, '--user', user, '--ssh-key', host.clientKey]),
    exampleSource(name, appHost) {
      const src = join(dir, 'src', name);
      cpSync(join(ROOT, 'templates/example-app'), src, { recursive: true });
      writeFileSync(join(src, '.env'), `APP_HOST=${appHost}\n`);
      return src;
    },
    answering: (hostHeader, timeoutMs = 60_000) => waitFor(`http://${hostHeader}/ at ${host.address} answering 200`, async () => {
      const r = await httpGet(host.address, 80, '/', hostHeader).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, timeoutMs, 200),
    tcpAnswer: (port, send, expect, timeoutMs = 60_000) => waitFor(`tcp ${host.address}:${port} answering ${expect}`, async () => {
      const r = await tcpRequest(host.address, port, send);
      if (!expect.test(r)) throw new Error(`it said ${JSON.stringify(r.slice(0, 200))}`);
      return r;
    }, timeoutMs, 200),
    async stop() {
      try {
        await host.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
