import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  raw: string;
  body: any;
  headers: http.IncomingHttpHeaders;
  /** Every signature header present checked against the receiver's key. */
  signatureOk: boolean;
}

/** A real HTTP receiver on port 0 that verifies the vendor's signatures over the raw body and records what came. */
export class CallbackReceiver {
  readonly received: Received[] = [];
  /** What to answer next: a status, or 'hang' (never answer). */
  answer: number | 'hang' = 200;
  private server!: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  constructor(
    readonly vendor: 'agora' | 'trtc',
    readonly secret: string,
  ) {}

  static async start(vendor: 'agora' | 'trtc', secret: string): Promise<CallbackReceiver> {
    const r = new CallbackReceiver(vendor, secret);
    r.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signatureOk = r.verify(raw, req.headers);
        r.received.push({ at: Date.now(), raw, body: JSON.parse(raw), headers: req.headers, signatureOk });
        if (r.answer === 'hang') return void r.hanging.add(res);
        // A forged body is refused the way a careful receiver would.
        res.writeHead(signatureOk ? r.answer : 401, { 'Content-Type': 'application/json' }).end('{"code":0}');
      });
    });
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callbacks`;
  }

  verify(raw: string, headers: http.IncomingHttpHeaders): boolean {
    if (this.vendor === 'trtc') return headers.sign === createHmac('sha256', this.secret).update(raw).digest('base64');
    const v1 = createHmac('sha1', this.secret).update(raw).digest('hex');
    const v2 = createHmac('sha256', this.secret).update(raw).digest('hex');
    return headers['agora-signature'] === v1 && headers['agora-signature-v2'] === v2;
  }

  /** Event types in arrival order (optionally only those about one recorder). */
  types(ref?: string): number[] {
    return this.bodies(ref).map((b) => (this.vendor === 'agora' ? b.eventType : b.EventType));
  }

  bodies(ref?: string): any[] {
    const of = (b: any) => (this.vendor === 'agora' ? b.payload?.sid : b.EventInfo?.TaskId);
    return this.received.map((r) => r.body).filter((b) => ref === undefined || of(b) === ref);
  }

  async waitFor(pred: () => boolean, ms = 8_000): Promise<void> {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error(`receiver: condition not met in ${ms} ms; got ${JSON.stringify(this.received.map((r) => r.body))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
