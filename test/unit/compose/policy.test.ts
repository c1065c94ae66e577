import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { checkComposeModel, formatFinding } from '../../../src/core/compose/policy.js';

const MOUNT = '/mnt/rediacc/mounts/g1';
/** A symlink farm for the checks that follow symlinks: `link-out` points at /etc, `link-in` inside. */
const LINKS: Record<string, string> = { [`${MOUNT}/link-out`]: '/etc', [`${MOUNT}/link-in`]: `${MOUNT}/data` };
const realpath = (p: string) => {
  for (const [from, to] of Object.entries(LINKS)) if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
  return p;
};
const scope = { mount: MOUNT, baseDir: `${MOUNT}/app`, realpath };

/** The refusals of a one-service model, as messages. */
const refusals = (service: string, extra = '') =>
  checkComposeModel(parse(`services:\n  web:\n    image: x\n${service.replace(/^/gm, '    ')}\n${extra}`), scope).map((f) => formatFinding(f, false));

const refused = (yaml: string, setting: RegExp, extra = '') => {
  const r = refusals(yaml, extra);
  assert.ok(r.some((m) => setting.test(m)), `expected ${setting} in:\n${r.join('\n') || '(nothing refused)'}`);
  for (const m of r) assert.match(m, /(remove|use|keep|bind|declare|build|watch|write|fix)[^;]*, or run rdc repo up --unsafe/, 'each refusal says the fix');
};
const allowed = (yaml: string, extra = '') => assert.deepEqual(refusals(yaml, extra), []);

