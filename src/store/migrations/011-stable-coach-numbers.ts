import type { Db } from '../db';
import type { Migration } from './index';

/**
 * A coach's number is never given to anyone else. With a plain INTEGER PRIMARY KEY, SQLite hands out max(id) + 1,
 * so deleting the newest coach let the next one inherit their number, and with it their audit history (audit_log
 * keeps plain numbers). AUTOINCREMENT remembers the highest number ever used in sqlite_sequence.
 *
 * SQLite cannot add AUTOINCREMENT in place: this is its documented 12-step table rebuild, run with foreign keys
 * off (the runner checks them before committing). The new table is made from the stored definition of the old one,
 * so every column, default and constraint carries over, whichever migration added it; so do indexes and triggers. With
 * legacy_alter_table off, the other tables' REFERENCES coaches(id) point at the renamed table.
 */
export const stableCoachNumbers: Migration = {
  version: 11,
  name: 'coach numbers are never reused (AUTOINCREMENT)',
  foreignKeysOff: true,
  run(db: Db) {
    const definition = db
      .prepare<[], string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'coaches'")
      .pluck()
      .get();
    const idColumn = /^CREATE TABLE "?coaches"? \(\s*id INTEGER PRIMARY KEY,/;
    if (!definition || !idColumn.test(definition)) throw new Error('coaches is not in the shape migration 11 expects');
    // Dropping the table drops its indexes and triggers: their definitions are made again on the new one.
    const dependents = db
      .prepare<[], string>(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'coaches' AND type IN ('index', 'trigger') AND sql NOT NULL ORDER BY type",
      )
      .pluck()
      .all();
    const columns = (db.pragma('table_info(coaches)') as { name: string }[]).map((c) => `"${c.name}"`).join(', ');

    db.exec(definition.replace(idColumn, 'CREATE TABLE coaches_new (\n      id INTEGER PRIMARY KEY AUTOINCREMENT,'));
    db.exec(`INSERT INTO coaches_new (${columns}) SELECT ${columns} FROM coaches`);
    db.exec('DROP TABLE coaches');
    db.exec('ALTER TABLE coaches_new RENAME TO coaches');
    for (const sql of dependents) db.exec(sql);

    // Numbers of coaches deleted before today are not handed out either.
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'coaches'").run();
    const highest = highestCoachNumber(db);
    if (highest > 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('coaches', ?)").run(highest);
  },
};

/** The highest coach number anywhere: coaches, and every column that holds one (audit_log.coach_id outlives coaches). */
function highestCoachNumber(db: Db): number {
  const tables = db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all();
  const columns = tables.flatMap((table) => {
    const named = (db.pragma(`table_info("${table}")`) as { name: string }[])
      .filter((c) => c.name === 'coach_id')
      .map((c) => c.name);
    const referencing = (db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string }[])
      .filter((fk) => fk.table === 'coaches')
      .map((fk) => fk.from);
    return [...new Set([...named, ...referencing])].map((column) => `SELECT max("${column}") FROM "${table}"`);
  });
  const maxima = ['SELECT max(id) FROM coaches', ...columns].map(
    (sql) => (db.prepare<[], number | null>(sql).pluck().get() as number | null) ?? 0,
  );
  return Math.max(0, ...maxima);
}
