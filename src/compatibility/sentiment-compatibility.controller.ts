import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { AnalyzeSentimentDto } from '../sentiment/dto/analyze-sentiment.dto';
import { SentimentAnalysisDto } from '../sentiment/dto/sentiment-analysis.dto';
import { SentimentService } from '../sentiment/sentiment.service';

/** The replaced data server's route (seed 003), answering with the v1 document. */
@ApiTags('compatibility')
@ApiProblems(400, 413, 415)
@Controller('api/sentiment')
export class SentimentCompatibilityController {
  constructor(private readonly sentiment: SentimentService) {}

  @Post('analyze')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Alias of POST /api/v1/sentiment/analyze' })
  @ApiOkResponse({ type: SentimentAnalysisDto })
  analyze(@Body() body: AnalyzeSentimentDto): SentimentAnalysisDto {
    return this.sentiment.analyze(body.text);
  }
}
