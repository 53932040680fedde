// Every migration, in order. `npm run migration:generate` appends new ones here.
import { CreateApiKeys1795329449997 } from './1795329449997-CreateApiKeys';
import { CreateMarketData1795330856396 } from './1795330856396-CreateMarketData';
import { CreateIngestion1795334943952 } from './1795334943952-CreateIngestion';
import { AddSnapshotAnomalies1795336717586 } from './1795336717586-AddSnapshotAnomalies';
import { CreateIdempotencyKeys1795336959354 } from './1795336959354-CreateIdempotencyKeys';
import { AddStreamTrigger1795900000000 } from './1795900000000-AddStreamTrigger';
import { CandlesWithoutRowForeignKeys1796152448606 } from './1796152448606-CandlesWithoutRowForeignKeys';
import { RawPayloadsLz41796500000000 } from './1796500000000-RawPayloadsLz4';
import { IdempotencyResponseAsWritten1796600000000 } from './1796600000000-IdempotencyResponseAsWritten';
import { ApiKeyExpiryAndRevocation1796700000000 } from './1796700000000-ApiKeyExpiryAndRevocation';
import { RawPayloadsAsReceivedText1796800000000 } from './1796800000000-RawPayloadsAsReceivedText';
import { IdempotencyLease1796860000000 } from './1796860000000-IdempotencyLease';
import { CandleOrigins1796900000000 } from './1796900000000-CandleOrigins';
import { PartitionByMonth1797000000000 } from './1797000000000-PartitionByMonth';
import { CreateFxRates1797100000000 } from './1797100000000-CreateFxRates';

export const MIGRATIONS = [
  CreateApiKeys1795329449997,
  CreateMarketData1795330856396,
  CreateIngestion1795334943952,
  AddSnapshotAnomalies1795336717586,
  CreateIdempotencyKeys1795336959354,
  AddStreamTrigger1795900000000,
  CandlesWithoutRowForeignKeys1796152448606,
  RawPayloadsLz41796500000000,
  IdempotencyResponseAsWritten1796600000000,
  ApiKeyExpiryAndRevocation1796700000000,
  RawPayloadsAsReceivedText1796800000000,
  IdempotencyLease1796860000000,
  CandleOrigins1796900000000,
  PartitionByMonth1797000000000,
  CreateFxRates1797100000000,
];
