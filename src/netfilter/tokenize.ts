// Splits one iptables-save rule line into words the way iptables-restore does: whitespace
// separates, "double" or 'single' quotes group (quotes removed), a backslash escapes the next
// character inside quotes. An unterminated quote is reported, and the rest is one word.

export interface Tokens {
  words: string[];
  /** Per word: whether any of it was quoted (`"!"` is the text !, not iptables' negation). */
  quoted: boolean[];
  /** Column (1-based) where an unterminated quote starts, or null. */
  unterminatedQuoteAt: number | null;
}

export function tokenizeRule(text: string): Tokens {
  const words: string[] = [];
  const quoted: boolean[] = [];
  const len = text.length;
  let unterminatedQuoteAt: number | null = null;
  let i = 0;
  while (i < len) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    // Fast path: a word without quotes is one slice (no per-character strings).
    const start = i;
    while (i < len) {
      c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 34 || c === 39) break;
      i++;
    }
    if (i === len || c === 32 || c === 9) {
      words.push(text.slice(start, i));
      quoted.push(false);
      continue;
    }
    let word = text.slice(start, i);
    while (i < len) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t') break;
      if (ch === '"' || ch === "'") {
        const quoteStart = i;
        i++;
        let closed = false;
        while (i < len) {
          const q = text[i]!;
          if (q === '\\' && i + 1 < len) {
            word += text[i + 1];
            i += 2;
            continue;
          }
          if (q === ch) {
            closed = true;
            i++;
            break;
          }
          word += q;
          i++;
        }
        if (!closed && unterminatedQuoteAt === null) unterminatedQuoteAt = quoteStart + 1;
        continue;
      }
      word += ch;
      i++;
    }
    words.push(word);
    quoted.push(true);
  }
  return { words, quoted, unterminatedQuoteAt };
}
