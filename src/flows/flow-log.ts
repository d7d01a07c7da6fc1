// The logger a flow writes to: the request's logger, or the process's for background work.
/** How a use case logs (pino's logger fits) without knowing the web framework. */
export interface FlowLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
