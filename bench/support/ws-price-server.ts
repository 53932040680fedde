// The service under the real-time benchmark, as its own process: the real application
// (embedded database, or DATABASE_URL/REDIS_URL when set), with an IPC channel through which
// the benchmark asks for its memory and for prices to be published on the price bus, which
// is where ingestion hands over committed prices. Prices carry their publish time.
import { AssetsRepository } from '../../src/cryptocurrencies/assets.repository';
import { createApp } from '../../src/app.setup';
import { loadAppConfig } from '../../src/config/app-config';
import { PriceBus } from '../../src/price-history/price-bus';

export type ServerRequest =
  { type: 'memory' } | { type: 'publish'; symbol: string; perSecond: number; seconds: number };

export type ServerReply =
  | { type: 'ready'; url: string }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'published'; count: number };

const send = (reply: ServerReply): void => void process.send?.(reply);

async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const app = await createApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });
  await app
    .get(AssetsRepository)
    .findOrCreateTickers([{ symbol: 'BTC', name: 'Bitcoin', source: 'bench' }]);
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
        const timer = setInterval(() => {
          price *= 1 + (Math.random() - 0.5) / 1_000;
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
            send({ type: 'published', count });
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
