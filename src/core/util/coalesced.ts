/**
 * Wraps an async job so that calls made while it runs coalesce: they wait for the run in progress
 * and cause at most one more run after it (which sees whatever changed meanwhile). `stopped` ends
 * that follow-up once the owner is closed.
 */
export function coalesced(job: () => Promise<void>, stopped: () => boolean = () => false): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = job().finally(() => {
      running = undefined;
      if (again && !stopped()) {
        again = false;
        void run();
      }
    });
    return running;
  };
  return run;
}
