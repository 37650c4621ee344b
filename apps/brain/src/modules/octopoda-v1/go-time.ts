const two = (n: number) => String(n).padStart(2, '0');

/** Go's `01月02日 15:04` layout in the brain's local time (Octopoda's file tree ModifyTime). */
export function goMonthDayTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getMonth() + 1)}月${two(d.getDate())}日 ${two(d.getHours())}:${two(d.getMinutes())}`;
}
