// The environment contract (docs/architecture.md, "Configuration contract"): every variable the
// service reads, with its default and its validation rule, in one class per concern. Read and
// validated together, once at boot (loadAppConfig).
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { CurrencyEnvironment } from './currency-environment';
import { IngestionEnvironment } from './ingestion-environment';
import { ProviderEnvironment } from './provider-environment';
import { RealtimeEnvironment } from './realtime-environment';
import { SecurityEnvironment } from './security-environment';
import { ServerEnvironment } from './server-environment';
import { StorageEnvironment } from './storage-environment';

/** Every variable the service reads, validated. */
export type Environment = ServerEnvironment &
  StorageEnvironment &
  SecurityEnvironment &
  IngestionEnvironment &
  ProviderEnvironment &
  RealtimeEnvironment &
  CurrencyEnvironment;

/**
 * Reads `source`'s variables into their classes (empty strings count as unset) and validates
 * them: `errors` names every bad variable; when it is empty, `env` is the valid environment.
 */
export function readEnvironment(source: Record<string, string | undefined>): {
  env: Environment;
  errors: ValidationError[];
} {
  // Each class is given its own variables only: plainToInstance copies any others untransformed.
  const read = <T extends object>(group: new () => T): T => {
    const plain: Record<string, string> = {};
    for (const key of Object.keys(new group())) {
      const value = source[key];
      if (value !== undefined && value.trim() !== '') plain[key] = value;
    }
    return plainToInstance(group, plain);
  };
  const server = read(ServerEnvironment);
  const storage = read(StorageEnvironment);
  const security = read(SecurityEnvironment);
  const ingestion = read(IngestionEnvironment);
  const providers = read(ProviderEnvironment);
  const realtime = read(RealtimeEnvironment);
  const currencies = read(CurrencyEnvironment);
  const groups = [server, storage, security, ingestion, providers, realtime, currencies];
  return {
    env: {
      ...server,
      ...storage,
      ...security,
      ...ingestion,
      ...providers,
      ...realtime,
      ...currencies,
    },
    errors: groups.flatMap((group) => validateSync(group, { forbidUnknownValues: true })),
  };
}
