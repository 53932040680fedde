import { Controller, Get, Header, HttpCode, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { AppException } from '../common/errors/app.exception';
import { ParseSymbolPipe } from '../common/pipes/parse-symbol.pipe';
import { AppConfig } from '../config/app-config';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { loadStaticFiles, renderPage, type StaticFile } from './dashboard-files';

const FILE_NAME = /^[a-z-]+\.(js|css)$/;

/**
 * The dashboard's pages (market, one asset, operations) and their static files. Pages are
 * shells: their scripts read the public API and the Socket.IO stream like any client.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  private readonly files: ReadonlyMap<string, StaticFile> = loadStaticFiles();
  private readonly market: string;
  private readonly ops: string;

  constructor(
    private readonly config: AppConfig,
    private readonly cryptocurrencies: CryptocurrenciesService,
  ) {
    this.market = renderPage('market', this.settings());
    this.ops = renderPage('ops', {
      ...this.settings(),
      'ops-key': config.dashboard.opsRequireApiKey ? 'required' : 'none',
    });
  }

  @Get()
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  marketPage(): string {
    return this.market;
  }

  @Get('assets/:symbol')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  async assetPage(@Param('symbol', ParseSymbolPipe) symbol: string): Promise<string> {
    const asset = await this.cryptocurrencies.require(symbol);
    return renderPage('asset', { ...this.settings(), symbol: asset.symbol, name: asset.name });
  }

  /** A shell: its data (/dashboard/data/ops) is what may need an admin key. */
  @Get('ops')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  opsPage(): string {
    return this.ops;
  }

  /** Static files are cheap and a page needs several: not counted against the rate limit. */
  @Get('static/:file')
  @SkipThrottle()
  @HttpCode(200)
  @Header('cache-control', 'public, max-age=300')
  staticFile(@Param('file') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const file = FILE_NAME.test(name) ? this.files.get(name) : undefined;
    if (!file) throw AppException.notFound(`No dashboard file named '${name}'`);
    void reply.header('content-type', file.contentType);
    return file.body;
  }

  private settings(): Record<string, string | number> {
    return {
      'price-stale-seconds': this.config.marketData.priceStaleSeconds,
      'max-symbols': this.config.realtime.maxSymbolsPerClient,
    };
  }
}
