/** Splits Prisma's `?schema=` convention off a Postgres URL (pg does not know that parameter). */
export function splitDatabaseUrl(url: string): { connectionString: string; schema: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  parsed.searchParams.delete('schema');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema))
    throw new Error(`database schema "${schema}" is not a plain identifier`);
  return { connectionString: parsed.toString(), schema };
}
