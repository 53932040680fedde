import { Module } from '@nestjs/common';
import { loadCryptoLexicon } from './lexicon/lexicon';
import { SentimentAnalyzer } from './sentiment-analyzer';
import { SentimentCompatibilityController, SentimentController } from './sentiment.controller';
import { SentimentService } from './sentiment.service';

@Module({
  controllers: [SentimentController, SentimentCompatibilityController],
  providers: [
    // Built once at boot; an invalid lexicon stops the app with the offending entries listed.
    { provide: SentimentAnalyzer, useFactory: () => new SentimentAnalyzer(loadCryptoLexicon()) },
    SentimentService,
  ],
})
export class SentimentModule {}
