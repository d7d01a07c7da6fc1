// Log lines are collected during one turn of the event loop and written to stdout together: one
// write system call per turn instead of one per line. Lines keep their order; whatever is
// pending is written when the process exits.
export class BatchedStdout {
  #pending: string[] = [];
  #scheduled = false;

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    process.once('exit', () => this.flush());
  }

  write(line: string): boolean {
    this.#pending.push(line);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.out.write(text);
  }
}
