import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { mapCryptocurrency } from '../cryptocurrencies/cryptocurrency.mapper';
import { convert } from '../currencies/conversion';
import { CurrenciesService } from '../currencies/currencies.service';
import { QuoteConverter } from '../currencies/quote-converter';
import { CoinGeckoV3Repository } from './coingecko-v3.repository';
import type { CoinsListQuery, SearchQuery, SimplePriceQuery } from './dto/v3-queries';
import type { CoinListItemDto, ExchangeRatesDto, GlobalDto, SearchDto } from './dto/v3-responses';
import { coinIdOf, rounder } from './v3.mapper';

const SEARCH_LIMIT = 25;
const TOP_SHARES = 10;

/** `/simple/*`, `/coins/list`, `/search`, `/global`, `/exchange_rates`. */
@Injectable()
export class SimpleV3Service {
  constructor(
    private readonly repository: CoinGeckoV3Repository,
    private readonly quotes: QuoteConverter,
    private readonly currencies: CurrenciesService,
  ) {}

  async price(query: SimplePriceQuery): Promise<Record<string, Record<string, number | null>>> {
    if (!query.ids?.length && !query.symbols?.length && !query.names?.length) {
      throw AppException.validation([
        { field: 'ids', message: 'missing ids, symbols or names (at least one is required)' },
      ]);
    }
    const quotes = await this.quotes.quotes(query.vs_currencies, 'vs_currencies');
    const assets = await this.repository.select(query);
    const round = rounder(query.precision);
    const symbols = new Set(query.symbols);
    const ids = new Set(query.ids);
    const answer: Record<string, Record<string, number | null>> = {};
    for (const asset of assets) {
      const id = coinIdOf(asset);
      // Keyed as asked: by symbol when only its symbol was asked for, else by id.
      const key =
        !ids.has(id) && symbols.has(asset.symbol.toLowerCase()) ? asset.symbol.toLowerCase() : id;
      const entry: Record<string, number | null> = {};
      for (const quote of quotes) {
        const code = quote.currency.code;
        const native = mapCryptocurrency(asset, quote);
        entry[code] = round(native.current_price);
        if (query.include_market_cap) entry[`${code}_market_cap`] = native.market_cap;
        if (query.include_24hr_vol) entry[`${code}_24h_vol`] = native.total_volume;
        if (query.include_24hr_change)
          entry[`${code}_24h_change`] = native.price_change_percentage_24h;
      }
      if (query.include_last_updated_at) {
        entry.last_updated_at = asset.lastUpdated
          ? Math.floor(asset.lastUpdated.getTime() / 1_000)
          : null;
      }
      answer[key] = entry;
    }
    return answer;
  }

  async supportedVsCurrencies(): Promise<string[]> {
    return [...(await this.currencies.supported()).keys()];
  }

  async list(query: CoinsListQuery): Promise<CoinListItemDto[]> {
    // Every listed coin is active here: the inactive list is empty.
    if (query.status === 'inactive') return [];
    const coins = await this.repository.list();
    return query.include_platform ? coins.map((c) => ({ ...c, platforms: {} })) : coins;
  }

  async search(query: SearchQuery): Promise<SearchDto> {
    const coins = await this.repository.search(query.query.trim(), SEARCH_LIMIT);
    return {
      coins: coins.map((a) => ({
        id: coinIdOf(a),
        name: a.name,
        api_symbol: coinIdOf(a),
        symbol: a.symbol,
        market_cap_rank: a.marketCapRank,
        thumb: a.imageUrl ?? '',
        large: a.imageUrl ?? '',
      })),
      exchanges: [],
      icos: [],
      categories: [],
      nfts: [],
    };
  }

  /** Totals over the listed coins, in every supported currency. */
  async global(): Promise<GlobalDto> {
    const [assets, active, supported] = await Promise.all([
      this.repository.withMarketCap(),
      this.repository.activeCount(),
      this.currencies.supported(),
    ]);
    const quotes = await this.quotes.quotes([...supported.keys()], 'vs_currency');
    let marketCap = 0;
    let volume = 0;
    let capBefore = 0;
    let capNow = 0;
    for (const asset of assets) {
      const cap = Number(asset.marketCap);
      marketCap += cap;
      volume += Number(asset.totalVolume ?? 0);
      const change = asset.priceChangePercentage24h;
      if (change !== null) {
        capNow += cap;
        capBefore += cap / (1 + Number(change) / 100);
      }
    }
    const perCurrency = (usd: number) =>
      Object.fromEntries(quotes.map((q) => [q.currency.code, convert(usd, q.rates.now())]));
    return {
      data: {
        active_cryptocurrencies: active,
        upcoming_icos: 0,
        ongoing_icos: 0,
        ended_icos: 0,
        markets: 0,
        total_market_cap: perCurrency(marketCap),
        total_volume: perCurrency(volume),
        market_cap_percentage: Object.fromEntries(
          assets
            .slice(0, TOP_SHARES)
            .map((a) => [
              a.symbol.toLowerCase(),
              marketCap ? (Number(a.marketCap) / marketCap) * 100 : null,
            ]),
        ),
        market_cap_change_percentage_24h_usd: capBefore ? (capNow / capBefore - 1) * 100 : null,
        // Not tracked: the service keeps no total volume of 24 h ago.
        volume_change_percentage_24h_usd: null,
        updated_at: Math.floor(Date.now() / 1_000),
      },
    };
  }

  /** Units of every supported currency per bitcoin, from the same rates as every conversion. */
  async exchangeRates(): Promise<ExchangeRatesDto> {
    const supported = await this.currencies.supported();
    const btc = supported.get('btc');
    const btcRate = btc ? (await this.currencies.table(btc)).now() : null;
    if (!btcRate) {
      throw new AppException(
        ErrorCode.ServiceUnavailable,
        'no bitcoin price yet to state rates against',
        {
          headers: { 'retry-after': '60' },
        },
      );
    }
    const rates: ExchangeRatesDto['rates'] = {};
    for (const quote of await this.quotes.quotes([...supported.keys()], 'vs_currency')) {
      const perUsd = quote.rates.now();
      if (perUsd === null) continue;
      const { code, name, type } = quote.currency;
      rates[code] = {
        name,
        unit: code.toUpperCase(),
        value: Number((perUsd / btcRate).toPrecision(12)),
        type,
      };
    }
    return { rates };
  }
}
