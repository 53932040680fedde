import { ConfigValidationError, loadAppConfig } from './app-config';

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe(loadAppConfig.name, () => {
  it('applies the documented defaults to an empty environment', () => {
    const sut = loadAppConfig({});

    expect(sut.env).toBe('development');
    expect(sut.http).toMatchObject({
      host: '0.0.0.0',
      port: 3000,
      corsOrigins: '*',
      bodyLimitBytes: 102_400,
    });
    expect(sut.database).toMatchObject({
      url: undefined,
      pgliteDataDir: './data/pglite',
      poolSize: 10,
    });
    expect(sut.redis.url).toBeUndefined();
    expect(sut.cache.ttlSeconds).toBe(300);
    expect(sut.rateLimit).toEqual({ perMinute: 100, partnerPerMinute: 1_000, syncPerMinute: 10 });
    expect(sut.ingestion.providers).toEqual(['coingecko', 'binance', 'csv']);
    expect(sut.ingestion.syncOnStartup).toBe(true);
    expect(sut.ingestion.top50IntervalMs).toBe(300_000);
    expect(sut.ingestion.simulator).toEqual({
      enabled: false,
      symbols: ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'DOGE', 'AVAX'],
      tradesPerSecond: 20,
    });
    expect(sut.ingestion.binance).toMatchObject({ stream: true, wsMaxAgeMs: 82_800_000 });
    expect(sut.ingestion.binance.symbols).toHaveLength(20);
    expect(sut.ingestion.coingecko.baseUrl).toBe('https://api.coingecko.com/api/v3');
    expect(sut.ingestion.binance.wsUrl).toBe('wss://stream.binance.com:9443');
    expect(sut.realtime).toEqual({
      minIntervalMs: 250,
      maxSymbolsPerClient: 50,
      maxBufferedBytes: 1_048_576,
      messagesPerSecond: 20,
      requireApiKey: false,
      recoveryWindowMs: 120_000,
      heartbeatMs: 25_000,
    });
    expect(sut.log.level).toBe('info');
    expect(sut.idempotency).toEqual({ leaseSeconds: 30 });
  });

  it('reads and converts every kind of value', () => {
    const sut = loadAppConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://app:secret@db:5432/market',
      REDIS_URL: 'redis://cache:6379/0',
      SYNC_ON_STARTUP: 'false',
      MARKET_SIMULATOR: 'yes',
      SIMULATOR_SYMBOLS: 'btc, eth,BTC',
      INGESTION_PROVIDERS: ' binance , csv,binance ',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      CACHE_TTL_SECONDS: '60',
      IDEMPOTENCY_LEASE_SECONDS: '2',
    });

    expect(sut.http.port).toBe(8080);
    expect(sut.database.url).toBe('postgres://app:secret@db:5432/market');
    expect(sut.redis.url).toBe('redis://cache:6379/0');
    expect(sut.ingestion.syncOnStartup).toBe(false);
    expect(sut.ingestion.simulator).toMatchObject({ enabled: true, symbols: ['BTC', 'ETH'] });
    expect(sut.ingestion.providers).toEqual(['binance', 'csv']);
    expect(sut.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(sut.cache.ttlSeconds).toBe(60);
    expect(sut.idempotency.leaseSeconds).toBe(2);
  });

  it('treats empty values as unset', () => {
    const sut = loadAppConfig({ DATABASE_URL: '', PORT: ' ', REDIS_URL: '' });

    expect(sut.database.url).toBeUndefined();
    expect(sut.http.port).toBe(3000);
    expect(sut.redis.url).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '3.5'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'notaurl'],
    ['DATABASE_URL', 'mysql://db/x'],
    ['REDIS_URL', 'localhost:6379'],
    ['SYNC_ON_STARTUP', 'maybe'],
    ['INGESTION_PROVIDERS', 'coingecko,kraken'],
    ['BINANCE_SYMBOLS', 'BTC,ETH-USD'],
    ['SIMULATOR_SYMBOLS', ''.padEnd(21, 'X')],
    ['LIVE_FLUSH_MS', '10'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['COINGECKO_BASE_URL', 'ftp://example.com'],
    ['BINANCE_WS_URL', 'https://stream.binance.com'],
    ['ADMIN_API_KEY', 'short'],
    ['CACHE_TTL_SECONDS', '0'],
    ['WS_MIN_INTERVAL_MS', '5'],
    ['WS_MAX_SYMBOLS_PER_CLIENT', '0'],
    ['WS_MAX_BUFFERED_BYTES', '1024'],
    ['WS_REQUIRE_API_KEY', 'maybe'],
    ['DASHBOARD_OPS_REQUIRE_API_KEY', 'maybe'],
    ['WS_RECOVERY_WINDOW_SECONDS', '-1'],
    ['INGESTION_TOP50_INTERVAL_SECONDS', '0'],
    ['IDEMPOTENCY_LEASE_SECONDS', '0'],
    ['IDEMPOTENCY_LEASE_SECONDS', '3601'],
    ['IDEMPOTENCY_LEASE_SECONDS', '1.5'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    const problems = problemsOf({ [variable]: value });

    expect(problems.map((p) => p.variable)).toEqual([variable]);
  });

  it('reports every bad variable at once, in a message that names them', () => {
    let message = '';
    try {
      loadAppConfig({ PORT: 'abc', DATABASE_URL: 'notaurl' });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('PORT: must be an integer between 0 and 65535');
    expect(message).toContain(
      'DATABASE_URL: must be a postgres:// or postgresql:// connection URL',
    );
  });

  it('never echoes values, which may be secrets', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres//user:hunter2@db' });

    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('requires an explicit CORS origin list in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).map((p) => p.variable)).toEqual(['CORS_ORIGINS']);
    expect(
      problemsOf({ NODE_ENV: 'production', CORS_ORIGINS: '*' }).map((p) => p.variable),
    ).toEqual(['CORS_ORIGINS']);
    expect(
      loadAppConfig({ NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example' }).http
        .corsOrigins,
    ).toEqual(['https://app.example']);
  });

  it('asks for an admin key on the operations view when told to, or when WebSockets need one', () => {
    expect(loadAppConfig({}).dashboard.opsRequireApiKey).toBe(false);
    expect(loadAppConfig({ WS_REQUIRE_API_KEY: 'true' }).dashboard.opsRequireApiKey).toBe(true);
    expect(
      loadAppConfig({ WS_REQUIRE_API_KEY: 'true', DASHBOARD_OPS_REQUIRE_API_KEY: 'false' })
        .dashboard.opsRequireApiKey,
    ).toBe(false);
    expect(loadAppConfig({ DASHBOARD_OPS_REQUIRE_API_KEY: 'yes' }).dashboard.opsRequireApiKey).toBe(
      true,
    );
  });
});
