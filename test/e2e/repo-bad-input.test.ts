import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { startRepoBed, type RepoBed } from '../helpers/repo-bed.js';
import { httpGet } from '../helpers/testbed/http.js';

type Config = { contexts: { default: { repositories?: Record<string, { guid: string; networkId: number; credential: string }> } } };

/** Bad input to `rdc repo up`: a clear message, exit 2 (1 for a failing prep()), and the server as it was. */
describe('rdc repo up refuses bad input and leaves the server as it was', () => {
  let bed: RepoBed;
  let good: string;
  const config = () => parse(readFileSync(join(bed.dir, 'config.yaml'), 'utf8')) as Config;
  const volumes = () => readdirSync(join(bed.server.rootPrefix, 'mnt/rediacc/repos')).sort();
  const goodDir = () => join(bed.server.rootPrefix, 'mnt/rediacc/mounts', config().contexts.default.repositories?.good?.guid ?? '-');
  const containers = (id: number) => execFileSync('docker', ['-H', `unix://${bed.server.rootPrefix}/var/run/rediacc/docker-${id}.sock`, 'ps', '-q'], { encoding: 'utf8' }).trim();
  /** A source dir of its own with these files. */
  const source = (name: string, files: Record<string, string>) => {
    const dir = join(bed.dir, 'bad', name);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
  const upNew = async (name: string, dir: string) => {
    const before = volumes();
    const r = await bed.rdc(['repo', 'up', name, '-m', 's1', '--path', dir, '--mount', '--network-id', String(bed.networkId(5))]);
    assert.deepEqual(volumes(), before, 'no volume was created');
    assert.equal(config().contexts.default.repositories?.[name], undefined, 'the config did not record the repo');
    return r;
  };
  const RF = 'up() { renet compose -- up -d; }\n';

  before(async () => {
    bed = await startRepoBed('bad');
    good = bed.exampleSource('good', `good.${bed.domain}`);
    const r = await bed.rdc(['repo', 'up', 'good', '-m', 's1', '--path', good, '--mount', '--network-id', String(bed.networkId(0)), '--size', '128M']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  });

  after(async () => {
    await bed?.stop();
  });

  test('an invalid repo name', async () => {
    const r = await bed.rdc(['repo', 'up', 'My_App', '-m', 's1', '--path', good]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /repo name: .*lower-case/);
  });

  test('no Rediaccfile in the source', async () => {
    const r = await upNew('nofile', source('nofile', { 'compose.yaml': 'services: {}\n' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no Rediaccfile at the root of the source or in a first-level subdirectory/);
  });

  test('a Rediaccfile running renet compose without a compose file', async () => {
    const r = await upNew('nocompose', source('nocompose', { Rediaccfile: RF }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Rediaccfile: runs renet compose, but the root has no compose file/);
  });

  test('a compose file that does not parse', async () => {
    const r = await upNew('badyaml', source('badyaml', { Rediaccfile: RF, 'compose.yaml': 'services:\n  web: [unclosed\n' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /badyaml\/compose\.yaml: does not parse/);
  });

  test('a dangerous setting, named with its service', async () => {
    const r = await upNew('danger', source('danger', { Rediaccfile: RF, 'compose.yaml': 'services:\n  web:\n    image: x\n    pid: host\n' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /compose\.yaml: service web: services\.web\.pid: "host" shares a namespace outside the repo; remove it/);
  });

  test('a 62nd service in one repo', async () => {
    const services = Array.from({ length: 62 }, (_, i) => `  s${String(i).padStart(2, '0')}:\n    image: x\n`).join('');
    const r = await upNew('toomany', source('toomany', { Rediaccfile: RF, 'compose.yaml': `services:\n${services}` }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /service s61: a repo holds at most 61 services/);
  });

  test('a new repo without --mount: exit 2 before anything is created', async () => {
    const before = volumes();
    const r = await bed.rdc(['repo', 'up', 'nomount', '-m', 's1', '--path', good, '--network-id', String(bed.networkId(6))]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Repo nomount does not exist yet: creating it makes a volume, which up must mount\. Nothing was changed\.[\s\S]*rdc repo up nomount --mount/);
    assert.deepEqual(volumes(), before, 'no volume was created');
    assert.equal(config().contexts.default.repositories?.nomount, undefined, 'the config did not record the repo');
  });

  test('a YAML trick is seen through before anything is sent; the word --unsafe in a Rediaccfile changes nothing', async () => {
    const r = await upNew('tricky', source('tricky', {
      Rediaccfile: `# --unsafe\n${RF.replace('up -d', 'up -d # --unsafe')}`,
      'compose.yaml': 'x-bad: &bad {privileged: true}\nservices:\n  web:\n    <<: *bad\n    image: x\n    volumes: ["${R:-/}:/r"]\n',
    }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /compose\.yaml: service web: services\.web\.privileged: gives the container full root on the host; remove it, or run rdc repo up --unsafe/);
    assert.match(r.stderr, /compose\.yaml: service web: services\.web\.volumes\[0\]: \/ is outside the repo/);
    assert.match(r.stderr, /Nothing was sent to the server/);
  });

  test('what only the server sees (an included file) is refused there: exit 2, files put back, containers as they were', async () => {
    const id = bed.networkId(0);
    const running = containers(id);
    const text = readFileSync(join(good, 'compose.yaml'), 'utf8');
    writeFileSync(join(good, 'inc.yaml'), 'services:\n  sneaky:\n    image: x\n    cap_add: [SYS_ADMIN]\n    volumes: ["/:/host"]\n');
    writeFileSync(join(good, 'compose.yaml'), `include: [inc.yaml]\n${text}`);
    const r = await bed.rdc(['repo', 'up', 'good']);
    writeFileSync(join(good, 'compose.yaml'), text);
    rmSync(join(good, 'inc.yaml'));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /compose\.yaml: service sneaky: services\.sneaky\.cap_add\[0\]: "SYS_ADMIN" acts on the host/);
    assert.match(r.stderr, /compose\.yaml: service sneaky: services\.sneaky\.volumes\[0\]: \/ is outside the repo/);
    assert.match(r.stderr, /Nothing was started or changed on the server/);
    assert.equal(containers(id), running);
    assert.equal(readFileSync(join(goodDir(), 'compose.yaml'), 'utf8'), text, 'the synced file was put back');
    assert.ok(!existsSync(join(goodDir(), 'inc.yaml')));
    assert.match((await httpGet(bed.listen, bed.ports.http, '/', `web-${id}.${bed.domain}`)).body, /Hello from rdc's example app/);
  });

  test('a new repo refused by what only the server sees leaves nothing behind', async () => {
    const r = await upNew('sneakynew', source('sneakynew', {
      Rediaccfile: RF, 'compose.yaml': 'include: [inc.yaml]\nservices:\n  web:\n    image: x\n', 'inc.yaml': 'services:\n  x:\n    image: x\n    pid: host\n',
    }));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /service x: services\.x\.pid: "host" shares a namespace outside the repo/);
  });

  test('rdc repo up --unsafe is the one way to allow it, and says so', async () => {
    const dir = source('trusted', {
      Rediaccfile: `${RF}prep() { docker image inspect rdc-bad/bb:1 >/dev/null 2>&1 || { d=$(mktemp -d); mkdir -p $d/bin; cp "$(command -v busybox)" $d/bin/busybox; ln -s busybox $d/bin/sleep; tar -C $d -c . | docker import -c 'ENV PATH=/bin' - rdc-bad/bb:1 >/dev/null; }; }\n`,
      // A host path outside the repo (this test machine cannot start privileged containers).
      'compose.yaml': 'services:\n  agent:\n    image: rdc-bad/bb:1\n    command: ["sleep", "600"]\n    volumes: ["/etc:/host-etc:ro"]\n',
    });
    const r = await bed.rdc(['repo', 'up', 'trusted', '-m', 's1', '--path', dir, '--mount', '--unsafe', '--network-id', String(bed.networkId(7))]);
    assert.equal(r.code, 0, `${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /--unsafe: the compose files of trusted may reach the host/);
    const socket = `unix://${bed.server.rootPrefix}/var/run/rediacc/docker-${bed.networkId(7)}.sock`;
    const agent = execFileSync('docker', ['-H', socket, 'ps', '-q', '--filter', 'label=rediacc.service_name=agent'], { encoding: 'utf8' }).trim();
    assert.equal(execFileSync('docker', ['-H', socket, 'inspect', '--format', '{{range .Mounts}}{{.Source}}{{end}}', agent], { encoding: 'utf8' }).trim(), '/etc');
    const again = await bed.rdc(['repo', 'up', 'trusted']);
    assert.equal(again.code, 2, 'without the flag the same repo is refused');
    assert.match(again.stderr, /services\.agent\.volumes\[0\]: \/etc is outside the repo/);
    assert.equal((await bed.rdc(['repo', 'delete', 'trusted', '--yes'])).code, 0);
  });

  test('a machine without infra', async () => {
    const add = await bed.rdc(['context', 'add-machine', 'bare', '--ip', '127.0.0.1', '--port', String(bed.sshd.port), '--user', 'root', '--ssh-key', bed.sshd.clientKey, '--root-prefix', join(bed.dir, 'bare-root')]);
    assert.equal(add.code, 0, add.stderr);
    const r = await bed.rdc(['repo', 'up', 'x', '-m', 'bare', '--path', good, '--mount']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bare does not run this version of renet \(or none yet\)[\s\S]*push-infra bare/);
    assert.ok(!existsSync(join(bed.dir, 'bare-root/mnt')), 'nothing was created on it');
    assert.equal(config().contexts.default.repositories?.x, undefined);
  });

  test('a bad compose file in a running repo changes nothing there', async () => {
    const id = bed.networkId(0);
    const running = containers(id);
    const text = readFileSync(join(good, 'compose.yaml'), 'utf8');
    writeFileSync(join(good, 'compose.yaml'), 'services: [\n');
    const r = await bed.rdc(['repo', 'up', 'good']);
    writeFileSync(join(good, 'compose.yaml'), text);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Nothing was sent to the server/);
    assert.equal(containers(id), running);
    assert.equal(readFileSync(join(goodDir(), 'compose.yaml'), 'utf8'), text);
  });

  test('a failing prep(): its output shown, nothing else run, the synced files put back', async () => {
    const id = bed.networkId(0);
    const running = containers(id);
    const rediaccfile = readFileSync(join(good, 'Rediaccfile'), 'utf8');
    writeFileSync(join(good, 'Rediaccfile'), rediaccfile.replace('prep() {', 'prep() {\n  echo "boom: the database dump is missing" >&2; return 3'));
    writeFileSync(join(good, 'www/index.html'), 'new page that must not go live\n');
    const r = await bed.rdc(['repo', 'up', 'good']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /in prep\(\): nothing else ran, and the synced files were put back as they were/);
    assert.match(r.stderr, /prep\(\) of Rediaccfile exited 3:\n\s+boom: the database dump is missing/);
    assert.equal(readFileSync(join(goodDir(), 'Rediaccfile'), 'utf8'), rediaccfile);
    assert.match(readFileSync(join(goodDir(), 'www/index.html'), 'utf8'), /Hello from rdc's example app/);
    assert.equal(containers(id), running, 'up() did not run');
    assert.match((await httpGet(bed.listen, bed.ports.http, '/', `web-${id}.${bed.domain}`)).body, /Hello from rdc's example app/);
  });

  test('LUKS: formatted with the credential from stdin and checkable; opening it needs device-mapper', async () => {
    const c = await bed.rdc(['repo', 'create', 'vault', '-m', 's1', '--volume', 'luks', '--size', '64M', '--network-id', String(bed.networkId(9))]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /volume\s+luks \(encrypted image\), not mounted/);
    const repo = config().contexts.default.repositories?.vault as { guid: string; networkId: number; credential: string };
    const image = join(bed.server.rootPrefix, 'mnt/rediacc/repos', `${repo.guid}.img`);
    assert.ok(!c.stdout.includes(repo.credential) && !c.stderr.includes(repo.credential), 'the credential is never printed');
    execFileSync('cryptsetup', ['isLuks', image]);
    assert.match(execFileSync('cryptsetup', ['luksDump', image], { encoding: 'utf8' }), /Version:\s+2/);
    const renet = join(bed.server.rootPrefix, 'opt/rediacc/bin/renet.cjs');
    const checkKey = (credential: string) => JSON.parse(execFileSync(process.execPath, [renet, 'repo', 'check-key'], {
      input: JSON.stringify({ rootPrefix: bed.server.rootPrefix, datastore: '/mnt/rediacc', routerPort: bed.ports.router, name: 'vault', guid: repo.guid, networkId: repo.networkId, volume: 'auto', sizeBytes: 0, credential }),
      encoding: 'utf8',
    })) as { ok: boolean };
    assert.equal(checkKey(repo.credential).ok, true, 'the stored credential opens the key slot');
    assert.equal(checkKey(`${repo.credential}x`).ok, false, 'another one does not');
    const up = await bed.rdc(['repo', 'up', 'vault', '--path', good, '--mount']);
    assert.equal(up.code, 1);
    assert.match(up.stderr, /no device-mapper, so a LUKS volume can be formatted but not opened here/);
    assert.ok(config().contexts.default.repositories?.vault, 'the credential stays in the config');
    const d = await bed.rdc(['repo', 'delete', 'vault', '--yes']);
    assert.equal(d.code, 0, d.stderr);
    assert.ok(!existsSync(image));
  });
});