describe('compose policy: what escapes the repo is refused, naming the service, the setting and the fix', () => {
  test('full root and host namespaces', () => {
    refused('privileged: true', /^service web: services\.web\.privileged: gives the container full root/);
    refused('privileged: "true"', /services\.web\.privileged/);
    refused('pid: host', /services\.web\.pid: "host"/);
    refused('ipc: host', /services\.web\.ipc/);
    refused('userns_mode: host', /services\.web\.userns_mode/);
    refused('uts: host', /services\.web\.uts/);
    refused('cgroup: host', /services\.web\.cgroup/);
    refused('cgroup_parent: /', /services\.web\.cgroup_parent/);
    refused('runtime: runc', /services\.web\.runtime/);
    refused('network_mode: bridge', /services\.web\.network_mode: "bridge"/);
    refused('network_mode: "container:x"', /services\.web\.network_mode/);
    refused('use_api_socket: true', /services\.web\.use_api_socket/);
    refused('provider: {type: model}', /services\.web\.provider: runs a program on the host/);
  });

  test('capabilities, security options, sysctls and devices: deny by default', () => {
    refused('cap_add: [DAC_READ_SEARCH]', /services\.web\.cap_add\[0\]: "DAC_READ_SEARCH" acts on the host/);
    refused('cap_add: [cap_sys_admin]', /cap_add\[0\]/);
    refused('cap_add: [ALL]', /cap_add\[0\]/);
    refused('cap_add: [NET_ADMIN]', /cap_add\[0\]/);
    refused('security_opt: ["apparmor=unconfined"]', /services\.web\.security_opt\[0\]: "apparmor=unconfined"/);
    refused('security_opt: ["seccomp=unconfined"]', /security_opt\[0\]/);
    refused('security_opt: ["label=disable"]', /security_opt\[0\]/);
    refused('security_opt: ["systempaths=unconfined"]', /security_opt\[0\]/);
    refused('security_opt: ["no-new-privileges:false"]', /security_opt\[0\]/);
    refused('sysctls: {net.ipv4.ip_forward: 1}', /services\.web\.sysctls\.net\.ipv4\.ip_forward/);
    refused('sysctls: ["kernel.core_pattern=|/tmp/x"]', /sysctls\.kernel\.core_pattern/);
    refused('devices: ["/dev/sda:/dev/sda"]', /services\.web\.devices: gives the container host devices/);
    refused('device_cgroup_rules: ["b *:* rwm"]', /device_cgroup_rules/);
    refused('gpus: all', /services\.web\.gpus/);
    refused('deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}', /deploy\.resources\.reservations\.devices/);
    refused('oom_kill_disable: true', /oom_kill_disable/);
    refused('oom_score_adj: -1000', /oom_score_adj/);
    refused('logging: {driver: syslog}', /services\.web\.logging\.driver/);
    refused('post_start: [{command: id, privileged: true}]', /post_start\[0\]\.privileged/);
    refused('some_future_key: 1', /services\.web\.some_future_key: is not a setting a repo may use/);
  });

  test('what is harmless stays allowed', () => {
    allowed([
      'cap_add: [NET_BIND_SERVICE, CAP_CHOWN, IPC_LOCK]', 'cap_drop: [ALL]', 'security_opt: ["no-new-privileges:true"]',
      'sysctls: {kernel.shmmax: 1000, fs.mqueue.msg_max: 100}', 'pid: "service:db"', 'ipc: shareable', 'network_mode: host',
      'tmpfs: [/run]', 'read_only: true', 'user: "1000"', 'restart: always', 'ports: ["80:80"]', 'environment: {A: "1"}',
      'logging: {driver: json-file, options: {max-size: 10m}}', 'oom_score_adj: 100', 'x-mine: {privileged: true}',
      'volumes: [./data:/data, "db:/var/lib/db", /mnt/rediacc/mounts/g1/app/x:/x:ro, "../link-in/sub:/y", {type: tmpfs, target: /t}]',
    ].join('\n'), '  db: {image: x}\nvolumes:\n  db: {}\n  ext: {external: true}\nx-anchors: {privileged: true}');
  });

  test('binds resolve inside the mount, after symlinks, never the repo root or its state', () => {
    refused('volumes: ["../../../../../..:/h"]', /services\.web\.volumes\[0\]: \/ is outside the repo \(\/mnt\/rediacc\/mounts\/g1\); bind a directory inside the repo/);
    refused('volumes: ["/:/h"]', /volumes\[0\]: \/ is outside/);
    refused('volumes: ["~/.ssh:/s"]', /volumes\[0\]: ~\/\.ssh is the server user's home/);
    refused('volumes: ["/var/run/docker.sock:/var/run/docker.sock"]', /volumes\[0\]: \/var\/run\/docker\.sock is outside/);
    refused('volumes: [{type: bind, source: /etc, target: /e}]', /volumes\[0\]: \/etc is outside/);
    refused('volumes: ["../link-out/ssh:/s"]', /volumes\[0\]: .*link-out\/ssh \(a symlink to \/etc\/ssh\) is outside/);
    refused('volumes: ["..:/repo"]', /volumes\[0\]: .* is the repo's root, which holds the repo daemon's state/);
    refused('volumes: ["../.rediacc/docker:/d"]', /volumes\[0\]: .* is renet's and the repo daemon's own state/);
    refused('volumes: ["../../g2/app:/other"]', /volumes\[0\]: \/mnt\/rediacc\/mounts\/g2\/app is outside/);
    refused('volumes: [{type: bind, source: ./d, target: /d, bind: {propagation: rshared}}]', /bind propagation rshared/);
    refused('volumes: ["./d:/d:rshared"]', /bind propagation rshared/);
    refused('volumes: [{type: npipe, source: x, target: /x}]', /a npipe mount/);
    refused('volumes: ["undeclared:/u"]', /volume undeclared is not declared/);
    refused('volumes_from: ["container:other"]', /volumes_from\[0\]/);
  });

  test('no host path lies below a writable bind (its container could swap a part of it for a symlink out)', () => {
    const inside = /lies inside \/mnt\/rediacc\/mounts\/g1\/app\/data, which services\.\w+\.volumes\[0\] binds writable/;
    refused('volumes: ["./data:/data", "./data/evil/etc:/x"]', new RegExp(`services\\.web\\.volumes\\[1\\]: .*${inside.source}`));
    refused('volumes: ["./data:/data"]', /services\.b\.volumes\[0\]: .*lies inside/, '  b:\n    image: x\n    volumes: [{type: bind, source: ./data/x/y, target: /y, read_only: true}]');
    refused('volumes: ["./data:/data"]\nbuild: ./data/ctx', /services\.web\.build\.context: .*lies inside/);
    refused('volumes: ["./data:/data"]\nsecrets: [s]', /secrets\.s\.file: .*app\/data\/s lies inside/, 'secrets:\n  s: {file: ./data/s}');
    refused('volumes: ["./data:/data", "../link-in/sub:/y"]'.replace('./data', '../data'), /volumes\[1\]: .*\/mnt\/rediacc\/mounts\/g1\/data\/sub lies inside \/mnt\/rediacc\/mounts\/g1\/data/);
    refused('volumes: ["./data:/data"]\nbuild: {context: ., dockerfile: data/Dockerfile}', /services\.web\.build\.dockerfile: .*app\/data\/Dockerfile lies inside/);
    refused('volumes: ["./data:/data"]\ndevelop: {watch: [{path: ./data/src, action: sync, target: /src}]}', /services\.web\.develop\.watch\[0\]\.path: .*app\/data\/src lies inside/);
    allowed('volumes: ["./data:/data:ro", "./data/sub:/sub"]');
    allowed('volumes: ["./data:/data", "./data:/again", "./data2:/d2"]');
  });

  test('named volumes may not bind host paths; secrets, configs, env files, builds stay inside', () => {
    refused('volumes: ["root:/r"]', /^volumes\.root\.driver_opts: driver options mount host paths/, 'volumes:\n  root:\n    driver_opts: {o: bind, device: /, type: none}');
    refused('volumes: ["nfs:/r"]', /^volumes\.nfs\.driver:/, 'volumes:\n  nfs: {driver: some-plugin}');
    refused('secrets: [s]', /^secrets\.s\.file: \/etc\/shadow is outside/, 'secrets:\n  s: {file: /etc/shadow}');
    refused('configs: [c]', /^configs\.c\.file: .* is outside/, 'configs:\n  c: {file: ../../g2/c.txt}');
    refused('env_file: [/etc/environment]', /services\.web\.env_file\[0\]: \/etc\/environment is outside/);
    refused('build: /etc', /services\.web\.build\.context: \/etc is outside/);
    refused('build: {context: ., dockerfile: /etc/Dockerfile}', /build\.dockerfile/);
    refused('build: {context: ., additional_contexts: {root: /}}', /build\.additional_contexts\.root/);
    refused('build: {context: ., ssh: [default]}', /build\.ssh: forwards the server's SSH agent/);
    refused('build: {context: ., privileged: true}', /build\.privileged/);
    refused('build: {context: ., some_future_key: x}', /services\.web\.build\.some_future_key: is not a build setting a repo may use/);
    allowed('build: {context: ., dockerfile_inline: "FROM x", args: {A: "1"}, target: t, network: host, tags: [x], platforms: [linux/amd64], x-note: y}');
    refused('build: {context: ., cache_from: ["type=local,src=/root"]}', /build\.cache_from\[0\]/);
    refused('develop: {watch: [{path: /etc, action: sync, target: /e}]}', /develop\.watch\[0\]\.path/);
    allowed('build: {context: ., dockerfile: Dockerfile, additional_contexts: {img: "docker-image://alpine", git: "https://github.com/x/y.git"}}');
    allowed('build: "https://github.com/x/y.git#main"');
    allowed('secrets: [s]', 'secrets:\n  s: {file: ./secret.txt}\n  e: {environment: TOKEN}');
  });

  test('a top-level key nobody allowed is refused', () => {
    assert.match(checkComposeModel({ services: {}, models: { m: {} } }, scope).map((f) => formatFinding(f, false)).join('\n'), /^models: is not a setting a repo may use/);
  });

  test('with --unsafe the findings are warnings that say so', () => {
    const [f] = checkComposeModel(parse('services:\n  web:\n    privileged: true\n'), scope);
    assert.ok(f);
    assert.equal(formatFinding(f, true), 'service web: services.web.privileged: gives the container full root on the host (allowed by rdc repo up --unsafe)');
  });
});
