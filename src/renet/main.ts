
/**
 * renet, the server-side half of rdc: one bundled file (Node >= 18) that rdc uploads and drives
 * over SSH. Resolves to the exit code; bin/renet.js owns the process. Logs go to stderr, one
 * timestamped line each.
 */
export async function renetMain(argv: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const [command, ...rest] = argv;
  try {
    // Each command loads only its own code: `infra status` must not pay for the Docker client.
    if (command === 'route-server') return await (await import('./route-server-command.js')).routeServerCommand(rest, log);
    if (command === 'supervise') return await (await import('./supervise-command.js')).superviseCommand(rest, log);
    if (command === 'compose') return await (await import('./compose-command.js')).composeCommand(rest, log);
    if (command === 'lifecycle') {
      const result = await (await import('./lifecycle-command.js')).lifecycleCommand(await readStdin());
      writeQuietly(`${JSON.stringify(result)}\n`);
      return result.ok ? 0 : 1;
    }
    if (command === 'stage') {
      writeQuietly(`${JSON.stringify(await (await import('./infra/stage.js')).stageCommand(process.stdin))}\n`);
      return 0;
    }
    if (command === 'repo') {
      const reply = await (await import('./repo-command.js')).repoCommand(rest, await readStdin());
      writeQuietly(`${JSON.stringify(reply)}\n`);
      return 0;
    }
    if (command === 'infra' || command === 'machine' || command === 'repo-daemon') {
      const stdin = await readStdin();
      const report = command === 'infra' ? await (await import('./infra-command.js')).infraCommand(rest, stdin)
        : command === 'machine' ? await (await import('./machine-command.js')).machineCommand(rest, stdin)
        : await (await import('./repo-daemon-command.js')).repoDaemonCommand(rest, stdin);
      writeQuietly(`${JSON.stringify(report)}\n`);
      return 0;
    }
    log(`usage: renet route-server|supervise|infra|machine|repo|stage|lifecycle|compose|repo-daemon …${command ? ` (unknown command "${command}")` : ''}`);
    return 2;
  } catch (err) {
    log(`error: ${(err as Error).message}`);
    return 1;
  }
}

async function readStdinBytes(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readStdin(): Promise<string> {
  return (await readStdinBytes()).toString('utf8');
}

/** The reader may be gone (SSH cut); the work is done either way. */
function writeQuietly(text: string): void {
  process.stdout.on('error', () => undefined);
  process.stdout.write(text);
}
