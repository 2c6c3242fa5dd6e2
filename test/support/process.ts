import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server process started by a test fixture, with its output in a log file for failure messages. */
export interface ServerProcess {
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test worker that exits without running its teardown must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function startProcess(command: string, args: string[], logFile: string): ServerProcess {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  running.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      running.delete(child);
      log.write(`${error.message}\n`);
      resolve('spawn-error');
    });
  });
  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  }
  return { child, logFile, exited, stop };
}

/** Polls `probe` until it returns true; fails early, with the log's tail, when the process exits first. */
export async function waitUntilReady(
  server: ServerProcess,
  name: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void server.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`${name} exited (${exitCode}) before it was ready:\n${await logTail(server)}`);
    if (await probe().catch(() => false)) return;
    await sleep(10);
  }
  await server.stop();
  throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${await logTail(server)}`);
}

async function logTail(server: ServerProcess): Promise<string> {
  const text = await readFile(server.logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-30).join('\n');
}
