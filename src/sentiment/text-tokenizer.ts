// Splits market text into the tokens the analyzer reasons about: words, cashtags, emoji and
// clause breaks (negation and concession never reach across a break).

export enum TokenKind {
  Word,
  Cashtag,
  Emoji,
  Break,
}

export interface Token {
  kind: TokenKind;
  /** Lower-cased, curly apostrophes straightened, possessive `'s` removed; `$` kept on cashtags. */
  text: string;
  /** As written, for case-sensitive checks (tickers are recognised only in capitals). */
  raw: string;
}

// Groups: 1 cashtag ($ + letter first, so "$70,000" is a number), 2 word (inner ' . , keep
// "don't", "3.2" and "1,050,000" whole; hyphens split, so "all-time" matches "all time"),
// 3 emoji (one pictograph per token: variation selectors and joiners are skipped), 4 break.
const TOKEN_PATTERN =
  /(\$[a-z][a-z0-9]{0,14})(?![a-z0-9])|([\p{L}\p{N}]+(?:['’.,][\p{L}\p{N}]+)*)|(\p{Extended_Pictographic})|([.!?;:,()\u2013\u2014]|\s-\s)/giu;

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  for (const match of input.matchAll(TOKEN_PATTERN)) {
    const raw = match[0];
    if (match[1] !== undefined) {
      tokens.push({ kind: TokenKind.Cashtag, text: raw.toLowerCase(), raw });
    } else if (match[2] !== undefined) {
      let text = raw.toLowerCase().replace(/’/g, "'");
      if (text.endsWith("'s")) text = text.slice(0, -2);
      tokens.push({ kind: TokenKind.Word, text, raw });
    } else if (match[3] !== undefined) {
      tokens.push({ kind: TokenKind.Emoji, text: raw, raw });
    } else if (tokens.length > 0 && tokens[tokens.length - 1].kind !== TokenKind.Break) {
      tokens.push({ kind: TokenKind.Break, text: raw.trim(), raw });
    }
  }
  return tokens;
}
