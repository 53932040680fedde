// A TCP proxy a test can cut, restore and repoint: to take a dependency (Redis, PostgreSQL)
// away from the app without stopping the real server that other suites share, or to stand
// in for a load balancer that sends a client's next connection to another instance.
import { createConnection, createServer, connect, type Server, type Socket } from 'node:net';

/** Whether something listens at host:port (a dependency the suite could proxy). */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 500 });
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(socket.destroy() && false));
  });
}

export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(
    private targetHost: string,
    private targetPort: number | undefined,
  ) {}

  /**
   * New connections go to host:port from now on; open ones stay where they are. Without a
   * port there is no backend: new connections are closed at once, as a balancer does when
   * no instance is healthy.
   */
  retarget(targetPort: number | undefined, targetHost = this.targetHost): void {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Starts listening (on the same port again after a cut; a no-op when up); returns the port. */
  async start(): Promise<number> {
    if (this.server) return this.port;
    const server = createServer((client) => {
      if (this.targetPort === undefined) return client.destroy();
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    // The port of a cut proxy can be briefly held by a connection still closing: retry.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(this.port, '127.0.0.1', () => resolve());
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    return this.port;
  }

  /** Drops every connection and refuses new ones, like a dependency going down. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
