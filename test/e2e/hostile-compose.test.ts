import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serviceIp } from '../../src/core/infra/network.js';
import { ROOT } from '../helpers/paths.js';
import { BUSYBOX_IMAGE, importBusybox } from '../helpers/testbed/busybox-image.js';
import { startDockerd, type Dockerd } from '../helpers/testbed/dockerd.js';
import { httpGet } from '../helpers/testbed/http.js';
import { waitFor } from '../helpers/testbed/ports.js';

type Reply = { ok: boolean; steps: { fn: string; status: string; output: string }[] };

/**
 * Hostile compose files against the real thing: renet lifecycle → Rediaccfile → renet compose →
 * `docker compose config` (v2 here, the CLI plugin .ci/setup installs) → a real repo dockerd. Each
 * case must be refused naming the service and the setting with the fix, and leave the repo as it
 * was: the same containers, none privileged or binding a host path, the running service serving.
 */
describe('hostile compose files are refused on the canonical model, and nothing changes', () => {
  const root = mkdtempSync(join(tmpdir(), 'rdc-e2e-hostile-'));
  const repo = join(root, 'repo');
  const id = 2816 + 64 * (7800 + Math.floor(Math.random() * 800));
  let daemon: Dockerd;
  const GOOD = `services:\n  good:\n    image: ${BUSYBOX_IMAGE}\n    init: true\n    environment: { BIND: "\${GOOD_IP}", PORT: "8080", NAME: good }\n    volumes: ["./data:/data"]\n`;
  const RF = '#!/bin/bash\nup() { renet compose -- up -d; }\ndown() { renet compose -- down; }\n';
  /** A `docker` whose `compose` subcommand is missing: renet falls back to compose v1 (`docker-compose`). */
  const noV2 = join(root, 'no-compose-v2');
  let v1 = false;
  const lifecycle = (phase: string): Reply => {
    const input = JSON.stringify({
      repoPath: repo, phase,
      env: { REPOSITORY_NAME: 'hostile', REPOSITORY_PATH: repo, REPOSITORY_NETWORK_ID: String(id), DOCKER_HOST: `unix://${daemon.socket}` },
    });
    try {
      const env = v1 ? { ...process.env, PATH: `${noV2}:${process.env.PATH}` } : process.env;
      return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/renet/renet.cjs'), 'lifecycle'], { input, encoding: 'utf8', env })) as Reply;
    } catch (err) {
      return JSON.parse((err as { stdout: string }).stdout) as Reply;
    }
  };
  const containers = async () => (await daemon.docker('ps', '-aq', '--no-trunc')).trim().split('\n').filter(Boolean).sort();
  /** Every container of the daemon: privileged or not, and its bind sources. */
  const hostReach = async () => {
    const ids = await containers();
    if (!ids.length) return [];
    const out = await daemon.docker('inspect', '--format', '{{.Name}} {{.HostConfig.Privileged}} {{.HostConfig.PidMode}} {{range .Mounts}}{{.Type}}:{{.Source}} {{end}}', ...ids);
    return out.trim().split('\n');
  };

  before(async () => {
    daemon = await startDockerd(join(root, `docker-${id}.sock`), join(root, 'dockerd'));
    await importBusybox(daemon);
    mkdirSync(join(repo, 'data'), { recursive: true });
    writeFileSync(join(repo, 'Rediaccfile'), RF);
    writeFileSync(join(repo, 'compose.yaml'), GOOD);
    // What the hostile cases reach for: a symlink out of the repo, a compose file beside it.
    symlinkSync('/etc', join(repo, 'link'));
    writeFileSync(join(root, 'other-repo.env'), 'SECRET=hunter2\n');
    writeFileSync(join(root, 'outside.yaml'), `services:\n  b:\n    image: ${BUSYBOX_IMAGE}\n    privileged: true\n`);
    mkdirSync(noV2);
    const docker = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    writeFileSync(join(noV2, 'docker'), `#!/bin/sh\n[ "$1" = compose ] && { echo "docker: 'compose' is not a docker command." >&2; exit 1; }\nexec ${docker} "$@"\n`, { mode: 0o755 });
    const r = lifecycle('up');
    assert.equal(r.ok, true, JSON.stringify(r.steps));
  });

  after(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  /** `compose` (with `files` beside it and this Rediaccfile) must be refused with every `expected` message. */
  const hostile = (name: string, compose: string, expected: RegExp[], files: Record<string, string> = {}, rediaccfile = RF, head = '', links: Record<string, string> = {}) => {
    test(name, async () => {
      const before = await containers();
      const reachBefore = await hostReach();
      for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
      for (const [path, target] of Object.entries(links)) symlinkSync(target, join(repo, path));
      writeFileSync(join(repo, 'compose.yaml'), `${head}${GOOD}  evil:\n    image: ${BUSYBOX_IMAGE}\n${compose}`);
      writeFileSync(join(repo, 'Rediaccfile'), rediaccfile);
      let r: Reply;
      try {
        r = lifecycle('up');
      } finally {
        writeFileSync(join(repo, 'compose.yaml'), GOOD);
        writeFileSync(join(repo, 'Rediaccfile'), RF);
        for (const path of [...Object.keys(files), ...Object.keys(links)]) rmSync(join(repo, path), { force: true });
      }
      assert.equal(r.ok, false, 'refused');
      const output = r.steps.find((s) => s.fn === 'up')?.output ?? '';
      for (const e of expected) assert.match(output, e);
      assert.match(output, /refused; nothing was started or changed|renet compose --unsafe: unsafe is decided for the whole repo|no lifecycle session here/);
      assert.deepEqual(await containers(), before, 'no container was created or replaced');
      assert.deepEqual(await hostReach(), reachBefore);
      for (const line of await hostReach()) {
        assert.match(line, / false /, `not privileged: ${line}`);
        for (const m of line.split(' ').filter((x) => x.startsWith('bind:'))) assert.ok(m.slice(5).startsWith(`${repo}/`), `bind inside the repo: ${m}`);
      }
      assert.match((await httpGet(serviceIp(id, 0), 8080, '/')).body, /hello from good/, 'the running service keeps serving');
    });
  };
  const fix = (setting: string, problem: string) => new RegExp(`service evil: services\\.evil\\.${setting}: ${problem}.*; (remove|bind|use|keep)[^\\n]*, or run rdc repo up --unsafe`);

  hostile('a YAML merge key carrying privileged and pid: host', '    <<: *bad\n',
    [fix('privileged', 'gives the container full root'), fix('pid', '"host" shares a namespace outside the repo')], {}, RF, 'x-bad: &bad\n  privileged: true\n  pid: host\n');
  hostile('privileged: ${P:-true}', '    privileged: ${P:-true}\n', [fix('privileged', 'gives')]);
  hostile('privileged from .env', '    privileged: ${P}\n', [fix('privileged', 'gives')], { '.env': 'P=true\n' });
  hostile('privileged from a variable the Rediaccfile exports', '    privileged: ${P:-false}\n', [fix('privileged', 'gives')], {}, RF.replace('up() {', 'up() { export P=true;'));
  hostile('a bind of ../../../..', '    volumes: ["../../../../../../..:/h"]\n', [fix('volumes\\[0\\]', '/ is outside the repo')]);
  hostile('a bind of ${R:-/}', '    volumes: ["${R:-/}:/r"]\n', [fix('volumes\\[0\\]', '/ is outside the repo')]);
  hostile('a bind of ~/.ssh', '    volumes: ["~/.ssh:/s"]\n', [fix('volumes\\[0\\]', '/root/\\.ssh is outside the repo')]);
  hostile('the Docker socket', '    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]\n', [fix('volumes\\[0\\]', '/var/run/docker\\.sock.* is outside')]);
  hostile('a bind through a symlink pointing out', '    volumes: ["./link:/e"]\n', [fix('volumes\\[0\\]', '.*/link \\(a symlink to /etc\\) is outside')]);
  hostile('a bind of the repo root (the daemon\'s state is in it)', '    volumes: [".:/repo"]\n', [fix('volumes\\[0\\]', ".* is the repo's root")]);
  hostile('a bind below another service\'s writable bind (it could swap a part for a symlink to /)', '    depends_on: {good: {condition: service_started}}\n    volumes: ["./data/evil/etc:/x", {type: bind, source: ./data/e2, target: /y, bind: {create_host_path: true}}]\n',
    [fix('volumes\\[0\\]', '.*/data/evil/etc lies inside .*/data, which services\\.good\\.volumes\\[0\\] binds writable'), fix('volumes\\[1\\]', '.*/data/e2 lies inside')]);
  hostile('a secret file below a writable bind', '    secrets: [s]\nsecrets:\n  s: {file: ./data/s}\n', [/secrets\.s\.file: .*\/data\/s lies inside .*\/data, which services\.good\.volumes\[0\] binds writable/]);
  hostile('a named volume binding / through driver_opts', '    volumes: ["root:/r"]\nvolumes:\n  root:\n    driver_opts: {o: bind, device: /, type: none}\n',
    [/compose\.yaml: volumes\.root\.driver_opts: driver options mount host paths or devices/]);
  hostile('extends from another file', '    extends: {file: base.yaml, service: b}\n', [fix('privileged', 'gives')], { 'base.yaml': `services:\n  b:\n    image: ${BUSYBOX_IMAGE}\n    privileged: true\n` });
  hostile('include of a file with cap_add: SYS_ADMIN', 'include: [inc.yaml]\n', [/service inc: services\.inc\.cap_add\[0\]: "SYS_ADMIN" acts on the host/], { 'inc.yaml': `services:\n  inc:\n    image: ${BUSYBOX_IMAGE}\n    cap_add: [SYS_ADMIN]\n` });
  hostile('extends from a file outside the repo is not even read', '    extends: {file: ../outside.yaml, service: b}\n', [/services\.evil\.extends\.file: .*outside\.yaml is outside the repo/]);
  hostile('a .env that is a symlink to another repo\'s secrets is not even read', '    environment: {STOLEN: "${SECRET}"}\n', [/compose\.yaml: \.env: .*\(a symlink to .*other-repo\.env\) is outside the repo/], {}, RF, '', { '.env': '../other-repo.env' });
  hostile('env_file of a host file is not even read', '    env_file: [/etc/hostname]\n', [/services\.evil\.env_file\[0\]: \/etc\/hostname is outside the repo/]);
  hostile('security_opt apparmor=unconfined, seccomp=unconfined', '    security_opt: ["apparmor=unconfined", "seccomp=unconfined"]\n',
    [fix('security_opt\\[0\\]', '"apparmor=unconfined" loosens'), fix('security_opt\\[1\\]', '"seccomp=unconfined" loosens')]);
  hostile('sysctls of the host', '    sysctls: {net.ipv4.ip_forward: 1, kernel.core_pattern: "|/tmp/x"}\n', [fix('sysctls\\.net\\.ipv4\\.ip_forward', ''), fix('sysctls\\.kernel\\.core_pattern', '')]);
  hostile('cap_add: DAC_READ_SEARCH', '    cap_add: [DAC_READ_SEARCH]\n', [fix('cap_add\\[0\\]', '"DAC_READ_SEARCH" acts on the host')]);
  hostile('devices', '    devices: ["/dev/null:/dev/x"]\n', [fix('devices', 'gives the container host devices')]);
  hostile('a secret read from /etc/shadow', '    secrets: [s]\nsecrets:\n  s: {file: /etc/shadow}\n', [/compose\.yaml: secrets\.s\.file: \/etc\/shadow is outside the repo/]);
  hostile('use_api_socket', '    use_api_socket: true\n', [fix('use_api_socket', 'mounts a Docker API socket')]);
  hostile('a service hidden behind a profile', '    profiles: [later]\n    privileged: true\n', [fix('privileged', 'gives')]);
  hostile('a second YAML document', `---\nservices:\n  evil:\n    image: ${BUSYBOX_IMAGE}\n    pid: host\n`, [fix('pid', '"host"')]);
  hostile('ipc, uts, userns and cgroup of the host', '    ipc: host\n    uts: host\n    userns_mode: host\n    cgroup: host\n', [fix('ipc', ''), fix('uts', ''), fix('userns_mode', ''), fix('cgroup', '')]);
  hostile('compose -f of another file', '', [/renet compose: "-f": renet compose chooses the compose file/], { 'evil.yml': 'services:\n  x:\n    image: x\n    privileged: true\n' }, RF.replace('renet compose -- up -d', 'renet compose -- -f evil.yml up -d'));
  hostile('compose run -v /:/h', '', [/renet compose: run "-v": mounts a host path/], {}, RF.replace('renet compose -- up -d', 'renet compose -- run -v /:/h good true'));
  hostile('renet compose --unsafe in a Rediaccfile', '    privileged: true\n', [/renet compose --unsafe: unsafe is decided for the whole repo, never by a file; run rdc repo up NAME --unsafe/], {}, RF.replace('renet compose -- up -d', 'renet compose --unsafe -- up -d'));
  hostile('a self-made lifecycle session', '    privileged: true\n', [/no lifecycle session here/], {}, RF.replace('renet compose -- up -d', `RENET_LIFECYCLE_SESSION=${'0'.repeat(64)} renet compose -- up -d`));
  hostile('REPOSITORY_PATH=/ exported by the Rediaccfile', '    volumes: ["/etc:/e"]\n', [fix('volumes\\[0\\]', '/etc is outside the repo \\(.*/repo\\)')], {}, RF.replace('renet compose -- up -d', 'REPOSITORY_PATH=/ renet compose -- up -d'));

  test('DOCKER_HOST exported by the Rediaccfile does not move compose off the repo\'s daemon', async () => {
    writeFileSync(join(repo, 'Rediaccfile'), RF.replace('renet compose -- up -d', 'DOCKER_HOST=unix:///nonexistent/docker.sock renet compose -- up -d'));
    try {
      const r = lifecycle('up');
      assert.equal(r.ok, true, JSON.stringify(r.steps));
    } finally {
      writeFileSync(join(repo, 'Rediaccfile'), RF);
    }
    assert.match((await httpGet(serviceIp(id, 0), 8080, '/')).body, /hello from good/);
  });

  describe('with compose v1 (the fallback where the v2 plugin is missing)', () => {
    before(() => {
      v1 = true;
    });
    after(() => {
      v1 = false;
    });
    hostile('v1: a YAML merge key carrying privileged', '    <<: *bad\n', [fix('privileged', 'gives')], {}, RF, 'x-bad: &bad\n  privileged: true\n');
    hostile('v1: a bind of ${R:-/} and ../../..', '    volumes: ["${R:-/}:/r", "../../../../../../..:/h"]\n', [fix('volumes\\[0\\]', '/ is outside'), fix('volumes\\[1\\]', '/ is outside')]);
    hostile('v1: extends from another file', '    extends: {file: base.yaml, service: b}\n', [fix('cap_add\\[0\\]', '"NET_ADMIN"')], { 'base.yaml': `services:\n  b:\n    image: ${BUSYBOX_IMAGE}\n    cap_add: [NET_ADMIN]\n` });
    test('v1: a sound compose file runs', () => {
      const r = lifecycle('up');
      assert.equal(r.ok, true, JSON.stringify(r.steps));
      assert.match(r.steps.find((s) => s.fn === 'up')?.output ?? '', /hostile-good-1 \.\.\. done/, 'v1 (its own progress lines) ran it');
    });
  });

  test('down acts on the model last checked when the file now reads another repo\'s secrets, and quotes none of them', async () => {
    writeFileSync(join(repo, 'compose.yaml'), `${GOOD}    env_file: [../other-repo.env]\n`);
    const down = lifecycle('down');
    writeFileSync(join(repo, 'compose.yaml'), GOOD);
    assert.equal(down.ok, true, JSON.stringify(down.steps));
    const output = down.steps.map((s) => s.output).join('\n');
    assert.match(output, /runs on the model last checked/);
    assert.doesNotMatch(output, /hunter2/);
    assert.deepEqual(await containers(), []);
    const up = lifecycle('up');
    assert.equal(up.ok, true, JSON.stringify(up.steps));
  });

  test('a sound change still goes through (the policy does not stop ordinary apps)', async () => {
    writeFileSync(join(repo, 'compose.yaml'), `${GOOD}  fine:\n    image: ${BUSYBOX_IMAGE}\n    init: true\n    cap_add: [NET_BIND_SERVICE]\n    security_opt: ["no-new-privileges:true"]\n    sysctls: {kernel.shmmax: 100000000}\n    environment: { BIND: "\${FINE_IP}", PORT: "8081", NAME: fine }\n    volumes: ["./data:/data", "cache:/cache", {type: tmpfs, target: /tmp}]\nvolumes:\n  cache: {}\n`);
    const r = lifecycle('up');
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    // Compose returns once the container runs; its shell still has to exec httpd.
    assert.match((await waitFor('fine on its own address', () => httpGet(serviceIp(id, 1), 8081, '/'), 10_000, 50)).body, /hello from fine/);
  });

  test('compose\'s own tags (!reset, !override) run without a YAML warning in the output', () => {
    writeFileSync(join(repo, 'compose.yaml'), GOOD.replace('    init: true\n', '    init: true\n    cap_drop: !reset []\n    labels: !override {a: "1"}\n'));
    try {
      const r = lifecycle('up');
      assert.equal(r.ok, true, JSON.stringify(r.steps));
      assert.doesNotMatch(r.steps.map((s) => s.output).join('\n'), /YAMLWarning|TAG_RESOLVE_FAILED|Unresolved tag/);
    } finally {
      writeFileSync(join(repo, 'compose.yaml'), GOOD);
    }
  });
  test('a bind below a writable bind of a service the repo still runs from an earlier model is refused; once it is gone, narrowing a bind works', () => {
    const orphan = `  orphan:\n    image: ${BUSYBOX_IMAGE}\n    init: true\n    environment: { BIND: "\${ORPHAN_IP}", PORT: "8082", NAME: orphan }\n    volumes: ["./data:/data"]\n`;
    const narrowed = GOOD.replace('./data:/data', './data/inner:/data');
    try {
      writeFileSync(join(repo, 'compose.yaml'), `${GOOD}${orphan}`);
      assert.equal(lifecycle('up').ok, true);
      writeFileSync(join(repo, 'compose.yaml'), narrowed);
      const refused = lifecycle('up');
      assert.equal(refused.ok, false, 'the orphan (still running, binding ./data) could swap data/inner for a symlink');
      assert.match(refused.steps.find((s) => s.fn === 'up')?.output ?? '', /services\.good\.volumes\[0\]: .*\/data\/inner lies inside .*\/data, which services\.orphan\.volumes\[0\] \(of a model the repo runs\) binds writable/);
      writeFileSync(join(repo, 'compose.yaml'), GOOD);
      writeFileSync(join(repo, 'Rediaccfile'), RF.replace('renet compose -- up -d', 'renet compose -- up -d --remove-orphans'));
      assert.equal(lifecycle('up').ok, true);
      writeFileSync(join(repo, 'Rediaccfile'), RF);
      writeFileSync(join(repo, 'compose.yaml'), narrowed);
      const narrowedUp = lifecycle('up');
      assert.equal(narrowedUp.ok, true, `good's own earlier bind of ./data does not count (compose recreates it): ${JSON.stringify(narrowedUp.steps)}`);
    } finally {
      writeFileSync(join(repo, 'Rediaccfile'), RF);
      writeFileSync(join(repo, 'compose.yaml'), GOOD);
    }
    assert.equal(lifecycle('up').ok, true);
  });
  test('the lifecycle session\'s token never reaches a container through the compose model (compose interpolates without it)', async () => {
    writeFileSync(join(repo, 'compose.yaml'), GOOD.replace('NAME: good }', 'NAME: good, TOKEN: "${RENET_LIFECYCLE_SESSION:-none}" }'));
    try {
      const r = lifecycle('up');
      assert.equal(r.ok, true, JSON.stringify(r.steps));
      const env = await daemon.docker('inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', ...(await containers()));
      assert.match(env, /^TOKEN=none$/m);
      assert.doesNotMatch(env, /[0-9a-f]{64}/);
    } finally {
      writeFileSync(join(repo, 'compose.yaml'), GOOD);
    }
    assert.equal(lifecycle('up').ok, true);
  });

  test('an unchanged up reuses the kept verdict, but not once a path it resolved leads elsewhere: a bind source swapped for a symlink to /', async () => {
    const out = join(repo, '.rediacc/compose/hostile.yml');
    mkdirSync(join(repo, 'kept'));
    writeFileSync(join(repo, 'compose.yaml'), `${GOOD}  keep:\n    image: ${BUSYBOX_IMAGE}\n    init: true\n    command: ["sleep", "600"]\n    volumes: ["./kept:/k"]\n`);
    try {
      // The first up gives keep its slot; the second runs with that slot recorded and keeps its verdict.
      for (const _ of [1, 2]) {
        const r = lifecycle('up');
        assert.equal(r.ok, true, JSON.stringify(r.steps));
      }
      const written = statSync(out).mtimeMs;
      const again = lifecycle('up');
      assert.equal(again.ok, true, JSON.stringify(again.steps));
      assert.equal(statSync(out).mtimeMs, written, 'nothing changed: the model is not checked and written again');
      rmSync(join(repo, 'kept'), { recursive: true });
      symlinkSync('/', join(repo, 'kept'));
      const swapped = lifecycle('up');
      assert.equal(swapped.ok, false, 'no file changed, but the bind now leads to /');
      assert.match(swapped.steps.find((s) => s.fn === 'up')?.output ?? '', /services\.keep\.volumes\[0\]: .*kept \(a symlink to \/\) is outside the repo/);
    } finally {
      await daemon.docker('rm', '-f', 'hostile-keep-1').catch(() => undefined);
      rmSync(join(repo, 'kept'), { recursive: true, force: true });
      writeFileSync(join(repo, 'compose.yaml'), GOOD);
    }
    assert.equal(lifecycle('up').ok, true);
  });

  test('an up after an edit of .env or an env_file only runs the new values (the kept verdict follows every file compose reads)', async () => {
    const envOf = async () => (await daemon.docker('inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', 'hostile-good-1'));
    writeFileSync(join(repo, 'compose.yaml'), GOOD.replace('NAME: good }', 'NAME: good, X: "${X:-unset}" }\n    env_file: [./app.env]'));
    writeFileSync(join(repo, '.env'), 'X=one\n');
    writeFileSync(join(repo, 'app.env'), 'Y=one\n');
    try {
      assert.equal(lifecycle('up').ok, true);
      const first = await envOf();
      assert.match(first, /^X=one$/m);
      assert.match(first, /^Y=one$/m);
      writeFileSync(join(repo, '.env'), 'X=two\n');
      assert.equal(lifecycle('up').ok, true);
      assert.match(await envOf(), /^X=two$/m);
      writeFileSync(join(repo, 'app.env'), 'Y=two\n');
      assert.equal(lifecycle('up').ok, true);
      const env = await envOf();
      assert.match(env, /^X=two$/m);
      assert.match(env, /^Y=two$/m);
    } finally {
      writeFileSync(join(repo, 'compose.yaml'), GOOD);
      rmSync(join(repo, '.env'), { force: true });
      rmSync(join(repo, 'app.env'), { force: true });
    }
    assert.equal(lifecycle('up').ok, true);
  });
});
