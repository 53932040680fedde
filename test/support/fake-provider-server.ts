// A local HTTP server standing in for a provider's API: each request is answered by the
// next scripted reply (then the last one again), and every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  | {
      status: number;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
      /** Answers only once this settles: the test decides when the fetch ends. */
      after?: Promise<unknown>;
    }
  | { hang: true }
  /** 200, then body bytes without end: `fast` as quick as the socket takes them, else one a second. */
  | { flood: 'fast' | 'drip' };

export class FakeProviderServer {
  readonly requests: { url: string; headers: IncomingMessage['headers'] }[] = [];
  private replies: Reply[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();

  script(...replies: Reply[]): void {
    this.replies = replies;
    this.requests.length = 0;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.requests.push({ url: request.url ?? '', headers: request.headers });
      const reply = this.replies.length > 1 ? this.replies.shift()! : this.replies[0];
      if (!reply || 'hang' in reply) {
        this.hanging.add(response);
        return;
      }
      if ('flood' in reply) {
        this.hanging.add(response);
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = reply.flood === 'fast' ? Buffer.alloc(64 * 1024, ' ') : Buffer.from(' ');
        const write = () => {
          if (response.destroyed) return;
          if (reply.flood === 'drip') setTimeout(() => response.write(chunk, write), 1_000);
          else if (response.write(chunk)) setImmediate(write);
          else response.once('drain', write);
        };
        response.write('[', write);
        return;
      }
      const send = () => {
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
      };
      if (reply.after) void reply.after.finally(send);
      else send();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
