import { startLoad, type LoadOptions, type LoadTotals } from './load.js';
import { waitFor } from './testbed/ports.js';

export interface RedeployRun {
  /** The requests that started from the deploy's start until a second after both the deploy ended and `to` answered. */
  totals: LoadTotals;
  /** Every request of the run (steady `from` answers before the deploy included). */
  all: LoadTotals;
  /** From the deploy's start until the deploy command returned. */
  deployMs: number;
  /** From the deploy's start until the first successful answer from `to`. */
  toServedMs: number;
  /** performance.now() of the new version's first answer, for lining up other observations. */
  toServedAt: number;
}

/**
 * Runs `deploy` (which changes the app from version `from` to `to`) under a constant load: first
 * steady answers from `from`, then the deploy, then until `to` has answered for a second and the
 * deploy has returned. What happened to requests in that span is the measure of a redeploy.
 */
export async function redeployUnderLoad(load: LoadOptions, from: string, to: string, deploy: () => Promise<void>, opts: { steadyAnswers?: number; settleMs?: number } = {}): Promise<RedeployRun> {
  const l = startLoad(load);
  try {
    await waitFor(`${opts.steadyAnswers ?? 50} answers from ${from} before the deploy`, async () => ((l.window(0).versions[from] ?? 0) >= (opts.steadyAnswers ?? 50) ? true : undefined), 30_000);
    const startedAt = l.now();
    await deploy();
    const deployMs = l.now() - startedAt;
    const served = await waitFor(`${to} answering through the load`, async () => l.firstServed(to, startedAt), 60_000, 20);
    const end = Math.max(served, startedAt + deployMs) + (opts.settleMs ?? 1000);
    await waitFor('the settle time after the deploy', async () => (l.now() >= end ? true : undefined), 10_000, 20);
    const all = await l.stop();
    return { totals: l.window(startedAt, end), all, deployMs, toServedMs: served - startedAt, toServedAt: l.origin + served };
  } finally {
    await l.stop();
  }
}
