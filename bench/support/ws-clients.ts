// The load generator of the real-time benchmark, as its own process: N Socket.IO clients
// (websocket transport), optionally subscribed to a symbol, recording what they receive.
import { io, type Socket } from 'socket.io-client';

export type ClientsRequest = { type: 'reset' } | { type: 'report' } | { type: 'close' };

export type ClientsReply =
  | { type: 'connected'; clients: number; connectMs: number; failed: number }
  | {
      type: 'report';
      delivered: number;
      /** Per client: updates missing between the first and last seq it saw. */
      gaps: number;
      minPerClient: number;
      latenciesMs: number[];
    };

const send = (reply: ClientsReply): void => void process.send?.(reply);

async function main(): Promise<void> {
  const url = process.env.BENCH_URL!;
  const clients = Number(process.env.BENCH_CLIENTS);
  const symbol = process.env.BENCH_SYMBOL;
  const batch = 100;
  const sockets: Socket[] = [];
  const received: number[] = [];
  const lastSeq: number[] = [];
  const latencies: number[] = [];
  let gaps = 0;
  let failed = 0;

  const started = performance.now();
  for (let offset = 0; offset < clients; offset += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, clients - offset) }, async (_, i) => {
        const index = offset + i;
        received[index] = 0;
        const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(socket);
        socket.on('price_update', (update: { seq: number; timestamp: string }) => {
          latencies.push(Date.now() - Date.parse(update.timestamp));
          received[index]++;
          if (lastSeq[index] !== undefined && update.seq > lastSeq[index] + 1) {
            gaps += update.seq - lastSeq[index] - 1;
          }
          lastSeq[index] = update.seq;
        });
        try {
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          if (symbol) await socket.timeout(30_000).emitWithAck('subscribe', { symbol });
        } catch {
          failed++;
        }
      }),
    );
  }
  send({ type: 'connected', clients, connectMs: performance.now() - started, failed });

  process.on('message', (request: ClientsRequest) => {
    if (request.type === 'reset') {
      // Snapshots and anything before the measured phase do not count.
      received.fill(0);
      latencies.length = 0;
      gaps = 0;
    } else if (request.type === 'report') {
      send({
        type: 'report',
        delivered: received.reduce((sum, n) => sum + n, 0),
        gaps,
        minPerClient: Math.min(...received),
        latenciesMs: latencies,
      });
    } else {
      for (const socket of sockets) socket.close();
      process.exit(0);
    }
  });
}

void main();
