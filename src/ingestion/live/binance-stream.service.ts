import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import WebSocket from 'ws';
import { OutageLog, nextAttemptAt } from '../../common/logging/outage-log';
import { AppConfig } from '../../config/app-config';
import { AdvisoryLockService } from '../../database/advisory-lock.service';
import { decimal } from '../providers/binance.provider';
import {
  MAX_AMOUNT,
  MAX_PRICE,
  candleProblem,
  numberProblem,
  timeProblem,
} from '../providers/record-checks';
import { KlineSyncService } from './kline-sync.service';
import { LiveFeedFactory, type LiveFeed } from './live-feed';

const QUOTE = 'USDT';
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Binance pings every 20 s and sends trades constantly: silence this long means a dead link. */
const SILENCE_LIMIT_MS = 60_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
export const KLINES_LOCK = 'ingestion:binance-klines';

/** Exponential backoff with jitter (half to all of the step), so instances do not reconnect in step. */
export function reconnectDelay(attempt: number, random = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(step * (0.5 + random() / 2));
}

interface StreamMessage {
  stream?: string;
  data?: {
    e?: string;
    s?: string;
    p?: unknown;
    q?: unknown;
    T?: unknown;
    k?: Record<string, unknown>;
  };
}

/**
 * The Binance live market stream (combined `<pair>@trade` and `<pair>@kline_1m` streams of
 * the tracked symbols): trades feed the live candles and latest prices, closed klines
 * replace the traded candle with the exchange's own. Reconnects with backoff and jitter,
 * answers pings (the ws client pongs by itself), reconnects before Binance's 24 h cut-off,
 * treats a silent connection as dead, and after every (re)connection backfills the missed
 * minutes through REST klines so candles have no silent holes. One instance streams
 * (advisory lock); the others take over if it goes away.
 */
