import { Controller, Get, Header, HttpCode, Query, Req, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SparklinesQuery, type SparklinesDto } from './dto/sparklines.query';
import { OpsAccessGuard } from './ops-access.guard';
import { OpsService, type OpsDto } from './ops.service';
import { SparklinesService } from './sparklines.service';

/**
 * JSON the dashboard needs and the public API does not offer. Kept out of the OpenAPI
 * document: it is the pages' contract, not the product's (docs/dashboard.md).
 */
@ApiExcludeController()
@Controller('dashboard/data')
export class DashboardDataController {
  constructor(
    private readonly sparklines: SparklinesService,
    private readonly ops: OpsService,
  ) {}

  @Get('sparklines')
  @HttpCode(200)
  @Header('cache-control', 'no-cache')
  sparklinesOf(@Query() query: SparklinesQuery): Promise<SparklinesDto> {
    return this.sparklines.sparklines(query.symbols);
  }

  /** The operations view: health per dependency, ingestion runs and sources, last failures. */
  @Get('ops')
  @UseGuards(OpsAccessGuard)
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  opsSnapshot(@Req() request: FastifyRequest): Promise<OpsDto> {
    return this.ops.snapshot(String(request.id));
  }
}
