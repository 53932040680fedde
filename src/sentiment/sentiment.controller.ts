import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { AnalyzeSentimentBatchDto, AnalyzeSentimentDto } from './dto/analyze-sentiment.dto';
import { SentimentAnalysisDto, SentimentBatchDto } from './dto/sentiment-analysis.dto';
import { SentimentService } from './sentiment.service';

@ApiTags('sentiment')
@ApiProblems(400, 413, 415)
@Controller('api/v1/sentiment')
export class SentimentController {
  constructor(private readonly sentiment: SentimentService) {}

  @Post('analyze')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Market sentiment of one text: Bullish, Bearish or Neutral, with the evidence',
  })
  @ApiOkResponse({ type: SentimentAnalysisDto })
  analyze(@Body() body: AnalyzeSentimentDto): SentimentAnalysisDto {
    return this.sentiment.analyze(body.text);
  }

  @Post('analyze/batch')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sentiment of up to 100 texts, in order, with an aggregate' })
  @ApiOkResponse({ type: SentimentBatchDto })
  analyzeBatch(@Body() body: AnalyzeSentimentBatchDto): SentimentBatchDto {
    return this.sentiment.analyzeBatch(body.texts);
  }
}
