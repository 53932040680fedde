import { Controller, Get, HttpCode, HttpStatus, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { DataExportDto, DataExportQuery } from '../cryptocurrencies/dto/data-export.dto';

/** Routes of the ETL service this product replaces, kept for its clients. */
@ApiTags('compatibility')
@Controller()
export class CryptocurrenciesCompatibilityController {
  constructor(private readonly cryptocurrencies: CryptocurrenciesService) {}

  @Get('data')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Normalised assets as the ETL service served them (GET /data)' })
  @ApiOkResponse({ type: DataExportDto })
  @ApiProblems(400)
  async data(
    @Query() query: DataExportQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DataExportDto> {
    const data = await this.cryptocurrencies.export(query);
    return {
      request_id: String(request.id),
      api_latency_ms: Math.round(reply.elapsedTime),
      count: data.length,
      data,
    };
  }
}
