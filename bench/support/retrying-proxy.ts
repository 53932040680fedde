// A load balancer for the failover benchmark: round-robin over instances, as nginx or HAProxy
// in front of the service would be set up. A request that fails before any answer (the
// instance refused or dropped the connection) is retried on the next instance — for GET and
// HEAD only, like `proxy_next_upstream error` — and an instance that failed is skipped for a
// few seconds. WebSocket upgrades are piped to the next live instance.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const MARK_DOWN_MS = 5_000;

export class RetryingProxy {
  private server?: Server;
  private next = 0;
  private readonly downUntil = new Map<number, number>();
  retried = 0;

  constructor(private readonly ports: number[]) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** The live instances, starting with the next in turn. */
  private order(): number[] {
    const now = Date.now();
    const start = this.next++ % this.ports.length;
    const all = [...this.ports.slice(start), ...this.ports.slice(0, start)];
    const live = all.filter((port) => (this.downUntil.get(port) ?? 0) < now);
    return live.length > 0 ? live : all;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const retryable = req.method === 'GET' || req.method === 'HEAD';
    const candidates = this.order();
    const attempt = (index: number) => {
      const port = candidates[index];
      const upstream = httpRequest(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        this.downUntil.set(port, Date.now() + MARK_DOWN_MS);
        if (!res.headersSent && retryable && index + 1 < candidates.length) {
          this.retried += 1;
          attempt(index + 1);
        } else if (!res.headersSent) {
          res.writeHead(502).end();
        } else {
          res.destroy();
        }
      });
      if (retryable) upstream.end();
      else req.pipe(upstream);
    };
    attempt(0);
  }

  private upgrade(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const candidates = this.order();
    const attempt = (index: number) => {
      const port = candidates[index];
      let connected = false;
      const upstream: Socket = connect(port, '127.0.0.1', () => {
        connected = true;
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        }
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client).pipe(upstream);
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.on('error', () => upstream.destroy());
      });
      upstream.once('error', () => {
        if (!connected && index + 1 < candidates.length) {
          this.downUntil.set(port, Date.now() + MARK_DOWN_MS);
          attempt(index + 1);
        } else {
          client.destroy();
        }
      });
    };
    attempt(0);
  }
}
