/**
 * Download names are built from names found in files (a stream's name, a device idstr): keep
 * what a file system accepts everywhere, so that `0000:00:1f.2/ich9_ahci` does not become a
 * path and control characters never reach the save dialog.
 */
const UNSAFE = /[\u0000-\u001f\u007f<>:"/\\|?*]+/g;

export function safeFileName(name: string, fallback = 'export'): string {
  const cleaned = name.replace(UNSAFE, '_').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 180);
  return cleaned === '' ? fallback : cleaned;
}
