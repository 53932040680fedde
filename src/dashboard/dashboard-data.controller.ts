import { Controller, Get, Header, HttpCode, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SparklinesQuery, type SparklinesDto } from './dto/sparklines.query';
import { SparklinesService } from './sparklines.service';

/**
 * JSON the dashboard needs and the public API does not offer. Kept out of the OpenAPI
 * document: it is the pages' contract, not the product's (docs/dashboard.md).
 */
@ApiExcludeController()
@Controller('dashboard/data')
export class DashboardDataController {
  constructor(private readonly sparklines: SparklinesService) {}

  @Get('sparklines')
  @HttpCode(200)
  @Header('cache-control', 'no-cache')
  sparklinesOf(@Query() query: SparklinesQuery): Promise<SparklinesDto> {
    return this.sparklines.sparklines(query.symbols);
  }
}
