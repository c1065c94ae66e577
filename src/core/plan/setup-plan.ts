/** What `rdc machine setup` found on a server (parsed from probeServer's output). */
export interface ServerFacts {
  os: string;
  osLike: string;
  osName: string;
  dockerServer: string;
  dockerd: string;
  composeV2: string;
  composeV1: string;
  node: string;
  uid: number;
  apt: boolean;
  systemd: boolean;
}

export interface SetupStep {
  component: 'docker' | 'compose' | 'node';
  present: boolean;
  detail: string;
  /** Debian packages that provide it when missing. */
  packages: string[];
}

export interface SetupPlan {
  steps: SetupStep[];
  install: string[];
  /** Set when something is missing and this system is not one rdc installs on. */
  refusal: string | undefined;
}

export function parseFacts(text: string): ServerFacts {
  const kv = new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const));
  const get = (k: string) => kv.get(k) ?? '';
  return {
    os: get('os'), osLike: get('os_like'), osName: get('os_name'), dockerServer: get('docker'), dockerd: get('dockerd'),
    composeV2: get('compose_v2'), composeV1: get('compose_v1'), node: get('node'), uid: Number(get('uid') || 0),
    apt: get('apt') !== '', systemd: get('systemd') === 'yes',
  };
}

/** Decides what to install (pure): docker engine with compose, Node.js >= 18 for renet. */
export function planSetup(f: ServerFacts): SetupPlan {
  const nodeMajor = Number(/^v([0-9]+)/.exec(f.node)?.[1] ?? 0);
  const steps: SetupStep[] = [
    {
      component: 'docker', present: f.dockerServer !== '', packages: f.dockerd ? [] : ['docker.io'],
      detail: f.dockerServer ? `Docker Engine ${f.dockerServer}` : f.dockerd ? 'installed but the daemon does not answer; start it (systemctl start docker)' : 'not installed',
    },
    {
      component: 'compose', present: f.composeV2 !== '' || f.composeV1 !== '', packages: ['docker-compose'],
      detail: f.composeV2 ? `docker compose ${f.composeV2}` : f.composeV1 ? 'docker-compose (v1)' : 'not installed',
    },
    { component: 'node', present: nodeMajor >= 18, packages: ['nodejs'], detail: f.node ? `Node.js ${f.node}${nodeMajor < 18 ? ' (renet needs >= 18)' : ''}` : 'not installed' },
  ];
  const missing = steps.filter((s) => !s.present);
  const debianLike = /debian|ubuntu/.test(`${f.os} ${f.osLike}`) && f.apt;
  const install = [...new Set(missing.flatMap((s) => s.packages))];
  let refusal: string | undefined;
  if (missing.length && !debianLike) {
    refusal = `${f.osName || f.os} is not a system rdc installs packages on (Debian and Ubuntu are). Install ${missing.map((s) => (s.component === 'node' ? 'Node.js >= 18' : s.component)).join(', ')} yourself, then run rdc machine setup again.`;
  } else if (missing.some((s) => s.component === 'docker' && f.dockerd)) {
    refusal = 'Docker is installed but its daemon does not answer; start it (systemctl start docker), then run rdc machine setup again.';
  }
  return { steps, install: refusal ? [] : install, refusal };
}

/**
 * What went wrong in an apt run, in apt's own words (pure): its `E:` lines, and which of the
 * packages asked for they name — "Unable to locate package X", "Package 'X' has no installation
 * candidate", " X : Depends: …" — so the user knows which package to look at.
 */
export function aptFailure(step: 'update' | 'install', packages: string[], output: string): { packages: string[]; message: string } {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^E: /.test(l)).map((l) => l.slice(3));
  const named = packages.filter((p) => lines.some((l) => (/^E: |^\S+ : Depends: /.test(l)) && mentions(l, p)));
  const unmet = lines.filter((l) => /^\S+ : Depends: /.test(l));
  const said = [...unmet, ...errors].join('; ') || lines.slice(-3).join('; ') || 'no output';
  const message = step === 'update'
    ? `apt-get update failed, nothing was installed: ${said}`
    : `apt could not install ${named.length ? named.join(', ') : packages.join(', ')}${named.length && named.length < packages.length ? ` (asked for ${packages.join(', ')}; nothing was installed)` : ''}: ${said}`;
  return { packages: named, message };
}

function mentions(line: string, pkg: string): boolean {
  return new RegExp(`(^|[\\s'"])${pkg.replace(/[.+]/g, '\\$&')}([\\s'":]|$)`).test(line);
}
