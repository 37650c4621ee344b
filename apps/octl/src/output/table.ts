/** Left-aligned columns separated by two spaces; no trailing blanks. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_h, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  return all
    .map((row) =>
      headers
        .map((_h, i) => {
          const cell = row[i] ?? '';
          return i === headers.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
