import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../common/errors/app.exception';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { IngestionRunDto, IngestionStatsDto, ListRunsQuery } from './dto/ingestion.dto';
import { IngestionRepository } from './ingestion.repository';
import { mapRun, mapSourceStats } from './ingestion.mapper';

@ApiTags('ingestion')
@Controller()
export class IngestionController {
  constructor(private readonly ingestion: IngestionRepository) {}

  @Get('api/v1/ingestion/runs')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Ingestion runs, newest first' })
  @ApiOkResponse({ type: [IngestionRunDto] })
  @ApiProblems(400)
  async runs(@Query() query: ListRunsQuery): Promise<IngestionRunDto[]> {
    const runs = await this.ingestion.findRuns({
      source: query.source,
      status: query.status,
      limit: query.limit ?? 20,
    });
    return runs.map(mapRun);
  }

  @Get('api/v1/ingestion/runs/:id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'One ingestion run, with rejected records and their reasons' })
  @ApiOkResponse({ type: IngestionRunDto })
  @ApiProblems(400, [404, "Ingestion run '2b1b7f0e-8d4e-4c1a-9f55-2a6c3b9d0e11' not found"])
  async run(
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () =>
          AppException.validation([{ field: 'id', message: 'id must be a UUID' }]),
      }),
    )
    id: string,
  ): Promise<IngestionRunDto> {
    const run = await this.ingestion.findRun(id);
    if (!run) throw AppException.notFound(`Ingestion run '${id}' not found`);
    return mapRun(run);
  }

  @Get('api/v1/ingestion/stats')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Raw and normalised record counts, and per-source run statistics' })
  @ApiOkResponse({ type: IngestionStatsDto })
  stats(): Promise<IngestionStatsDto> {
    return this.statistics();
  }

  @Get('stats')
  @HttpCode(HttpStatus.OK)
  @ApiTags('compatibility')
  @ApiOperation({ summary: 'Ingestion statistics (ETL service alias of /api/v1/ingestion/stats)' })
  @ApiOkResponse({ type: IngestionStatsDto })
  legacyStats(): Promise<IngestionStatsDto> {
    return this.statistics();
  }

  private async statistics(): Promise<IngestionStatsDto> {
    const { rawRecords, normalizedRecords, sources } = await this.ingestion.stats();
    return {
      raw_records: rawRecords,
      normalized_records: normalizedRecords,
      sources: sources.map(mapSourceStats),
    };
  }
}
