import { Module } from '@nestjs/common';
import { loadSentimentClassifier, SentimentClassifier } from './sentiment-classifier';
import { SentimentController } from './sentiment.controller';
import { SentimentService } from './sentiment.service';

@Module({
  controllers: [SentimentController],
  providers: [
    // Built once at boot (the model file is read here and only here); an invalid lexicon or
    // model stops the app with what is wrong.
    { provide: SentimentClassifier, useFactory: loadSentimentClassifier },
    SentimentService,
  ],
  exports: [SentimentService],
})
export class SentimentModule {}
