import type { z } from 'zod';
import type { Permission } from '../../platform/access.js';
import type { Deps } from '../../platform/deps.js';
import type { ImportField, ImportMode, ImportProgress, ImportReport } from './import-runner.js';
import type { OpenTableOptions, TableSource } from './tabular-reader.js';

/*
 * What the registry of import targets (src/import-targets.ts, the composition root) holds for each
 * target: its names, the options it needs besides the file (a case type, a list key …), its fields
 * for a mapping screen and how it runs. The imports module serves the registry over the CLI and the
 * API without knowing the targets' modules, which never import the registry.
 */

export type ImportRunInput = {
  source: TableSource;
  mode: ImportMode;
  mapping?: Readonly<Record<string, string | number>> | undefined;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
};

/** What a target's import function takes besides its own options: the file, how, and where to report. */
export type ImportFileInput = ImportRunInput & { read?: Omit<OpenTableOptions, 'source'> | undefined };

export type ImportTargetDefinition = {
  key: string;
  /** Chinese first (the UI's language), English second. */
  name: string;
  nameEn: string;
  /** The permission the target's service needs somewhere (its own checks decide per unit). */
  permission: Permission;
  /** The options as a zod object: each option's description is its label ("中文 / English"). */
  options: z.ZodObject;
  /** The fields of the target for these options (validated with `options`). */
  fields: (options: unknown, deps: Deps) => Promise<ImportField[]>;
  run: (input: ImportRunInput & { options: unknown }, deps: Deps) => Promise<ImportReport>;
};

export type ImportTargetRegistry = Readonly<Record<string, ImportTargetDefinition>>;

/** Options as a form sends them: an empty field ('' or null) is an option not given. */
export const givenOptions = (options: unknown): Record<string, unknown> =>
  typeof options === 'object' && options !== null
    ? Object.fromEntries(Object.entries(options).filter(([, v]) => v !== '' && v !== null && v !== undefined))
    : {};

/** A target with typed options; the registry stores it erased, parsing the options on every call. */
export const defineImportTarget = <S extends z.ZodObject>(definition: {
  key: string;
  name: string;
  nameEn: string;
  permission: Permission;
  options: S;
  fields: (options: z.output<S>, deps: Deps) => Promise<ImportField[]>;
  run: (input: ImportRunInput & { options: z.output<S> }, deps: Deps) => Promise<ImportReport>;
}): ImportTargetDefinition => ({
  ...definition,
  fields: (options, deps) => definition.fields(definition.options.parse(givenOptions(options)), deps),
  run: (input, deps) =>
    definition.run({ ...input, options: definition.options.parse(givenOptions(input.options)) }, deps),
});

export type ImportTargetOption = { key: string; label: string; required: boolean };

/** The options of a target as a list for a form: key, label (the description), whether required. */
export const optionsOf = (target: ImportTargetDefinition): ImportTargetOption[] =>
  Object.entries(target.options.shape).map(([key, schema]) => {
    const field = schema as z.ZodType;
    return { key, label: field.description ?? key, required: !field.safeParse(undefined).success };
  });
