/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes,
 * logs or CI), redrawn at most every 100 ms.
 */
export class ProgressBar {
  private last = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY) && process.env.CI !== "true";
    this.stream = stream;
  }
  private readonly stream: NodeJS.WriteStream;

  update(done: number, total: number, note = ""): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const fill = Math.round(frac * width);
    const mb = (n: number) => (n / 1048576).toFixed(1);
    this.stream.write(
      `\r${this.label} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(done)}/${mb(total)} MB ${note}`.slice(
        0,
        (this.stream.columns || 100) - 1,
      ),
    );
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) this.stream.write("\r\x1b[K");
  }
}
