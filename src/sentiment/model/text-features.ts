// What the sentiment model sees of a text: sparse word unigrams and bigrams and word-boundary
// character 3–5-grams of the tokenizer's normalised text, plus the lexicon analyzer's evidence
// as a few dense features. Shared by training and serving, so both see exactly the same thing.
import type { LexiconAnalysis } from '../sentiment-analyzer';
import { TokenKind, tokenize } from '../text-tokenizer';

export const WORD_PREFIX = 'w:';
export const PHRASE_PREFIX = 'p:';
export const CHARS_PREFIX = 'c:';
const MIN_CHARS = 3;
const MAX_CHARS = 5;

/**
 * Dense features from the lexicon analyzer, in the order the model stores their weights. The
 * `crypto:` copies are non-zero only for texts naming a crypto asset, so the model can trust the
 * crypto lexicon more there than on equity news, where it is weaker.
 */
export const LEXICON_FEATURES = [
  'lexicon:score',
  'lexicon:bullish',
  'lexicon:bearish',
  'lexicon:none',
  'crypto:score',
  'crypto:bullish',
  'crypto:bearish',
  'crypto:none',
  'crypto:asset',
] as const;

export interface TextFeatures {
  /** Distinct sparse feature keys with their value (each group scaled to unit length). */
  sparse: Map<string, number>;
  /** One value per LEXICON_FEATURES entry. */
  dense: number[];
}

// Links say nothing about sentiment and their random ids would only add noise; any ticker is
// "a ticker" (which one is not what makes news good or bad); digits become 0 so "$350" and
// "$420" look alike.
const LINK = /\bhttps?:\/\/\S+/giu;
const DIGIT = /\p{N}/gu;
const CASHTAG = '$tag';

/** The words the model reads: tokenizer output without links, tickers generic, digits 0. */
export function normalisedWords(text: string): string[][] {
  const clauses: string[][] = [[]];
  for (const token of tokenize(text.replace(LINK, ' '))) {
    if (token.kind === TokenKind.Break) {
      if (clauses[clauses.length - 1].length > 0) clauses.push([]);
      continue;
    }
    const word =
      token.kind === TokenKind.Cashtag
        ? CASHTAG
        : token.kind === TokenKind.Word
          ? token.text.replace(DIGIT, '0')
          : token.text;
    clauses[clauses.length - 1].push(word);
  }
  return clauses.filter((clause) => clause.length > 0);
}

function addUnitGroup(sparse: Map<string, number>, keys: Set<string>): void {
  const value = keys.size === 0 ? 0 : 1 / Math.sqrt(keys.size);
  for (const key of keys) sparse.set(key, value);
}

/** Sparse keys of a text: words, adjacent pairs within a clause, and character n-grams. */
export function sparseFeatures(text: string): Map<string, number> {
  const words = new Set<string>();
  const chars = new Set<string>();
  for (const clause of normalisedWords(text)) {
    for (let i = 0; i < clause.length; i++) {
      const word = clause[i];
      words.add(WORD_PREFIX + word);
      if (i > 0) words.add(`${PHRASE_PREFIX}${clause[i - 1]} ${word}`);
      if (word === CASHTAG || !/\p{L}/u.test(word)) continue;
      const padded = ` ${word} `;
      for (let n = MIN_CHARS; n <= MAX_CHARS && n <= padded.length; n++) {
        for (let start = 0; start + n <= padded.length; start++) {
          chars.add(CHARS_PREFIX + padded.slice(start, start + n));
        }
      }
    }
  }
  const sparse = new Map<string, number>();
  addUnitGroup(sparse, words);
  addUnitGroup(sparse, chars);
  return sparse;
}

/** The lexicon analyzer's verdict as numbers of order 1. */
export function lexiconFeatures(analysis: LexiconAnalysis): number[] {
  let up = 0;
  let down = 0;
  for (const { weight } of analysis.matched) {
    if (weight > 0) up += weight;
    else down -= weight;
  }
  const general = [
    analysis.score,
    up / (up + 4),
    down / (down + 4),
    analysis.matched.length === 0 ? 1 : 0,
  ];
  const crypto = analysis.crypto ? 1 : 0;
  return [...general, ...general.map((value) => value * crypto), crypto];
}

export function textFeatures(text: string, analysis: LexiconAnalysis): TextFeatures {
  return { sparse: sparseFeatures(text), dense: lexiconFeatures(analysis) };
}
