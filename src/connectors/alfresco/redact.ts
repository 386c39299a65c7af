// Scrubs secrets from anything that might be logged or put in an error message.

const PATTERNS: [RegExp, string][] = [
  [/TICKET_[A-Za-z0-9]+/g, 'TICKET_***'],
  [/([?&]alf_ticket=)[^&\s]*/gi, '$1***'],
  [/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***'],
  [/("?(?:password|ticket|token|authorization)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***'],
];

/** The text with tickets, tokens, passwords and Authorization values replaced by `***`. */
export function redact(text: string): string {
  return PATTERNS.reduce((acc, [re, to]) => acc.replace(re, to), text);
}
