// Keeps secrets and terminal control codes out of every output: the patterns any secret-bearing text
// matches, the exact secrets this process has seen (passwords, tickets, tokens), and visible escapes for
// control characters in names and server messages.

const PATTERNS: [RegExp, string][] = [
  [/TICKET_[A-Za-z0-9]+/g, 'TICKET_***'],
  // JWTs (Identity Service access tokens) wherever they appear, header included.
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, 'eyJ***'],
  [/([?&]alf_ticket=)[^&\s]*/gi, '$1***'],
  [/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 ***'],
  [
    /("?(?:password|passwd|ticket|token|authorization|secret|refreshToken|clientSecret)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
    '$1***',
  ],
  // user:pass@ (or a lone user@) in a URL
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@'],
];

/** Exact secrets seen by this process, longest first so one that contains another is masked whole. */
const secrets: string[] = [];

/**
 * Remembers a secret (a password, ticket or token) so `redact` and `maskSecrets` replace it wherever it
 * shows up later, including its base64 and URL-encoded spellings. Values shorter than 4 characters are
 * ignored: masking them would garble ordinary text.
 */
export function addSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  const forms = [value, Buffer.from(value, 'utf8').toString('base64'), encodeURIComponent(value)];
  // An Alfresco ticket's secret part is what follows the prefix; a server may echo it alone.
  if (/^TICKET_./.test(value)) forms.push(value.slice('TICKET_'.length));
  forms.push(JSON.stringify(value).slice(1, -1));
  for (const f of forms) if (f.length >= 4 && !secrets.includes(f)) secrets.push(f);
  secrets.sort((a, b) => b.length - a.length);
}

/** Whether any secret is remembered (maskSecrets then changes nothing). */
export function secretsKnown(): boolean {
  return secrets.length > 0;
}

/** Only the exact secrets replaced by `***`: safe on data (file names, JSON) where patterns would misfire. */
export function maskSecrets(text: string): string {
  if (secrets.length === 0) return text;
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/**
 * What every PATTERNS match contains (case aside): TICKET_, eyJ, alf_ticket, Basic or Bearer, one of the
 * keywords (passw covers password and passwd, token refreshToken, secret clientSecret), or `://`. Text
 * without any of these is matched by no pattern, so one scan replaces six (issue 11: every log line of a
 * first sync, one per copied file, went through all six).
 */
const MAYBE_SECRET = /ticket|eyJ|basic|bearer|passw|token|authorization|secret|:\/\//i;

/** The text with tickets, tokens, passwords, Authorization values and URL credentials replaced by `***`. */
export function redact(text: string): string {
  if (!MAYBE_SECRET.test(text)) return maskSecrets(text);
  return maskSecrets(PATTERNS.reduce((acc, [re, to]) => acc.replace(re, to), text));
}

// C0 controls, DEL, C1 controls, and the bidirectional overrides that can make text read backwards.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const SGR = /(\u001b\[[0-9;]*m)/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return NAMED[ch] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
}

/**
 * Control characters shown visibly (`\x1b`, `\n`, `\u202e`), so a name or a server message cannot move
 * the cursor, recolour or clear a terminal, or forge a line of output or of the log. `keepNewlines` for
 * multi-line text that we composed ourselves (a table, a stack trace); `keepColors` for text our own chalk
 * coloured (only SGR colour codes survive).
 */
export function escapeControl(
  text: string,
  opts: { keepNewlines?: boolean; keepColors?: boolean } = {},
): string {
  const re = opts.keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL;
  if (!opts.keepColors) return text.replace(re, visible);
  // Colour codes (SGR) that our own chalk added stay; every other control is shown.
  return text
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(re, visible)))
    .join('');
}
