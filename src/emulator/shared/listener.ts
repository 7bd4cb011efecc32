import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One HTTP listener that can be taken down (refusing connections) and brought back on the same port. */
export class Listener {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  /** `label` starts its log lines, so an operator can tell which emulator and listener spoke. */
  constructor(
    private readonly label: string,
    private readonly host: string,
    public port: number,
    private readonly handler: http.RequestListener,
  ) {}

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = http.createServer(this.handler);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => console.error(`${this.label} listener error:`, err));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closing the listening socket makes new connects fail with ECONNREFUSED; open keep-alive sockets die too. */
  down(ms: number): void {
    if (this.closed) return;
    void this.shutdown();
    this.schedule(ms, 0);
  }

  private schedule(ms: number, attempt: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed || this.server) return;
      // The port can stay busy for a moment after close; retry briefly rather than give it up.
      this.listen().catch((err: NodeJS.ErrnoException) => {
        if (attempt < 100) this.schedule(50, attempt + 1);
        else console.error(`${this.label} listener could not come back on port ${this.port}:`, err);
      });
    }, ms);
  }

  private shutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.shutdown();
  }
}
