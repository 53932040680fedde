import { Injectable } from '@nestjs/common';
import { AssetsRepository } from '../cryptocurrencies/assets.repository';

const KNOWN_TTL_MS = 60_000;
/** Short, so an asset created by an ingestion is subscribable almost at once. */
const UNKNOWN_TTL_MS = 5_000;
/** Answers for made-up symbols must not grow memory without bound. */
const MAX_ENTRIES = 10_000;

/** Which symbols are known assets, remembered briefly so subscriptions do not query per message. */
@Injectable()
export class KnownSymbolsService {
  private readonly answers = new Map<string, { known: boolean; until: number }>();

  constructor(private readonly assets: AssetsRepository) {}

  /** The symbols (upper case) that are not known assets. */
  async unknownAmong(symbols: readonly string[]): Promise<string[]> {
    const now = Date.now();
    const toLookUp = symbols.filter((symbol) => (this.answers.get(symbol)?.until ?? 0) <= now);
    if (toLookUp.length > 0) {
      const found = await this.assets.findIdsBySymbols(toLookUp);
      if (this.answers.size + toLookUp.length > MAX_ENTRIES) this.answers.clear();
      for (const symbol of toLookUp) {
        const known = found.has(symbol);
        this.answers.set(symbol, { known, until: now + (known ? KNOWN_TTL_MS : UNKNOWN_TTL_MS) });
      }
    }
    return symbols.filter((symbol) => !this.answers.get(symbol)?.known);
  }
}
