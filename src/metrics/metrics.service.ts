import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus registry of this process: default runtime metrics and HTTP timings. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly slowConsumersClosed = new Counter({
    name: 'realtime_slow_consumers_closed_total',
    help: 'Real-time connections closed because their unsent data passed WS_MAX_BUFFERED_BYTES',
    labelNames: ['protocol'] as const,
    registers: [this.registry],
  });

  private readonly staleBroadcastsDropped = new Counter({
    name: 'realtime_stale_broadcasts_dropped_total',
    help: 'Broadcasts from another instance dropped as stale (queued during a Redis outage)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `route` is the route template (`/api/v1/x/:symbol`), never the raw URL, to bound cardinality. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  countSlowConsumerClosed(protocol: 'socket.io' | 'ws'): void {
    this.slowConsumersClosed.inc({ protocol });
  }

  countStaleBroadcastDropped(): void {
    this.staleBroadcastsDropped.inc();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
