import { TokenKind, tokenize } from './text-tokenizer';

describe(tokenize.name, () => {
  const texts = (input: string) => tokenize(input).map((t) => t.text);

  it('lower-cases words, keeps the raw form and splits hyphenated words', () => {
    expect(tokenize('All-time HIGH')).toEqual([
      { kind: TokenKind.Word, text: 'all', raw: 'All' },
      { kind: TokenKind.Word, text: 'time', raw: 'time' },
      { kind: TokenKind.Word, text: 'high', raw: 'HIGH' },
    ]);
  });

  it('keeps contractions and numbers whole and drops possessive endings', () => {
    expect(texts('Don’t sell 1,050,000 at 3.2 — Bitcoin’s call')).toEqual([
      "don't",
      'sell',
      '1,050,000',
      'at',
      '3.2',
      '—',
      'bitcoin',
      'call',
    ]);
  });

  it('recognises cashtags but not dollar amounts', () => {
    expect(tokenize('$BTC $70,000 $eth').map((t) => [t.kind, t.text])).toEqual([
      [TokenKind.Cashtag, '$btc'],
      [TokenKind.Word, '70,000'],
      [TokenKind.Cashtag, '$eth'],
    ]);
  });

  it('emits one token per emoji, also when glued to a word', () => {
    expect(tokenize('moon🚀🚀❤️').map((t) => [t.kind, t.text])).toEqual([
      [TokenKind.Word, 'moon'],
      [TokenKind.Emoji, '🚀'],
      [TokenKind.Emoji, '🚀'],
      [TokenKind.Emoji, '❤'],
    ]);
  });

  it('collapses runs of clause punctuation into one break and never starts with one', () => {
    expect(tokenize('!!! up?!; down').map((t) => t.kind)).toEqual([
      TokenKind.Word,
      TokenKind.Break,
      TokenKind.Word,
    ]);
  });
});
