// Where log lines go: pino's own asynchronous destination (SonicBoom, `sync: false`). A line is
// appended to a buffer; while one write is in flight the next lines gather behind it and leave in
// one system call, so a busy provider makes far fewer writes than lines without ever waiting on
// stdout. Whatever is pending at exit is flushed by pino's single shared exit hook (no listener
// per instance, so many apps in one process — the tests — add none).
import pino from 'pino';

export function logDestination(fd: number = 1): NodeJS.WritableStream {
  return pino.destination({ dest: fd, sync: false }) as unknown as NodeJS.WritableStream;
}
