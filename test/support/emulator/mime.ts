// Mimetype guessing and display names, a small subset of ACS's mimetype-map.xml.

const TABLE: Record<string, [string, string]> = {
  txt: ['text/plain', 'Plain Text'],
  text: ['text/plain', 'Plain Text'],
  log: ['text/plain', 'Plain Text'],
  md: ['text/x-markdown', 'Markdown'],
  csv: ['text/csv', 'Comma Separated Values (CSV)'],
  html: ['text/html', 'HTML'],
  htm: ['text/html', 'HTML'],
  xml: ['text/xml', 'XML'],
  json: ['application/json', 'JSON'],
  js: ['application/x-javascript', 'JavaScript'],
  pdf: ['application/pdf', 'Adobe PDF Document'],
  png: ['image/png', 'PNG Image'],
  jpg: ['image/jpeg', 'JPEG Image'],
  jpeg: ['image/jpeg', 'JPEG Image'],
  gif: ['image/gif', 'GIF Image'],
  tif: ['image/tiff', 'TIFF Image'],
  tiff: ['image/tiff', 'TIFF Image'],
  svg: ['image/svg+xml', 'Scalable Vector Graphics Image'],
  zip: ['application/zip', 'ZIP'],
  doc: ['application/msword', 'Microsoft Word'],
  xls: ['application/vnd.ms-excel', 'Microsoft Excel'],
  ppt: ['application/vnd.ms-powerpoint', 'Microsoft PowerPoint'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Microsoft Word 2007'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Microsoft Excel 2007'],
  pptx: [
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'Microsoft PowerPoint 2007',
  ],
  mp4: ['video/mp4', 'MPEG4 Video'],
  mp3: ['audio/mpeg', 'MPEG Audio Stream, Layer III'],
};

/** The generic binary type; ACS guesses from the file name when a client sends it. */
export const BINARY = 'application/octet-stream';

/** Guesses a mimetype from a file name's extension (binary if unknown). */
export function guessMime(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
  return TABLE[ext]?.[0] ?? BINARY;
}

/** Human-readable name for a mimetype, like `content.mimeTypeName`. */
export function mimeName(mime: string): string {
  for (const [m, n] of Object.values(TABLE)) if (m === mime) return n;
  return mime === BINARY ? 'Binary File (Octet Stream)' : mime;
}

/** Picks the mimetype for stored content: the declared one unless it is missing or generic binary. */
export function effectiveMime(declared: string | undefined, name: string): string {
  const base = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  return base && base !== BINARY && base !== 'application/x-www-form-urlencoded' ? base : guessMime(name);
}

/** Extracts the charset parameter of a Content-Type header (UTF-8 when absent, like ACS's guess). */
export function charsetOf(contentType: string | undefined): string {
  const m = /charset=([^;]+)/i.exec(contentType ?? '');
  return m ? m[1]!.trim().replace(/"/g, '') : 'UTF-8';
}
