import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { mapCryptocurrency } from '../cryptocurrencies/cryptocurrency.mapper';
import type { AssetEntity } from '../cryptocurrencies/entities/asset.entity';
import { convert } from '../currencies/conversion';
import { CurrenciesService } from '../currencies/currencies.service';
import { QuoteConverter, type Quote } from '../currencies/quote-converter';
import { CoinGeckoV3Repository } from './coingecko-v3.repository';
import type { ChangeWindow, CoinQuery, MarketsQuery } from './dto/v3-queries';
import type { CoinDetailDto, MarketCoinDto, MarketDataDto } from './dto/v3-responses';
import { coinIdOf, percentFrom, rounder, toMarketCoin } from './v3.mapper';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Windows the asset's own columns do not hold: from the daily close that many days ago. */
const FROM_CLOSES: Partial<Record<ChangeWindow, number>> = { '14d': 14, '200d': 200, '1y': 365 };

/** `/coins/markets`, `/coins/{id}`: assets in CoinGecko's shapes, in any quote currency. */
@Injectable()
export class CoinsV3Service {
  constructor(
    private readonly repository: CoinGeckoV3Repository,
    private readonly quotes: QuoteConverter,
    private readonly currencies: CurrenciesService,
  ) {}

  async markets(query: MarketsQuery): Promise<MarketCoinDto[]> {
    const quote = await this.quotes.quote(query.vs_currency);
    const perPage = query.per_page ?? 100;
    const assets = await this.repository.markets(
      { ids: query.ids, symbols: query.symbols, names: query.names },
      query.order ?? 'market_cap_desc',
      ((query.page ?? 1) - 1) * perPage,
      perPage,
    );
    const round = rounder(query.precision);
    const ids = assets.map((a) => a.id);
    const windows = query.price_change_percentage ?? [];
    const now = Date.now();
    const pastDays = windows.flatMap((w) =>
      FROM_CLOSES[w] ? [dayStart(now - FROM_CLOSES[w] * DAY)] : [],
    );
    const [sparklines, closes] = await Promise.all([
      query.sparkline ? this.repository.hourlyCloses(ids, new Date(now - 7 * DAY)) : null,
      pastDays.length ? this.repository.dailyClosesOn(ids, pastDays) : null,
    ]);
    return assets.map((asset) => {
      const native = mapCryptocurrency(asset, quote);
      const coin = toMarketCoin(asset, native, round);
      if (sparklines) {
        coin.sparkline_in_7d = {
          price: (sparklines.get(asset.id) ?? []).flatMap(({ time, close }) => {
            const value = round(convert(close, quote.rates.instant(time + HOUR)));
            return value === null ? [] : [value];
          }),
        };
      }
      for (const window of windows) {
        const key = `price_change_percentage_${window}_in_currency` as const;
        const days = FROM_CLOSES[window];
        if (days === undefined) {
          coin[key] = nativeChange(native, window);
          continue;
        }
        const day = dayStart(now - days * DAY).getTime();
        const then = closes?.get(asset.id)?.find((c) => c.time === day);
        coin[key] = then
          ? percentFrom(native.current_price, convert(then.close, quote.rates.at(day)))
          : null;
      }
      return coin;
    });
  }

  async coin(id: string, query: CoinQuery): Promise<CoinDetailDto> {
    const asset = await this.require(id);
    const coinId = coinIdOf(asset);
    const detail: CoinDetailDto = {
      id: coinId,
      symbol: asset.symbol.toLowerCase(),
      name: asset.name,
      web_slug: asset.slug ?? coinId,
      asset_platform_id: null,
      platforms: {},
      detail_platforms: {},
      block_time_in_minutes: 0,
      hashing_algorithm: null,
      categories: [],
      preview_listing: false,
      public_notice: null,
      additional_notices: [],
      ...(query.localization === false ? {} : { localization: { en: asset.name } }),
      description: { en: asset.description ?? '' },
      links: { homepage: asset.website ? [asset.website] : [] },
      image: {
        thumb: asset.imageUrl ?? '',
        small: asset.imageUrl ?? '',
        large: asset.imageUrl ?? '',
      },
      country_origin: '',
      genesis_date: null,
      sentiment_votes_up_percentage: null,
      sentiment_votes_down_percentage: null,
      watchlist_portfolio_users: 0,
      market_cap_rank: asset.marketCapRank,
      market_cap_rank_with_rehypothecated: asset.marketCapRank,
      has_supply_breakdown: false,
      status_updates: [],
      last_updated: (asset.lastUpdated ?? asset.updatedAt).toISOString(),
    };
    if (query.market_data !== false) detail.market_data = await this.marketData(asset, query);
    if (query.tickers !== false) detail.tickers = [];
    return detail;
  }

