/** The state of something fetched: what views render while it loads, when it failed, once it is there. */
export type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

export const loading = { status: 'loading' } as const;
export const failed = (e: unknown): Load<never> => ({ status: 'error', message: e instanceof Error ? e.message : String(e) });
export const ready = <T>(value: T): Load<T> => ({ status: 'ready', value });
