// The answers' shapes, as the service declares them (its response DTOs), for the test clients.
export type { ApiInfoDto } from '../../src/app.controller';
export type { ApiKeyListDto, CreatedApiKeyDto } from '../../src/auth/dto/api-key.dto';
export type {
  CryptocurrencyDetailDto,
  CryptocurrencyPageDto,
  TopCryptocurrenciesDto,
} from '../../src/cryptocurrencies/dto/cryptocurrency.dto';
export type { HealthDto, LivenessDto, ReadinessDto } from '../../src/health/dto/health.dto';
export type {
  HistoricalWindowDto,
  LatestWindowDto,
  MarketOhlcDto,
  MarketPriceDto,
} from '../../src/compatibility/dto/price-history-compatibility.dto';
export type { DataExportDto } from '../../src/cryptocurrencies/dto/data-export.dto';
export type { CandleImportResultDto } from '../../src/ingestion/dto/candle-import.dto';
export type { IngestionRunDto, IngestionStatsDto } from '../../src/ingestion/dto/ingestion.dto';
export type { SyncResultDto } from '../../src/ingestion/dto/sync.dto';
export type { HistoryDto } from '../../src/price-history/dto/history.dto';
export type { IndicatorsDto } from '../../src/price-history/dto/indicators.dto';
export type { LatestPriceDto } from '../../src/price-history/dto/latest-price.dto';
export type { OhlcDto } from '../../src/price-history/dto/ohlc.dto';
export type {
  SentimentAnalysisDto,
  SentimentBatchDto,
} from '../../src/sentiment/dto/sentiment-analysis.dto';
