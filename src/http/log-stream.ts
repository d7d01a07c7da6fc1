// Where log lines go: pino's own asynchronous destination (SonicBoom, `sync: false`), batched. A
// line is appended to a buffer that leaves in one system call once it holds 4 KiB, or at the
// latest 100 ms after it was written (`periodicFlush`), so a busy provider makes one write per
// dozen lines instead of one per line, each of which was a hand-off to libuv's thread pool and
// back, and a quiet one still shows its lines at once to a person reading them. Whatever is
// pending at exit is flushed by pino's single shared exit hook (no listener per instance, so many
// apps in one process — the tests — add none).
import pino from 'pino';

/** Bytes gathered before a write; well under SonicBoom's 16 KiB maximum write. */
const logBatchBytes = 4096;
/** The longest a line waits in the buffer. */
export const logFlushMs = 100;

export function logDestination(fd: number = 1): NodeJS.WritableStream {
  return pino.destination({ dest: fd, sync: false, minLength: logBatchBytes, periodicFlush: logFlushMs }) as unknown as NodeJS.WritableStream;
}
