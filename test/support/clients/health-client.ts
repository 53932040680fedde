// /health: the full report, liveness and readiness.
import type { HealthDto, LivenessDto, ReadinessDto } from '../api-types';
import type { Answer, ApiClient } from './api-client';

export class HealthClient {
  constructor(private readonly api: ApiClient) {}

  report(): Promise<Answer<HealthDto>> {
    return this.api.get('/health');
  }

  live(): Promise<Answer<LivenessDto>> {
    return this.api.get('/health/live');
  }

  ready(): Promise<Answer<ReadinessDto>> {
    return this.api.get('/health/ready');
  }
}
