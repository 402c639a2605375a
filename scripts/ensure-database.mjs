// Creates the database named in a PostgreSQL URL if it does not exist (dev.sh start).
import pg from 'pg';

const target = new URL(process.argv[2]);
const name = decodeURIComponent(target.pathname.slice(1));
if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
const admin = new URL(target);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
try {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) {
    await client.query(`CREATE DATABASE "${name}"`);
    console.log(`[dev] created database ${name}`);
  }
} finally {
  await client.end();
}
