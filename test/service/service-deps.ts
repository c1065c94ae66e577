import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigStore } from '../../src/rdc/config/store.js';
import { Output } from '../../src/rdc/output/output.js';
import { RecordingRunner, type ScriptedReply } from '../../src/rdc/remote/recording-runner.js';
import type { Deps } from '../../src/rdc/services/deps.js';
import { addMachine } from '../../src/rdc/services/machine-service.js';

/**
 * Services with a RecordingRunner for Deps.connect (the middle test tier: no sshd, no server, the
 * real services, config store and command builders). `runner` is what the next connection gets;
 * `connections` counts how often a service asked for one.
 */
export interface ServiceBed {
  deps: Deps;
  dir: string;
  stderr: () => string;
  connections: () => number;
  /** The runner the next connection gets, answering from `script`. */
  script: (replies: ScriptedReply[]) => RecordingRunner;
  done: () => void;
}

export async function serviceBed(opts: { verbose?: boolean } = {}): Promise<ServiceBed> {
  const dir = mkdtempSync(join(tmpdir(), 'rdc-service-'));
  let err = '';
  const io = {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    stdin: Readable.from([]),
    env: { NO_COLOR: '1', HOME: dir, RDC_CONFIG: join(dir, 'config.yaml') },
    cwd: dir,
  };
  let next: RecordingRunner | undefined;
  let connections = 0;
  const deps: Deps = {
    io,
    out: new Output(io, { json: false, verbose: Boolean(opts.verbose) }),
    store: new ConfigStore(io.env.RDC_CONFIG),
    flags: { verbose: opts.verbose },
    connect: async (name) => {
      connections += 1;
      if (!next) throw new Error(`a service connected to ${name} but the test scripted no runner`);
      const runner = next;
      next = undefined;
      return runner;
    },
  };
  // Registered offline (no key scan): nothing here ever connects for real.
  await addMachine(deps, 'm1', { ip: '203.0.113.50', user: 'root', scan: false });
  return {
    deps, dir,
    stderr: () => err,
    connections: () => connections,
    script: (replies) => (next = new RecordingRunner(replies, 'm1')),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A reply line as renet prints it. */
export function says(reply: unknown): { stdout: string } {
  return { stdout: `${JSON.stringify(reply)}\n` };
}

/** Runs `work` on a fresh bed and removes it afterwards, whatever happens. */
export async function withBed(work: (bed: ServiceBed) => Promise<void>, opts: { verbose?: boolean } = {}): Promise<void> {
  const bed = await serviceBed(opts);
  try {
    await work(bed);
  } finally {
    bed.done();
  }
}