  /** Coins by id, else a 404 in CoinGecko's words. */
  async require(id: string): Promise<AssetEntity> {
    const asset = /^[a-z0-9][a-z0-9._-]{0,99}$/.test(id)
      ? await this.repository.findById(id)
      : null;
    if (!asset) throw AppException.notFound('coin not found');
    return asset;
  }

  /** The per-currency maps of `/coins/{id}`: every supported currency. */
  private async marketData(asset: AssetEntity, query: CoinQuery): Promise<MarketDataDto> {
    const codes = [...(await this.currencies.supported()).keys()];
    const quotes: Quote[] = await this.quotes.quotes(codes, 'vs_currency');
    const maps = quotes.map(
      (quote) => [quote.currency.code, mapCryptocurrency(asset, quote)] as const,
    );
    const map = <T>(pick: (n: ReturnType<typeof mapCryptocurrency>) => T) =>
      Object.fromEntries(maps.map(([code, n]) => [code, pick(n)]));
    const usd = mapCryptocurrency(asset);
    const data: MarketDataDto = {
      current_price: map((n) => n.current_price),
      market_cap: map((n) => n.market_cap),
      fully_diluted_valuation: map((n) => n.fully_diluted_valuation),
      total_volume: map((n) => n.total_volume),
      high_24h: map((n) => n.high_24h),
      low_24h: map((n) => n.low_24h),
      ath: map((n) => n.ath),
      ath_change_percentage: map((n) => percentFrom(n.current_price, n.ath)),
      ath_date: map((n) => n.ath_date),
      atl: map((n) => n.atl),
      atl_change_percentage: map((n) => percentFrom(n.current_price, n.atl)),
      atl_date: map((n) => n.atl_date),
      price_change_24h_in_currency: map((n) => n.price_change_24h),
      price_change_percentage_1h_in_currency: map((n) => n.price_change_percentage_1h),
      price_change_percentage_24h_in_currency: map((n) => n.price_change_percentage_24h),
      price_change_percentage_7d_in_currency: map((n) => n.price_change_percentage_7d),
      price_change_percentage_30d_in_currency: map((n) => n.price_change_percentage_30d),
      price_change_24h: usd.price_change_24h,
      price_change_percentage_24h: usd.price_change_percentage_24h,
      price_change_percentage_7d: usd.price_change_percentage_7d,
      price_change_percentage_30d: usd.price_change_percentage_30d,
      market_cap_rank: asset.marketCapRank,
      circulating_supply: usd.circulating_supply,
      total_supply: usd.total_supply,
      max_supply: usd.max_supply,
      last_updated: usd.last_updated,
    };
    if (query.sparkline) {
      const closes = await this.repository.hourlyCloses([asset.id], new Date(Date.now() - 7 * DAY));
      data.sparkline_7d = (closes.get(asset.id) ?? []).map((c) => Number(c.close));
    }
    return data;
  }
}

const dayStart = (ms: number) => new Date(Math.floor(ms / DAY) * DAY);

function nativeChange(
  native: ReturnType<typeof mapCryptocurrency>,
  window: ChangeWindow,
): number | null {
  switch (window) {
    case '1h':
      return native.price_change_percentage_1h;
    case '24h':
      return native.price_change_percentage_24h;
    case '7d':
      return native.price_change_percentage_7d;
    case '30d':
      return native.price_change_percentage_30d;
    case '14d':
    case '200d':
    case '1y':
      return null;
  }
}