@Injectable()
export class BinanceStreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BinanceStreamService.name);
  private duty?: { stop(): Promise<void> };
  /** Connections opened since start (for tests and metrics). */
  connections = 0;
  invalidMessages = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly feeds: LiveFeedFactory,
    private readonly locks: AdvisoryLockService,
    private readonly klines: KlineSyncService,
  ) {}

  get enabled(): boolean {
    const { providers, binance } = this.config.ingestion;
    return providers.includes('binance') && binance.stream && binance.symbols.length > 0;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.duty = this.locks.lead('ingestion:binance-stream', () => this.run());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.duty?.stop();
  }

  private run(): Promise<() => Promise<void>> {
    const { symbols, wsUrl, wsMaxAgeMs } = this.config.ingestion.binance;
    const streams = symbols.flatMap((s) => {
      const pair = `${s}${QUOTE}`.toLowerCase();
      return [`${pair}@trade`, `${pair}@kline_1m`];
    });
    const url = `${wsUrl.replace(/\/$/, '')}/stream?streams=${streams.join('/')}`;
    const feed = this.feeds.create('binance');
    feed.start();

    let stopped = false;
    let lastError: string | undefined;
    const outage = new OutageLog(this.logger, `Binance stream (${wsUrl})`);
    let socket: WebSocket | undefined;
    let attempt = 0;
    let reconnectTimer: NodeJS.Timeout | undefined;
    let backfill: Promise<unknown> = Promise.resolve();

    const connect = () => {
      if (stopped) return;
      const ws = new WebSocket(url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
      socket = ws;
      let ageTimer: NodeJS.Timeout | undefined;
      let renewing = false;
      let silenceTimer: NodeJS.Timeout | undefined;
      const heard = () => {
        clearTimeout(silenceTimer);
        silenceTimer = setTimeout(() => {
          lastError = `no message for ${SILENCE_LIMIT_MS / 1_000} s`;
          ws.terminate();
        }, SILENCE_LIMIT_MS);
      };
      ws.on('open', () => {
        const reconnected = this.connections > 0;
        this.connections++;
        attempt = 0;
        lastError = undefined;
        if (!outage.recovered()) {
          const connected = `connected (${symbols.length} symbols)`;
          if (reconnected) this.logger.debug(connected);
          else this.logger.log(connected);
        }
        heard();
        ageTimer = setTimeout(() => {
          this.logger.log('renewing the connection before the 24 h cut-off');
          renewing = true;
          ws.close(1000, 'renewing');
        }, wsMaxAgeMs);
        backfill = backfill.then(() => this.backfill(reconnected ? 'reconnected' : 'connected'));
      });
      ws.on('ping', heard);
      ws.on('message', (data: WebSocket.RawData) => {
        heard();
        this.handle(feed, data);
      });
      ws.on('error', (error) => (lastError = error.message));
      ws.on('close', (code) => {
        clearTimeout(ageTimer);
        clearTimeout(silenceTimer);
        if (stopped) return;
        const delay = renewing ? 0 : reconnectDelay(attempt++);
        if (!renewing) {
          outage.failed(lastError ?? `closed (${code})`, nextAttemptAt(Date.now() + delay));
        }
        reconnectTimer = setTimeout(connect, delay);
      });
    };
    connect();

    return Promise.resolve(async () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      socket?.terminate();
      await backfill;
      await feed.stop();
    });
  }

  private handle(feed: LiveFeed, raw: WebSocket.RawData): void {
    let message: StreamMessage;
    try {
      const bytes = Array.isArray(raw)
        ? Buffer.concat(raw)
        : Buffer.isBuffer(raw)
          ? raw
          : Buffer.from(new Uint8Array(raw));
      message = JSON.parse(bytes.toString('utf8')) as StreamMessage;
    } catch {
      this.invalid('not JSON');
      return;
    }
    const data = message.data;
    const pair = typeof data?.s === 'string' ? data.s : '';
    if (!pair.endsWith(QUOTE)) return this.invalid('no USDT pair');
    const symbol = pair.slice(0, -QUOTE.length);
    if (data?.e === 'trade') {
      const price = decimal(data.p);
      const quantity = decimal(data.q);
      if (price === null || quantity === null || typeof data.T !== 'number') {
        return this.invalid('trade without price, quantity or time');
      }
      const problem =
        numberProblem('price', price, Number.MIN_VALUE, MAX_PRICE) ??
        numberProblem('quantity', quantity, 0, MAX_AMOUNT) ??
        timeProblem('trade time', data.T, Date.now());
      if (problem) return this.invalid(problem);
      feed.addTrade({ symbol, price, quantity, time: data.T });
    } else if (data?.e === 'kline' && data.k) {
      // Only a closed kline is final; open ones are what our own trades already build.
      if (data.k.x !== true) return;
      const k = data.k;
      const [open, high, low, close, volume, quoteVolume] = [k.o, k.h, k.l, k.c, k.v, k.q].map(
        decimal,
      );
      if (
        typeof k.t !== 'number' ||
        typeof k.n !== 'number' ||
        [open, high, low, close, volume, quoteVolume].some((v) => v === null)
      ) {
        return this.invalid('kline without its documented fields');
      }
      const problem =
        candleProblem(open!, high!, low!, close!, volume!) ??
        timeProblem('kline open time', k.t, Date.now());
      if (problem) return this.invalid(problem);
      feed.addFinalCandle({
        symbol,
        openTime: k.t,
        open: open!,
        high: high!,
        low: low!,
        close: close!,
        volume: volume!,
        quoteVolume: quoteVolume!,
        tradeCount: k.n,
        isClosed: true,
      });
    }
  }

  /** Counted and logged now and then: a changed format shows without flooding the log. */
  private invalid(why: string): void {
    if (this.invalidMessages++ % 1_000 === 0) {
      this.logger.warn(`ignored a stream message (${why}); ${this.invalidMessages} so far`);
    }
  }

  private async backfill(reason: 'connected' | 'reconnected'): Promise<void> {
    const outcome = await this.locks
      .withLock(KLINES_LOCK, async () =>
        this.klines.execute(await this.klines.begin('stream', reason)),
      )
      .catch((error: unknown) => {
        this.logger.warn(`backfill after ${reason} failed: ${String(error)}`);
        return null;
      });
    if (outcome?.acquired) {
      this.logger.log(`backfill after ${reason}: ${outcome.result.status}`);
    }
  }
}
