import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DependencyCheckDto {
  @ApiProperty({ enum: ['up', 'degraded', 'down'], example: 'up' })
  status!: 'up' | 'degraded' | 'down';

  @ApiPropertyOptional({ example: 2, description: 'How long the check took, in milliseconds' })
  response_time_ms?: number;

  @ApiPropertyOptional({ example: 'embedded', description: 'embedded/in-memory or server' })
  mode?: string;

  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:6379' })
  message?: string;
}

export class HealthServicesDto {
  @ApiProperty({ example: 'healthy', description: '"healthy" or "unhealthy: <reason>"' })
  postgresql!: string;

  @ApiProperty({
    example: 'healthy',
    description: '"healthy", "not configured" (in-memory mode) or "unhealthy: <reason>"',
  })
  redis!: string;
}

export class HealthChecksDto {
  @ApiProperty({ type: DependencyCheckDto })
  postgresql!: DependencyCheckDto;

  @ApiProperty({ type: DependencyCheckDto })
  redis!: DependencyCheckDto;
}

export class IngestionFreshnessDto {
  @ApiProperty({ enum: ['up', 'degraded', 'down'], example: 'up' })
  status!: 'up' | 'degraded' | 'down';

  @ApiPropertyOptional({ example: 'not scheduled' })
  message?: string;

  @ApiPropertyOptional({
    description:
      'Per scheduled source: fresh, stale (no success for INGESTION_STALE_AFTER_SECONDS) or pending',
    example: {
      coingecko: { status: 'fresh', last_success: '2026-11-22T09:55:00.000Z', age_seconds: 300 },
    },
  })
  sources?: Record<
    string,
    {
      status: 'fresh' | 'stale' | 'pending';
      last_success: string | null;
      age_seconds: number | null;
    }
  >;
}

export class HealthDto {
  @ApiProperty({
    enum: ['ok', 'degraded', 'error'],
    example: 'ok',
    description:
      'ok: all dependencies up; degraded: serving without Redis; error: database down (HTTP 503)',
  })
  status!: 'ok' | 'degraded' | 'error';

  @ApiProperty({ enum: ['connected', 'disconnected'], example: 'connected' })
  database!: 'connected' | 'disconnected';

  @ApiProperty({ type: HealthServicesDto })
  services!: HealthServicesDto;

  @ApiProperty({ type: HealthChecksDto })
  checks!: HealthChecksDto;

  @ApiProperty({ type: IngestionFreshnessDto })
  ingestion!: IngestionFreshnessDto;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 3600.5 })
  uptime_seconds!: number;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;

  @ApiProperty({ example: '5f0c6f4e-8a0e-4a55-a5b8-1b3d1c8a9f10' })
  request_id!: string;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty({ example: 3600.5 })
  uptime_seconds!: number;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error'], example: 'ok' })
  status!: 'ok' | 'degraded' | 'error';

  @ApiProperty({ type: HealthChecksDto })
  checks!: HealthChecksDto;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;
}
