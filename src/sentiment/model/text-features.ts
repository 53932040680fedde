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

/** Distinct keys of one group; each has the value 1/√size, so the group has unit length. */
export type FeatureGroup = ReadonlySet<string>;

export interface TextFeatures {
  /** Words and word pairs. */
  words: FeatureGroup;
  /** Character n-grams. */
  chars: FeatureGroup;
  /** One value per LEXICON_FEATURES entry. */
  dense: number[];
}

export const groupValue = (group: FeatureGroup): number =>
  group.size === 0 ? 0 : 1 / Math.sqrt(group.size);

// Links say nothing about sentiment and their random ids would only add noise; any ticker is
// "a ticker" (which one is not what makes news good or bad); digits become 0 so "$350" and
// "$420" look alike.
const LINK = /\bhttps?:\/\/\S+/giu;
const DIGIT = /\p{N}/gu;
const CASHTAG = '$tag';
const LETTER = /\p{L}/u;

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

// A word's keys depend on the word alone, and market text repeats its words: keeping them saves
// building and hashing about 15 strings per word on every request. Bounded; the values are the
// same with or without it.
const WORD_CACHE_LIMIT = 50_000;
const wordCache = new Map<string, readonly string[]>();

/** The word's own key, then its character n-grams (none for tickers and numbers). */
export function wordKeys(word: string): readonly string[] {
  const cached = wordCache.get(word);
  if (cached) return cached;
  const keys = [WORD_PREFIX + word];
  if (word !== CASHTAG && LETTER.test(word)) {
    const padded = ` ${word} `;
    for (let n = MIN_CHARS; n <= MAX_CHARS && n <= padded.length; n++) {
      for (let start = 0; start + n <= padded.length; start++) {
        keys.push(CHARS_PREFIX + padded.slice(start, start + n));
      }
    }
  }
  if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
  wordCache.set(word, keys);
  return keys;
}

/** Sparse keys of a text: words, adjacent pairs within a clause, and character n-grams. */
export function sparseFeatures(text: string): Pick<TextFeatures, 'words' | 'chars'> {
  const words = new Set<string>();
  const chars = new Set<string>();
  for (const clause of normalisedWords(text)) {
    for (let i = 0; i < clause.length; i++) {
      const keys = wordKeys(clause[i]);
      words.add(keys[0]);
      if (i > 0) words.add(`${PHRASE_PREFIX}${clause[i - 1]} ${clause[i]}`);
      for (let k = 1; k < keys.length; k++) chars.add(keys[k]);
    }
  }
  return { words, chars };
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
  return { ...sparseFeatures(text), dense: lexiconFeatures(analysis) };
}
