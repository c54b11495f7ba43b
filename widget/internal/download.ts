// Saving the activity export: fetched with the token header, then handed to the browser as a blob.

export type ExportFormat = 'json' | 'csv';

/**
 * The server's suggested name when it is a plain one (no folders, not hidden) with the right extension,
 * else `activity-YYYY-MM-DD.<format>` (UTC). Cross-origin hosts only see the header if the server exposes it.
 */
export function exportFilename(disposition: string | null, format: ExportFormat, now: Date): string {
  const name = /filename="?([\w-][\w.-]*)/.exec(disposition ?? '')?.[1];
  return name?.endsWith(`.${format}`) ? name : `activity-${now.toISOString().slice(0, 10)}.${format}`;
}

/** Hands an export response to the browser's download machinery through a temporary link. */
export async function saveExport(res: Response, format: ExportFormat, parent: Node): Promise<void> {
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = exportFilename(res.headers.get('content-disposition'), format, new Date());
  parent.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
