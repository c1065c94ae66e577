import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importImagesCommand } from '../helpers/real-server/images.js';
import { startRealSession, type RealSession } from '../helpers/real-server/index.js';

interface SetupJson {
  installed: string[];
  wouldInstall: string[];
  steps: { component: string; status: string; detail: string }[];
}

/**
 * `rdc machine setup` as `deploy` on a bare Debian 12 server (no docker, compose or node; apt
 * reaches Debian only through the test side's apt-cacher-ng): an unknown OS is refused with
 * nothing installed, an apt failure names the package and apt's words, then it installs
 * docker.io, docker-compose (v1: Debian 12 has no compose v2 package) and nodejs (18), and a
 * second run installs nothing.
 */
describe('machine setup on a bare server, as deploy', () => {
  let s: RealSession;
  /** Every installed package with its version, and apt's history: what "nothing installed" compares. */
  const installedState = async () => s.host.sh("dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' | sha256sum; cat /var/log/apt/history.log 2>/dev/null | sha256sum");
  const has = async (pkg: string) => (await s.host.ssh('root', `dpkg-query -W -f '\${db:Status-Abbrev}' ${pkg} 2>/dev/null`)).stdout.startsWith('ii');

  before(async () => {
    s = await startRealSession('setup', { variant: 'bare', aptProxy: true });
    await s.addMachine('bare', 'deploy');
  });
  after(async () => s?.stop());

  test('the host is bare: no docker, compose or node', async () => {
    for (const pkg of ['docker.io', 'docker-compose', 'nodejs']) assert.equal(await has(pkg), false, pkg);
    const r = await s.rdc(['--json', 'machine', 'setup', 'bare', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as SetupJson).wouldInstall, ['docker.io', 'docker-compose', 'nodejs']);
  });

  test('an unknown, non-Debian OS: a polite refusal that names it, nothing installed, no directory made', async () => {
    const state = await installedState();
    // The server's own file says what it is: replace it (a symlink into /usr/lib), put it back after.
    await s.host.sh(`rm /etc/os-release && printf 'ID=plan9\\nPRETTY_NAME="Plan 9 from Bell Labs"\\n' > /etc/os-release`);
    try {
      const r = await s.rdc(['machine', 'setup', 'bare']);
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /Plan 9 from Bell Labs is not a system rdc installs packages on \(Debian and Ubuntu are\)\. Install docker, compose, Node\.js >= 18 yourself/);
      assert.equal(await installedState(), state, 'nothing was installed, apt never ran');
      assert.equal((await s.host.ssh('root', 'test -e /opt/rediacc')).code, 1, 'no server directory was made');
    } finally {
      await s.host.sh('ln -sfn ../usr/lib/os-release /etc/os-release');
    }
  });

  test('an apt failure names the package and says what apt said; nothing is installed', async () => {
    const state = await installedState();
    // A real apt failure: the server's own pin forbids every version of nodejs.
    await s.host.sh(`printf 'Package: nodejs\\nPin: version *\\nPin-Priority: -1\\n' > /etc/apt/preferences.d/rdc-test-no-nodejs`);
    try {
      const r = await s.rdc(['machine', 'setup', 'bare']);
      assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /apt could not install nodejs \(asked for docker\.io, docker-compose, nodejs; nothing was installed\): .*Package 'nodejs' has no installation candidate/);
      assert.match(r.stderr, /Make nodejs installable on the server/);
      assert.equal(await installedState(), state, 'apt resolved the whole set first: nothing was installed');
    } finally {
      await s.host.sh('rm -f /etc/apt/preferences.d/rdc-test-no-nodejs');
    }
  });

  test('it installs docker.io, docker-compose and nodejs through sudo, and docker runs', async () => {
    const r = await s.rdc(['--json', 'machine', 'setup', 'bare']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout) as SetupJson;
    assert.deepEqual(out.installed, ['docker.io', 'docker-compose', 'nodejs']);
    assert.deepEqual(out.steps.map((st) => [st.component, st.status]), [['docker', 'installed'], ['compose', 'installed'], ['node', 'installed']]);
    for (const pkg of ['docker.io', 'docker-compose', 'nodejs']) assert.equal(await has(pkg), true, pkg);
    assert.equal((await s.host.sh('systemctl is-active docker')).trim(), 'active');
    assert.match(await s.host.sh('docker-compose version --short'), /^1\./);
    assert.match(await s.host.sh('node --version'), /^v18\./);
    assert.equal((await s.host.ssh('root', 'test -d /opt/rediacc/bin && test -d /var/lib/rediacc/router')).code, 0, 'the server directories are in place');
  });

  test('a second run installs nothing and changes no package', async () => {
    const state = await installedState();
    const r = await s.rdc(['machine', 'setup', 'bare']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /bare is ready \(nothing installed\)/);
    assert.equal(await installedState(), state);
  });

  test('push-infra and renet run on what it installed; a repo made there falls back to a directory, and status says why', async () => {
    // Images are never pulled in the test bed: Traefik's comes from the tar bound into every host.
    await s.host.sh(importImagesCommand());
    await s.ok(['context', 'set-infra', 'bare', '--public-ipv4', s.host.address, '--base-domain', 'bare.test']);
    await s.ok(['context', 'push-infra', 'bare']);
    assert.equal((await s.host.sh('systemctl is-active rediacc-router')).trim(), 'active', 'the route server runs on the installed Node.js');
    // This host has no loop devices passed in (and no device-mapper or cryptsetup): auto can make neither kind of image.
    const created = (await s.ok(['repo', 'create', 'plain', '-m', 'bare', '--size', '64M'])).stdout;
    const text = (await s.ok(['repo', 'status', 'plain'])).stdout;
    assert.match(text, /volume +directory \(NOT encrypted\)/);
    const why = /^ *why +(auto fell back to directory: no LUKS \(.*(no device-mapper in this kernel|cryptsetup is not installed).*\); no loop image \(no loop devices \(no \/dev\/loop-control\)\))$/m.exec(text);
    assert.ok(why, text);
    const json = JSON.parse((await s.ok(['--json', 'repo', 'status', 'plain'])).stdout) as { volume: string; volumeFallback?: string };
    assert.deepEqual([json.volume, json.volumeFallback], ['directory', why[1]]);
    assert.ok(created.split('\n').some((l) => /^ *why +/.test(l) && l.trim().endsWith(why[1] ?? '-')), `repo create says it too:\n${created}`);
  });
});
