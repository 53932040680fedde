import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import { requestedSymbols, type SubscriptionRequestDto } from './dto/subscription-request.dto';
import { KnownSymbolsService } from './known-symbols.service';
import type { SubscriptionChangePayload } from './realtime.events';

/**
 * The subscription registry of both protocols (Socket.IO sockets and /ws connections, by
 * client id) and its rules: known symbols only, at most WS_MAX_SYMBOLS_PER_CLIENT each.
 * A request is applied whole or not at all.
 */
@Injectable()
export class SubscriptionsService {
  private readonly byClient = new Map<string, Set<string>>();
  private readonly maxSymbols: number;

  constructor(
    config: AppConfig,
    private readonly knownSymbols: KnownSymbolsService,
  ) {
    this.maxSymbols = config.realtime.maxSymbolsPerClient;
  }

  async subscribe(
    clientId: string,
    request: SubscriptionRequestDto,
  ): Promise<SubscriptionChangePayload> {
    const symbols = requestedSymbols(request);
    const unknown = await this.knownSymbols.unknownAmong(symbols);
    if (unknown.length > 0) {
      throw new AppException(
        ErrorCode.NotFound,
        `Unknown symbol${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      );
    }
    const current = this.byClient.get(clientId) ?? new Set<string>();
    const added = symbols.filter((symbol) => !current.has(symbol));
    if (current.size + added.length > this.maxSymbols) {
      throw new AppException(
        ErrorCode.LimitExceeded,
        `At most ${this.maxSymbols} symbols per client: already subscribed to ${current.size}, ` +
          `${added.length} more requested`,
      );
    }
    for (const symbol of added) current.add(symbol);
    this.byClient.set(clientId, current);
    return { symbols: added, subscriptions: [...current] };
  }

  unsubscribe(clientId: string, request: SubscriptionRequestDto): SubscriptionChangePayload {
    const current = this.byClient.get(clientId) ?? new Set<string>();
    const removed = requestedSymbols(request).filter((symbol) => current.delete(symbol));
    if (current.size === 0) this.byClient.delete(clientId);
    return { symbols: removed, subscriptions: [...current] };
  }

  subscriptionsOf(clientId: string): string[] {
    return [...(this.byClient.get(clientId) ?? [])];
  }

  /** A recovered Socket.IO session comes back with its rooms: the registry follows them. */
  restore(clientId: string, symbols: readonly string[]): void {
    if (symbols.length > 0) this.byClient.set(clientId, new Set(symbols));
  }

  forget(clientId: string): void {
    this.byClient.delete(clientId);
  }
}
