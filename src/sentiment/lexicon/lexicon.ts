// Builds the analyzer's lookup tables from the `sentiment` package's general lexicons (AFINN-165
// words, Emoji Sentiment Ranking, negators) and the crypto layer in crypto-lexicon.json.
import generalWords from 'sentiment/languages/en/labels.json';
import generalNegators from 'sentiment/languages/en/negators.json';
import generalEmoji from 'sentiment/build/emoji.json';
import { TokenKind, tokenize } from '../text-tokenizer';
import cryptoLexiconJson from './crypto-lexicon.json';

/** The crypto layer as written in crypto-lexicon.json (see docs/sentiment.md). */
export interface CryptoLexicon {
  terms: Record<string, number>;
  moves: Record<string, number>;
  emoji: Record<string, number>;
  negators: string[];
  intensifiers: Record<string, number>;
  contrast: string[];
  concession: string[];
  assets: Record<string, string[]>;
}

export interface Phrase<T> {
  tokens: readonly string[];
  text: string;
  value: T;
}

/** Lookup tables; the analyzer reads them on every request, so everything is a Map or Set. */
export interface Lexicon {
  /** Single-token crypto terms and emoji; they win over `general`, inflected forms included. */
  market: ReadonlyMap<string, number>;
  /** AFINN-165 words and the package's emoji weights. */
  general: ReadonlyMap<string, number>;
  /** Multi-token terms by first token, longest first (crypto over AFINN). */
  phrases: ReadonlyMap<string, readonly Phrase<number>[]>;
  /** Directional only before a number ("up 12%", "down 40%"). */
  moves: ReadonlyMap<string, number>;
  negators: ReadonlySet<string>;
  intensifiers: ReadonlyMap<string, number>;
  contrast: ReadonlySet<string>;
  concession: ReadonlySet<string>;
  /** Single-token coin names, lower-case, to symbol. */
  assetNames: ReadonlyMap<string, string>;
  /** Multi-token coin names by first token, longest first. */
  assetPhrases: ReadonlyMap<string, readonly Phrase<string>[]>;
  /** Symbols recognised when written in capitals ("BTC", "SOL"). */
  tickers: ReadonlySet<string>;
}

const MAX_WEIGHT = 5;
const MAX_INTENSITY = 3;
const SYMBOL = /^[A-Z0-9]{2,10}$/;

