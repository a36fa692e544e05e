// CSV helpers of the guests screen (pure): the import preview mapped to table
// rows, and a formula-safe export of name / email / link.

// The server's preview {rows, valid, invalid} → rows for the table: every
// row with its file line, its cells as text and its errors (empty when fine).
export function previewRows(preview) {
  return (preview.rows || []).map((r) => ({
    line: r.line,
    name: r.name ?? '',
    email: r.email ?? '',
    phone: r.phone ?? '',
    plusOnes: r.plus_ones_allowed === undefined || r.plus_ones_allowed === null ? ''
      : String(r.plus_ones_allowed),
    errors: r.errors || [],
    ok: !(r.errors && r.errors.length),
  }));
}

// The rows a large preview table shows: every row with a problem, and the
// first `max` rows; `hidden` says how many fine rows are left out.
export function previewShown(rows, max = 100) {
  const shown = rows.filter((r, i) => !r.ok || i < max);
  return { shown, hidden: rows.length - shown.length };
}

export function previewSummary(preview) {
  const valid = preview.valid || 0;
  const invalid = preview.invalid || 0;
  if (invalid) {
    return `${invalid} ${invalid === 1 ? 'row has' : 'rows have'} a problem; fix the file and upload it again. Nothing is imported until every row is valid.`;
  }
  return `${valid} ${valid === 1 ? 'guest is' : 'guests are'} ready to import.`;
}

// A spreadsheet would run a cell starting with = + - @ (or tab / CR) as a
// formula; such a cell is prefixed with a single quote.
export function neutralise(cell) {
  const s = cell === null || cell === undefined ? '' : String(cell);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csvCell(cell) {
  const s = neutralise(cell);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// name,email,link for each guest with a known link (CRLF lines, header first).
export function linksCsv(guests, links) {
  const lines = ['name,email,link'];
  for (const g of guests) {
    const link = links[g.id];
    if (!link) continue;
    lines.push([g.name, g.email, link].map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

// The import's progress line: reading the file (bytes), then the server's
// check and the commit of `rows` rows (no fraction: one request each).
export function importProgress(stage, { loaded = 0, total = 0, rows = 0, name = '' } = {}) {
  const n = rows.toLocaleString('en');
  if (stage === 'reading') {
    const pct = total ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
    return { value: loaded, max: total || 1, text: `Reading ${name}… ${pct} %` };
  }
  if (stage === 'checking') return { value: null, max: 1, text: `Checking ${n} rows…` };
  if (stage === 'importing') return { value: null, max: 1, text: `Importing ${n} guests…` };
  return { value: 1, max: 1, text: `${n} ${rows === 1 ? 'row' : 'rows'} read and checked` };
}

// The number of data lines of a CSV text (header excluded; blank lines and
// line breaks inside quoted cells not counted): what the bar counts while
// reading, before the server's own count.
export function dataLines(text) {
  let lines = 0;
  let quoted = false;
  let content = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || c === '\r')) {
      if (content) lines += 1;
      content = false;
      if (c === '\r' && text[i + 1] === '\n') i += 1;
    } else if (c !== ' ' && c !== '\t') {
      content = true;
    }
  }
  if (content) lines += 1;
  return Math.max(0, lines - 1);
}
