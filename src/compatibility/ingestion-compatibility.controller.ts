import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IngestionStatsDto } from '../ingestion/dto/ingestion.dto';
import { IngestionRunsService } from '../ingestion/ingestion-runs.service';

/** The replaced ETL service's statistics route. */
@ApiTags('compatibility')
@Controller()
export class IngestionCompatibilityController {
  constructor(private readonly runs: IngestionRunsService) {}

  @Get('stats')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Ingestion statistics (ETL service alias of /api/v1/ingestion/stats)' })
  @ApiOkResponse({ type: IngestionStatsDto })
  stats(): Promise<IngestionStatsDto> {
    return this.runs.stats();
  }
}
