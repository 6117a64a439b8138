export type CasesTables = Record<never, never>;