export class LexiconError extends Error {
  constructor(problems: string[]) {
    super(`Invalid crypto lexicon:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LexiconError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks crypto-lexicon.json strictly, so a mistyped entry fails at boot (and in the unit
 * tests) instead of silently never matching. A term must be written exactly as the tokenizer
 * produces it: lower-case, single spaces, no hyphens.
 */
export function parseCryptoLexicon(raw: unknown): CryptoLexicon {
  const problems: string[] = [];
  const root = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) problems.push('the lexicon must be a JSON object');

  const numbers = (section: string, min: number, max: number): Record<string, number> => {
    const value = root[section];
    if (!isRecord(value)) {
      problems.push(`${section} must be an object`);
      return {};
    }
    const out: Record<string, number> = {};
    for (const [key, weight] of Object.entries(value)) {
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < min || weight > max) {
        problems.push(`${section}["${key}"] must be a number from ${min} to ${max}`);
      } else {
        out[key] = weight;
      }
    }
    return out;
  };
  const strings = (section: string): string[] => {
    const value = root[section];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      problems.push(`${section} must be an array of strings`);
      return [];
    }
    return value;
  };
  const expectTokens = (where: string, text: string, kind: TokenKind, single: boolean): void => {
    const tokens = tokenize(text);
    const normalised = tokens.map((t) => t.text).join(' ');
    const ok =
      tokens.length > 0 &&
      tokens.every((t) => t.kind === kind) &&
      normalised === text &&
      (!single || tokens.length === 1);
    if (!ok) {
      const expected = single ? 'one' : 'one or more';
      problems.push(`${where}: "${text}" must be ${expected} lower-case token(s) as tokenized`);
    }
  };

  const lexicon: CryptoLexicon = {
    terms: numbers('terms', -MAX_WEIGHT, MAX_WEIGHT),
    moves: numbers('moves', -MAX_WEIGHT, MAX_WEIGHT),
    emoji: numbers('emoji', -MAX_WEIGHT, MAX_WEIGHT),
    negators: strings('negators'),
    intensifiers: numbers('intensifiers', 0, MAX_INTENSITY),
    contrast: strings('contrast'),
    concession: strings('concession'),
    assets: {},
  };
  for (const term of Object.keys(lexicon.terms)) expectTokens('terms', term, TokenKind.Word, false);
  for (const emoji of Object.keys(lexicon.emoji))
    expectTokens('emoji', emoji, TokenKind.Emoji, true);
  for (const section of ['negators', 'contrast', 'concession'] as const) {
    for (const word of lexicon[section]) expectTokens(section, word, TokenKind.Word, true);
  }
  for (const section of ['moves', 'intensifiers'] as const) {
    for (const word of Object.keys(lexicon[section])) {
      expectTokens(section, word, TokenKind.Word, true);
    }
  }

  if (!isRecord(root.assets)) problems.push('assets must be an object');
  for (const [symbol, names] of Object.entries(isRecord(root.assets) ? root.assets : {})) {
    if (!SYMBOL.test(symbol)) problems.push(`assets: "${symbol}" must be 2-10 capitals or digits`);
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
      problems.push(`assets["${symbol}"] must be an array of names`);
      continue;
    }
    for (const name of names) expectTokens(`assets["${symbol}"]`, name, TokenKind.Word, false);
    lexicon.assets[symbol] = names;
  }

  if (problems.length > 0) throw new LexiconError(problems);
  return lexicon;
}

function addPhrase<T>(index: Map<string, Phrase<T>[]>, tokens: string[], value: T): void {
  const phrase = { tokens, text: tokens.join(' '), value };
  const list = index.get(tokens[0]) ?? [];
  const existing = list.findIndex((p) => p.text === phrase.text);
  if (existing >= 0) list[existing] = phrase;
  else list.push(phrase);
  list.sort((a, b) => b.tokens.length - a.tokens.length);
  index.set(tokens[0], list);
}

/** Merges the general lexicons with a crypto layer into lookup tables. */
export function buildLexicon(crypto: CryptoLexicon): Lexicon {
  const general = new Map<string, number>();
  const market = new Map<string, number>();
  const phrases = new Map<string, Phrase<number>[]>();

  // AFINN keys are re-tokenized so that e.g. "can't stand" matches the way text is split.
  for (const [key, weight] of Object.entries<number>(generalWords)) {
    const tokens = tokenize(key).map((t) => t.text);
    if (tokens.length === 1) general.set(tokens[0], weight);
    else if (tokens.length > 1) addPhrase(phrases, tokens, weight);
  }
  for (const [emoji, weight] of Object.entries<number>(generalEmoji)) general.set(emoji, weight);

  for (const [term, weight] of Object.entries(crypto.terms)) {
    const tokens = term.split(' ');
    if (tokens.length === 1) market.set(term, weight);
    else addPhrase(phrases, tokens, weight);
  }
  for (const [emoji, weight] of Object.entries(crypto.emoji)) market.set(emoji, weight);

  const assetNames = new Map<string, string>();
  const assetPhrases = new Map<string, Phrase<string>[]>();
  for (const [symbol, names] of Object.entries(crypto.assets)) {
    for (const name of names) {
      const tokens = name.split(' ');
      if (tokens.length === 1) assetNames.set(name, symbol);
      else addPhrase(assetPhrases, tokens, symbol);
    }
  }

  return {
    market,
    general,
    phrases,
    moves: new Map(Object.entries(crypto.moves)),
    negators: new Set([...Object.keys(generalNegators), ...crypto.negators]),
    intensifiers: new Map(Object.entries(crypto.intensifiers)),
    contrast: new Set(crypto.contrast),
    concession: new Set(crypto.concession),
    assetNames,
    assetPhrases,
    tickers: new Set(Object.keys(crypto.assets)),
  };
}

/** The shipped lexicon: general lexicons plus crypto-lexicon.json. */
export function loadCryptoLexicon(): Lexicon {
  return buildLexicon(parseCryptoLexicon(cryptoLexiconJson));
}
