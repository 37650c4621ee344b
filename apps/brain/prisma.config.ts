import { defineConfig } from 'prisma/config';

// Prisma 7 keeps the URL out of schema.prisma. `?? ''` rather than env(): env() throws when unset,
// and `prisma generate` needs no database.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
