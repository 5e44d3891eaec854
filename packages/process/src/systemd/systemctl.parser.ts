/** One row of `systemctl list-units`. */
export interface UnitRow {
  readonly unit: string;
  /** LOAD: `loaded`, `not-found`, `masked`… */
  readonly load: string;
  /** ACTIVE: `active`, `failed`, `inactive`… */
  readonly active: string;
  /** SUB: `running`, `failed`, `dead`… */
  readonly sub: string;
  readonly description: string;
}

/**
 * Parses `systemctl list-units --output=json` (systemd ≥ 246): an array of objects with `unit`,
 * `load`, `active`, `sub`, `description`.
 * @returns undefined when the text is not that JSON (older systemd printed a table instead).
 * @example parseUnitsJson('[{"unit":"a.service","load":"loaded","active":"failed","sub":"failed","description":"A"}]')
 */
export function parseUnitsJson(text: string): UnitRow[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed
    .filter(
      (row): row is Record<string, unknown> =>
        typeof row === 'object' && row !== null && typeof row.unit === 'string',
    )
    .map((row) => ({
      unit: String(row.unit),
      load: String(row.load ?? ''),
      active: String(row.active ?? ''),
      sub: String(row.sub ?? ''),
      description: String(row.description ?? ''),
    }));
}

/**
 * Parses the column format of `systemctl list-units --plain --no-legend`:
 * `UNIT LOAD ACTIVE SUB DESCRIPTION…`, one unit per line, the description holding spaces. A
 * leading status bullet (`●` or `*`, printed without `--plain`) and a header line are skipped.
 * @example parsePlainUnits('bot.service loaded failed failed Trading bot\n')[0].description // 'Trading bot'
 */
export function parsePlainUnits(text: string): UnitRow[] {
  const rows: UnitRow[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*[●*]\s*/, '').trim();
    if (!line || /^UNIT\s+LOAD\s+ACTIVE/.test(line)) continue;
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m) rows.push({ unit: m[1], load: m[2], active: m[3], sub: m[4], description: m[5] });
  }
  return rows;
}

/**
 * Parses `systemctl show` output: `Key=Value` lines (the value may hold `=`).
 * @example parseShow('ActiveState=failed\nNRestarts=3\n').ActiveState // 'failed'
 */
export function parseShow(text: string): Record<string, string> {
  // No prototype: a key such as `__proto__` is kept as a key, never as the object's prototype.
  const out: Record<string, string> = Object.create(null);
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
