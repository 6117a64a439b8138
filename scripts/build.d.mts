export declare const build: (options?: { names?: Array<'server' | 'web'>; ifStale?: boolean }) => void;
