// Slow consumers: a client that stops reading must not make the service queue updates for it
// without end. Each connection's unsent bytes are bounded by WS_MAX_BUFFERED_BYTES; past it
// the connection is closed and counted. Real clients: a Socket.IO client on HTTP long-polling
// that stops polling (its backlog stays in the service), a /ws client that stops reading.
import WebSocket from 'ws';
import { clientsFor } from './support/clients';
import { anAsset, MarketSeeder } from './support/market-fixtures';
import { connectSocket, ingestTrades } from './support/realtime-clients';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const BOUND = 16_384;
const SYMBOLS = Array.from({ length: 200 }, (_, i) => `SLOW${i}`);

describe('Slow real-time consumers (e2e)', () => {
  let sut: TestApp;
  let round = 0;
  const { polling, service } = clientsFor(() => sut.baseUrl);

  /** One price per symbol (200 updates, ~30 KiB of messages to a subscriber of all of them). */
  const pump = async (): Promise<void> => {
    round += 1;
    await ingestTrades(
      sut.app,
      SYMBOLS.map((symbol, i) => ({ symbol, price: 100 + i + round / 100 })),
    );
    await new Promise((resolve) => setTimeout(resolve, 15));
  };
  const closedCount = async (protocol: string): Promise<number> => {
    const { text: metrics } = await service.metrics();
    const line = new RegExp(
      `^realtime_slow_consumers_closed_total\\{protocol="${protocol}"\\} (\\d+)`,
      'm',
    );
    return Number(line.exec(metrics)?.[1] ?? 0);
  };

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'csv',
        WS_MIN_INTERVAL_MS: '10',
        WS_MAX_BUFFERED_BYTES: String(BOUND),
        WS_MAX_SYMBOLS_PER_CLIENT: String(SYMBOLS.length),
      },
    });
    await new MarketSeeder(sut.app).assets(
      SYMBOLS.map((symbol) => anAsset({ symbol, currentPrice: 100 })),
    );
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('closes a Socket.IO client that stops polling once its backlog passes the bound', async () => {
    // The engine.io v4 long-polling protocol, by hand, so the client can stop reading.
    const sid = await polling.open();
    await polling.send(sid, '40');
    expect((await polling.poll(sid)).text).toContain('"connected"');
    await polling.send(sid, `42["subscribe",${JSON.stringify({ symbols: SYMBOLS })}]`);
    const before = await closedCount('socket.io');

    // From here on the client never polls: everything sent to it stays queued in the service.
    for (let i = 0; i < 40 && (await closedCount('socket.io')) === before; i += 1) await pump();
    await waitFor(async () => (await closedCount('socket.io')) === before + 1, 'the close');

    // The session is gone: the service keeps nothing for it.
    const after = await polling.poll(sid);
    expect(after.status).toBe(400);
  });

  it('keeps a Socket.IO client that reads, whatever the traffic', async () => {
    const before = await closedCount('socket.io');
    const client = await connectSocket(sut.baseUrl);
    await client.emitWithAck('subscribe', { symbols: SYMBOLS });

    for (let i = 0; i < 5; i += 1) await pump();
    await waitFor(() => client.of('price_update').length >= 5 * SYMBOLS.length, 'the updates');

    // Far more than the bound went through, over time, and the reader stayed connected.
    expect(JSON.stringify(client.of('price_update')).length).toBeGreaterThan(4 * BOUND);
    expect(await closedCount('socket.io')).toBe(before);
    expect(client.socket.connected).toBe(true);
    client.close();
  });

  // The kernel's socket buffers (megabytes) fill before the service's queue: 100–200 rounds of
  // ingestion, 10–20 s on an idle machine, several times that on a busy one.
  it('closes a /ws client that stops reading once its backlog passes the bound', async () => {
    const before = await closedCount('ws');
    const client = new WebSocket(`${sut.baseUrl.replace(/^http/, 'ws')}/ws/prices/ALL`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    let closed = false;
    client.once('close', () => (closed = true));
    // Stop reading: the kernel's buffers fill first, then the service's queue.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();

    for (let i = 0; i < 600 && !closed && (await closedCount('ws')) === before; i += 1) {
      await pump();
    }
    expect(await closedCount('ws')).toBe(before + 1);
    client.terminate();
  }, 240_000);
});
