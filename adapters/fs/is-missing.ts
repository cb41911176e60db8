/** Whether a file-system error means "no such file" (ENOENT), which the file adapters answer as "not stored". */
export const isMissing = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'ENOENT';
