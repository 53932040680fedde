// Lexicon-based market sentiment: the terms behind a text's label (`matched`), its assets, and
// evidence the trained model reads as features (sentiment-classifier.ts). Deterministic, in-process.
import type { Lexicon, Phrase } from './lexicon/lexicon';
import { TokenKind, tokenize, type Token } from './text-tokenizer';

export const SENTIMENT_LABELS = ['Bullish', 'Bearish', 'Neutral'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface MatchedTerm {
  /** The words as normalised, from the first modifier that applied ("not very bullish"). */
  term: string;
  /** Contribution to the raw score after negation, intensifiers and contrast. */
  weight: number;
}

export interface LexiconAnalysis {
  sentiment: SentimentLabel;
  confidence: number;
  score: number;
  keywords: { bullish: number; bearish: number; total: number };
  matched: MatchedTerm[];
  symbols: string[];
  /** The text names an asset of the crypto lexicon (by name, ticker or cashtag). */
  crypto: boolean;
}

// VADER's empirically derived values (Hutto & Gilbert, 2014): a negated term keeps about
// three quarters of its strength with the opposite sign, a negator reaches three words ahead,
// and alpha 15 maps raw sums onto (-1, 1) so one strong term lands around ±0.6.
const NEGATION_SCALAR = -0.74;
const NEGATION_WINDOW = 3;
const NORMALISATION_ALPHA = 15;
// "A but B": B is what the writer means. "A despite B": A is.
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const CONCEDED = 0.5;
// Tuned on the dev part of the evaluation set only (test/fixtures/sentiment/README.md).
const LABEL_THRESHOLD = 0.3;
// Suffixes tried when a word is not in a lexicon as written, so one entry covers its forms.
const MIN_STEM_LENGTH = 3;

interface Hit {
  start: number;
  end: number;
  weight: number;
}

function inflectionBases(word: string): string[] {
  const bases: string[] = [];
  const add = (base: string): void => {
    if (base.length >= MIN_STEM_LENGTH) bases.push(base);
  };
  const undouble = (base: string): void => {
    const n = base.length;
    if (n > MIN_STEM_LENGTH && base[n - 1] === base[n - 2]) add(base.slice(0, -1));
  };
  if (word.endsWith('ies') || word.endsWith('ied')) add(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) add(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) add(word.slice(0, -1));
  if (word.endsWith('ed')) {
    add(word.slice(0, -2));
    add(word.slice(0, -1));
    undouble(word.slice(0, -2));
  }
  if (word.endsWith('ing')) {
    const stem = word.slice(0, -3);
    add(stem);
    add(`${stem}e`);
    undouble(stem);
  }
  return bases;
}

function lookup(table: ReadonlyMap<string, number>, word: string): number | undefined {
  const exact = table.get(word);
  if (exact !== undefined) return exact;
  for (const base of inflectionBases(word)) {
    const weight = table.get(base);
    if (weight !== undefined) return weight;
  }
  return undefined;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export class SentimentAnalyzer {
  constructor(private readonly lexicon: Lexicon) {}

  analyze(text: string): LexiconAnalysis {
    const tokens = tokenize(text);
    const hits: Hit[] = [];
    const symbols = new Set<string>();
    let clauseStart = 0;
    let contrastAt = -1;
    let conceded = false;

    for (let i = 0; i < tokens.length;) {
      const token = tokens[i];
      if (token.kind === TokenKind.Break) {
        clauseStart = i + 1;
        conceded = false;
        i += 1;
        continue;
      }
      if (token.kind === TokenKind.Cashtag) {
        symbols.add(token.text.slice(1).toUpperCase());
        i += 1;
        continue;
      }
      const asset = this.matchAsset(tokens, i);
      if (asset) {
        symbols.add(asset.symbol);
        i += asset.length;
        continue;
      }
      if (this.lexicon.contrast.has(token.text)) {
        contrastAt = hits.length;
        i += 1;
        continue;
      }
      if (this.lexicon.concession.has(token.text)) {
        conceded = true;
        i += 1;
        continue;
      }
      const term = this.matchTerm(tokens, i);
      if (term === undefined) {
        i += 1;
        continue;
      }
      if (term.weight !== 0) {
        const modified = this.applyModifiers(tokens, i, clauseStart, term.weight);
        hits.push({
          start: modified.start,
          end: i + term.length,
          weight: modified.weight * (conceded ? CONCEDED : 1),
        });
      }
      i += term.length;
    }

    if (contrastAt >= 0) {
      hits.forEach((hit, index) => {
        hit.weight *= index < contrastAt ? BEFORE_CONTRAST : AFTER_CONTRAST;
      });
    }
    return this.summarise(tokens, hits, [...symbols]);
  }

  private matchAsset(tokens: Token[], i: number): { symbol: string; length: number } | undefined {
    const token = tokens[i];
    if (token.kind !== TokenKind.Word) return undefined;
    const phrase = this.matchPhrase(this.lexicon.assetPhrases, tokens, i);
    if (phrase) return { symbol: phrase.value, length: phrase.tokens.length };
    const symbol =
      this.lexicon.assetNames.get(token.text) ??
      (this.lexicon.tickers.has(token.raw) ? token.raw : undefined);
    return symbol === undefined ? undefined : { symbol, length: 1 };
  }

  private matchPhrase<T>(
    index: ReadonlyMap<string, readonly Phrase<T>[]>,
    tokens: Token[],
    i: number,
  ): Phrase<T> | undefined {
    const candidates = index.get(tokens[i].text);
    if (!candidates) return undefined;
    return candidates.find(
      (phrase) =>
        i + phrase.tokens.length <= tokens.length &&
        phrase.tokens.every((word, k) => {
          const token = tokens[i + k];
          return token.kind !== TokenKind.Break && token.text === word;
        }),
    );
  }

  /** Longest phrase first, then the word itself (crypto before general), else a price move. */
  private matchTerm(tokens: Token[], i: number): { weight: number; length: number } | undefined {
    const phrase = this.matchPhrase(this.lexicon.phrases, tokens, i);
    if (phrase) return { weight: phrase.value, length: phrase.tokens.length };

    const word = tokens[i].text;
    if (this.isNegator(word) || this.lexicon.intensifiers.has(word)) return undefined;
    const weight = lookup(this.lexicon.market, word) ?? lookup(this.lexicon.general, word);
    if (weight !== undefined) return { weight, length: 1 };

    const move = this.lexicon.moves.get(word);
    const next = tokens[i + 1];
    if (move !== undefined && next?.kind === TokenKind.Word && Number.parseFloat(next.text) >= 1) {
      return { weight: move, length: 2 };
    }
    return undefined;
  }

  private isNegator(word: string): boolean {
    return this.lexicon.negators.has(word) || word.endsWith("n't");
  }

  /**
   * Looks back from a term within its clause: adjacent intensifiers scale it ("very bullish"),
   * a negator up to three words back flips it ("not bullish", "isn't looking bullish").
   */
  private applyModifiers(
    tokens: Token[],
    i: number,
    clauseStart: number,
    weight: number,
  ): { weight: number; start: number } {
    let factor = 1;
    let negated = false;
    let start = i;
    let adjacent = true;
    for (let j = i - 1; j >= clauseStart && j >= i - NEGATION_WINDOW; j--) {
      const word = tokens[j].text;
      const intensity = this.lexicon.intensifiers.get(word);
      if (intensity !== undefined && adjacent) {
        factor *= intensity;
        start = j;
      } else if (this.isNegator(word)) {
        negated = true;
        start = j;
      } else {
        adjacent = false;
      }
    }
    // "not very bullish" is milder than "not bullish", so under negation a booster softens.
    const scaled = negated ? (weight * NEGATION_SCALAR) / Math.max(factor, 1) : weight * factor;
    return { weight: scaled, start };
  }

  private summarise(tokens: Token[], hits: Hit[], symbols: string[]): LexiconAnalysis {
    let sum = 0;
    let positive = 0;
    let negative = 0;
    let bullish = 0;
    let bearish = 0;
    for (const hit of hits) {
      sum += hit.weight;
      if (hit.weight > 0) {
        positive += hit.weight;
        bullish += 1;
      } else {
        negative -= hit.weight;
        bearish += 1;
      }
    }
    const score = sum / Math.sqrt(sum * sum + NORMALISATION_ALPHA);
    const sentiment: SentimentLabel =
      score >= LABEL_THRESHOLD ? 'Bullish' : score <= -LABEL_THRESHOLD ? 'Bearish' : 'Neutral';

    // Not a probability: how far the score is from the nearest label boundary (0 … 1), reduced
    // when the evidence pulls both ways, mapped onto 0.5 … 1.
    const magnitude = Math.abs(score);
    const margin =
      sentiment === 'Neutral'
        ? (LABEL_THRESHOLD - magnitude) / LABEL_THRESHOLD
        : (magnitude - LABEL_THRESHOLD) / (1 - LABEL_THRESHOLD);
    const mass = positive + negative;
    const conflict = mass === 0 ? 0 : (2 * Math.min(positive, negative)) / mass;
    const confidence = 0.5 + 0.5 * margin * (1 - conflict);

    return {
      sentiment,
      confidence: round(confidence, 2),
      score: round(score, 3),
      keywords: { bullish, bearish, total: bullish + bearish },
      matched: hits.map((hit) => ({
        term: tokens
          .slice(hit.start, hit.end)
          .map((t) => t.text)
          .join(' '),
        weight: round(hit.weight, 2),
      })),
      symbols,
      crypto: symbols.some((symbol) => this.lexicon.tickers.has(symbol)),
    };
  }
}
