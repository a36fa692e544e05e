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
