import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import type { IngestionRunDto, IngestionStatsDto, ListRunsQuery } from './dto/ingestion.dto';
import { mapRun, mapSourceStats } from './ingestion.mapper';
import { IngestionRepository } from './ingestion.repository';

/** What the ingestion record says: runs, one run, and counts per source. */
@Injectable()
export class IngestionRunsService {
  constructor(private readonly runs: IngestionRepository) {}

  async list(query: ListRunsQuery): Promise<IngestionRunDto[]> {
    const runs = await this.runs.findRuns({
      source: query.source,
      status: query.status,
      limit: query.limit ?? 20,
    });
    return runs.map(mapRun);
  }

  async get(id: string): Promise<IngestionRunDto> {
    const run = await this.runs.findRun(id);
    if (!run) throw AppException.notFound(`Ingestion run '${id}' not found`);
    return mapRun(run);
  }

  async stats(): Promise<IngestionStatsDto> {
    const { rawRecords, normalizedRecords, sources } = await this.runs.stats();
    return {
      raw_records: rawRecords,
      normalized_records: normalizedRecords,
      sources: sources.map(mapSourceStats),
    };
  }
}
