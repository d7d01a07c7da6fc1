// The real server process (src/server.ts through tsx), for the tests of start-up, shutdown and
// connections: its output, how to wait for a line of it, and how to stop every one a test started.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const serverEntry = join(process.cwd(), 'src', 'server.ts');

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Start the server (or another entry, through tsx) with only PATH, OP_PORT=0 and `env` in its environment. */
export function startServerProcess(env: Record<string, string>, entry = serverEntry): ServerProcess {
  const child = spawn(tsx, [entry], { env: { PATH: process.env.PATH ?? '', OP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Poll `probe` for up to 10 s; fails with the server's output if it exits or the time runs out. */
export async function waitForServer<T>(what: string, probe: () => T | undefined, running: ServerProcess): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = probe();
    if (value !== undefined) return value;
    if (running.child.exitCode !== null) throw new Error(`server exited while waiting for ${what}: ${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${what}: ${running.output()}`);
}

/** The URL of the "Server listening at" line. */
export const listeningUrl = (running: ServerProcess): Promise<string> =>
  waitForServer('listening line', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(running.output())?.[1], running);

/**
 * Stop every process in `started` (emptying it). SIGTERM first: tsx passes it on to the server,
 * which exits; a SIGKILL to tsx alone would leave the server running with no parent.
 */
export async function stopServerProcesses(started: ServerProcess[]): Promise<void> {
  for (const running of started.splice(0)) {
    if (running.child.exitCode !== null || running.child.signalCode !== null) continue;
    running.child.kill('SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 6000);
    await running.exited;
    clearTimeout(timer);
  }
}
