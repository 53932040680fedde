import type { Logger } from '@nestjs/common';
import { OutageLog, nextAttemptAt } from './outage-log';

function recordingLogger() {
  const lines: [string, string][] = [];
  const logger = {
    warn: (message: string) => lines.push(['warn', message]),
    debug: (message: string) => lines.push(['debug', message]),
    log: (message: string) => lines.push(['log', message]),
  } as unknown as Logger;
  return { logger, lines };
}

describe(OutageLog.name, () => {
  it('warns once per outage with the retry, then says once that it is back', () => {
    const { logger, lines } = recordingLogger();
    const sut = new OutageLog(logger, 'CoinGecko');

    sut.failed('fetch failed (ENOTFOUND)', nextAttemptAt(Date.UTC(2026, 11, 4, 16, 45)));
    sut.failed('fetch failed (ENOTFOUND)');
    sut.failed('fetch failed (ENOTFOUND)');
    expect(sut.recovered()).toBe(true);
    expect(sut.recovered()).toBe(false);

    expect(lines.map(([level]) => level)).toEqual(['warn', 'debug', 'debug', 'log']);
    expect(lines[0][1]).toBe(
      'CoinGecko unreachable: fetch failed (ENOTFOUND); next attempt at 16:45:00 UTC ' +
        '(further failures are logged at debug until it is back)',
    );
    expect(lines[3][1]).toMatch(/^CoinGecko reachable again after \d+ s \(3 failed attempts\)$/);
  });

  it('warns again when a new outage starts', () => {
    const { logger, lines } = recordingLogger();
    const sut = new OutageLog(logger, 'Binance stream');

    sut.failed('ECONNRESET');
    sut.recovered();
    sut.failed('ECONNRESET');

    expect(lines.filter(([level]) => level === 'warn')).toHaveLength(2);
  });
});
