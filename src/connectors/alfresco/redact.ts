// Scrubs secrets from anything that might be logged or put in an error message.

const PATTERNS: [RegExp, string][] = [
  [/TICKET_[A-Za-z0-9]+/g, 'TICKET_***'],
  // JWTs (Identity Service access tokens) wherever they appear, header included.
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, 'eyJ***'],
  [/([?&]alf_ticket=)[^&\s]*/gi, '$1***'],
  [/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***'],
  [
    /("?(?:password|ticket|token|authorization|secret|refreshToken|clientSecret)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
    '$1***',
  ],
];

/** The text with tickets, tokens, passwords and Authorization values replaced by `***`. */
export function redact(text: string): string {
  return PATTERNS.reduce((acc, [re, to]) => acc.replace(re, to), text);
}
