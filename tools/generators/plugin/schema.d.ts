/** Options of `nx g @vitals/tools:plugin` (see schema.json). */
export interface PluginGeneratorSchema {
  /** kebab-case name: packages/<name>, @vitals/<name>, `vitals <name>`. */
  name: string;
  /** @default 'packages' */
  directory?: string;
  /** @default '@vitals' */
  scope?: string;
}
