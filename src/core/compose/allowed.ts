/**
 * The allow lists of the compose policy (README "What a repo's compose file may do"). Deny by
 * default: a setting not listed here is refused, so a compose feature added later cannot open a way
 * to the host before someone decides it is harmless.
 */

/**
 * Capabilities a service may add: the set Docker grants every container already (adding one
 * changes nothing) and IPC_LOCK (memory locking, bounded by the memlock ulimit; Vault and
 * Elasticsearch ask for it). NET_ADMIN, SYS_ADMIN, DAC_READ_SEARCH, SYS_PTRACE… act on the host,
 * whose network every repo shares.
 */
export const ALLOWED_CAPS = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT', 'IPC_LOCK',
]);

/**
 * Sysctls a service may set: only those of the IPC namespace, which stays the container's own.
 * `net.*` would be the host's (repos use host networking) and the rest are not namespaced.
 */
export const ALLOWED_SYSCTL = /^(kernel\.(msgmax|msgmnb|msgmni|sem|shmall|shmmax|shmmni|shm_rmid_forced)|fs\.mqueue\.[a-z_]+)$/;

/** security_opt: only switching privilege gain off. apparmor/seccomp/label/systempaths loosen confinement. */
export const ALLOWED_SECURITY_OPT = /^no-new-privileges([:=]true)?$/;

/** Logging drivers that write inside Docker's own data root (the repo's volume). */
export const ALLOWED_LOG_DRIVERS = new Set(['json-file', 'local', 'none']);

/** Service keys with no host reach, whatever their value (resources, process, metadata, health). */
export const PLAIN_SERVICE_KEYS = new Set([
  'annotations', 'attach', 'blkio_config', 'command', 'container_name', 'cpu_count', 'cpu_percent', 'cpu_shares',
  'cpu_period', 'cpu_quota', 'cpu_rt_runtime', 'cpu_rt_period', 'cpus', 'cpuset', 'depends_on', 'domainname',
  'entrypoint', 'environment', 'expose', 'external_links', 'extra_hosts', 'healthcheck', 'hostname', 'image',
  'init', 'labels', 'links', 'mac_address', 'mem_limit', 'mem_reservation', 'mem_swappiness', 'memswap_limit',
  'platform', 'profiles', 'pull_policy', 'pull_refresh_after', 'read_only', 'restart', 'scale', 'shm_size',
  'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt', 'tmpfs', 'tty', 'ulimits', 'user',
  'working_dir', 'group_add', 'dns', 'dns_opt', 'dns_search', 'pids_limit', 'secrets', 'configs', 'cap_drop',
  // Dropped or replaced by the rewrite (host networking on the service's own address).
  'networks', 'ports',
]);

/** Top-level keys with no host reach of their own (volumes, secrets and configs are checked). */
export const PLAIN_TOP_KEYS = new Set(['name', 'version', 'services', 'networks', 'volumes', 'secrets', 'configs']);

/** `pid`/`ipc` values that keep the container's own namespace or share one of this repo's services. */
export const PRIVATE_IPC = new Set(['private', 'shareable', 'none']);
