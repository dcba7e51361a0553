/**
 * Screen readers should hear a streamed reply a sentence at a time, not a token at a time:
 * the component moves each finished sentence into the live log and keeps the unfinished
 * tail out of the accessibility tree until it ends.
 */

// A sentence ends at . ! ? … (with any closing quote or bracket) followed by white space, or at a line break.
const BOUNDARY = /[.!?…]+["'”’)\]]*\s+|\n+/g;

export function takeSentences(text: string): { sentences: string[]; rest: string } {
  const sentences: string[] = [];
  let start = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    const end = (m.index ?? 0) + m[0].length;
    sentences.push(text.slice(start, end));
    start = end;
  }
  return { sentences, rest: text.slice(start) };
}
