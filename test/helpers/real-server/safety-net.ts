/**
 * Hosts still running when the test process ends (a crash, a forgotten stop(), a signal) are killed
 * and their network and disk removed here, synchronously. `after` hooks remain the normal path.
 */
interface Tracked {
  kill(): void;
}

const live = new Set<Tracked>();
let installed = false;

export function track(t: Tracked): void {
  live.add(t);
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      // Die of the same signal, as the process would have without this handler.
      process.kill(process.pid, sig);
    });
  }
}

export function untrack(t: Tracked): void {
  live.delete(t);
}

function killAll(): void {
  for (const t of live) {
    try {
      t.kill();
    } catch {
      // best effort: one host's failure must not keep the others running
    }
  }
  live.clear();
}
