import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Header, HttpCode, HttpStatus, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HealthDto, LivenessDto, ReadinessDto } from './dto/health.dto';
import { HealthService } from './health.service';

/**
 * Health documents are answered as themselves even with 503 (not as problem+json), because
 * orchestrators and dashboards read their per-dependency fields.
 */
@ApiTags('health')
@SkipThrottle() // probes and scrapes must never be refused
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Service health with per-dependency status and timings' })
  @ApiOkResponse({
    type: HealthDto,
    description: 'Database up; Redis up, not configured or down (degraded)',
  })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Database unreachable' })
  async check(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthDto> {
    const { httpStatus, body } = await this.health.report(String(request.id));
    void reply.status(httpStatus);
    return body;
  }

  @Get('live')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process is up and serving (for orchestrators)' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return this.health.liveness();
  }

  @Get('ready')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Readiness: the database answers (Redis down only degrades)' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const { httpStatus, body } = await this.health.readiness();
    void reply.status(httpStatus);
    return body;
  }
}
