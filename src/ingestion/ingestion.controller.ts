import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../common/errors/app.exception';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { IngestionRunDto, IngestionStatsDto, ListRunsQuery } from './dto/ingestion.dto';
import { IngestionRunsService } from './ingestion-runs.service';

@ApiTags('ingestion')
@Controller()
export class IngestionController {
  constructor(private readonly runs: IngestionRunsService) {}

  @Get('api/v1/ingestion/runs')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Ingestion runs, newest first' })
  @ApiOkResponse({ type: [IngestionRunDto] })
  @ApiProblems(400)
  list(@Query() query: ListRunsQuery): Promise<IngestionRunDto[]> {
    return this.runs.list(query);
  }

  @Get('api/v1/ingestion/runs/:id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'One ingestion run, with rejected records and their reasons' })
  @ApiOkResponse({ type: IngestionRunDto })
  @ApiProblems(400, [404, "Ingestion run '2b1b7f0e-8d4e-4c1a-9f55-2a6c3b9d0e11' not found"])
  run(
    @Param(
      'id',
      new ParseUUIDPipe({
        exceptionFactory: () =>
          AppException.validation([{ field: 'id', message: 'id must be a UUID' }]),
      }),
    )
    id: string,
  ): Promise<IngestionRunDto> {
    return this.runs.get(id);
  }

  @Get('api/v1/ingestion/stats')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Raw and normalised record counts, and per-source run statistics' })
  @ApiOkResponse({ type: IngestionStatsDto })
  stats(): Promise<IngestionStatsDto> {
    return this.runs.stats();
  }
}
