const two = (n: number) => String(n).padStart(2, '0');

/** Go's `01月02日 15:04` layout in the brain's local time (Octopoda's file tree ModifyTime). */
export function goMonthDayTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getMonth() + 1)}月${two(d.getDate())}日 ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * Go's `2006-01-02 15:04:05` layout in the brain's local time: Octopoda's version `Time` and scenario `Timestamp`
 * (whole seconds; a scenario without a version has Go's zero, the Unix epoch).
 */
export function goDateTime(ms: number): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${date} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
