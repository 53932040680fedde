// The service under the real-time benchmark, as its own process: the real application
// (embedded database, or DATABASE_URL/REDIS_URL when set), with an IPC channel through which
// the benchmark asks for its memory and for prices to be published on the price bus, which
// is where ingestion hands over committed prices. Prices carry their publish time.
import { transports } from 'engine.io';
import { AssetsRepository } from '../../src/cryptocurrencies/assets.repository';
import { createApp } from '../../src/app.setup';
import { loadAppConfig } from '../../src/config/app-config';
import { PriceBus } from '../../src/price-history/price-bus';

export type ServerRequest =
  { type: 'memory' } | { type: 'publish'; symbol: string; perSecond: number; seconds: number };

export type ServerReply =
  | { type: 'ready'; url: string }
  | { type: 'memory'; rss: number; heapUsed: number }
  | {
      type: 'published';
      count: number;
      /** Per price: ms from its publish on the bus to the last socket write it caused. */
      serverMs: number[];
    };

const send = (reply: ServerReply): void => void process.send?.(reply);

/**
 * When the server last handed each broadcast's frame to a client's socket. Every Socket.IO
 * message to a websocket client leaves through this transport's send; a broadcast's packets
 * share one pre-encoded frame, which names the broadcast (a socket that was backed up gets it
 * later, from its buffer, through the same send).
 */
const lastWriteOf = new Map<unknown, number>();
const websocket = transports.websocket.prototype;
const transportSend = websocket.send;
websocket.send = function (this: typeof websocket, ...args) {
  transportSend.apply(this, args);
  const now = performance.now();
  for (const packet of args[0]) {
    const frame = (packet.options as { wsPreEncodedFrame?: unknown } | undefined)
      ?.wsPreEncodedFrame;
    if (frame) lastWriteOf.set(frame, now);
  }
};

async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const app = await createApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });
  await app
    .get(AssetsRepository)
    .findOrCreateIds([{ symbol: 'BTC', name: 'Bitcoin', source: 'bench' }]);
  const bus = app.get(PriceBus);

  process.on('message', (request: ServerRequest) => {
    switch (request.type) {
      case 'memory': {
        global.gc?.();
        const { rss, heapUsed } = process.memoryUsage();
        send({ type: 'memory', rss, heapUsed });
        return;
      }
      case 'publish': {
        let count = 0;
        let price = 90_000;
        const total = request.perSecond * request.seconds;
        const publishedAt: number[] = [];
        // Only the broadcasts of this stream, the n-th of them carrying the n-th price.
        lastWriteOf.clear();
        const timer = setInterval(() => {
          price *= 1 + (Math.random() - 0.5) / 1_000;
          publishedAt.push(performance.now());
          bus.publishPrices([
            {
              symbol: request.symbol,
              price: Number(price.toFixed(2)),
              change24h: null,
              volume24h: null,
              timestamp: Date.now(),
              source: 'bench',
            },
          ]);
          if (++count === total) {
            clearInterval(timer);
            setTimeout(() => {
              const lastWrites = [...lastWriteOf.values()];
              const serverMs = publishedAt
                .slice(0, lastWrites.length)
                .map((at, i) => lastWrites[i] - at);
              send({ type: 'published', count, serverMs });
            }, 1_000);
          }
        }, 1_000 / request.perSecond);
        return;
      }
    }
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  send({ type: 'ready', url: `http://127.0.0.1:${config.http.port}` });
}

void main();
